package dev.queryrelay.bench;

import dev.queryrelay.worker.KafkaSettings;
import dev.queryrelay.worker.WorkerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Kafka client settings of the bench's programs. The reference workers (pipe, do-nothing worker,
 * blocking loop) use the worker's own producer and consumer settings ({@link KafkaSettings}), so
 * that a difference in the figures is the worker's own work, not a client setting.
 */
public final class ClientSettings {

    /** The load generator's producer linger: short, as a latency-minded client would set it. */
    static final int LOAD_LINGER_MS = 1;

    private ClientSettings() {
    }

    /** The worker's producer settings ({@link KafkaSettings#producer}), with string keys. */
    public static Map<String, Object> workerProducer(String bootstrap, String clientId) {
        Map<String, Object> settings = worker(bootstrap, clientId).producer(0);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return settings;
    }

    /** The worker's consumer settings ({@link KafkaSettings#consumer}), with string keys. */
    public static Map<String, Object> workerConsumer(String bootstrap, String groupId, String clientId) {
        Map<String, Object> settings = worker(bootstrap, clientId).consumer(groupId);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return settings;
    }

    private static KafkaSettings worker(String bootstrap, String clientId) {
        return new KafkaSettings(new WorkerConfig(Map.of(WorkerConfig.BOOTSTRAP_SERVERS, bootstrap,
                WorkerConfig.WORKER_ID, clientId)));
    }

    /** The load generator's producer: the worker's, with linger 1 ms. */
    static Map<String, Object> loadProducer(String bootstrap) {
        Map<String, Object> settings = workerProducer(bootstrap, "bench-load");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, LOAD_LINGER_MS);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return settings;
    }

    /** The load generator's event reader: no group (partitions are assigned), large polls. */
    static Map<String, Object> watcherConsumer(String bootstrap, String clientId) {
        Map<String, Object> settings = common(bootstrap, clientId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    private static Map<String, Object> common(String bootstrap, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrap, "bootstrap"));
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, Objects.requireNonNull(clientId, "clientId"));
        return settings;
    }
}
