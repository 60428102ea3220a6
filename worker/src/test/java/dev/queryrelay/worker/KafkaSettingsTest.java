package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worker's Kafka client settings: its defaults, and the user's {@code kafka.*} settings over them. */
class KafkaSettingsTest {

    private static KafkaSettings settings(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of(WorkerConfig.BOOTSTRAP_SERVERS, "localhost:9092",
                WorkerConfig.WORKER_ID, "w1"));
        config.putAll(extra);
        return new KafkaSettings(new WorkerConfig(config));
    }

    @Test
    void theCommandConsumerIsAnsweredWithin100MillisecondsUnlessTheUserSaysOtherwise() {
        assertEquals(100, settings(Map.of()).consumer("g").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        assertEquals("300", settings(Map.of("kafka.fetch.max.wait.ms", "300")).consumer("g")
                .get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG).toString());
    }

    @Test
    void theTransactionalProducerLingersTheCommitSpacingUnlessTheUserSaysOtherwise() {
        KafkaSettings defaults = settings(Map.of());
        assertEquals(5, defaults.producer(0).get(ProducerConfig.LINGER_MS_CONFIG), "the plain producer keeps 5 ms");
        assertEquals(CommitPacing.MAX_SPACING_MILLIS,
                defaults.transactionalProducer(0, "g").get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("queryrelay-g-w1", defaults.transactionalProducer(0, "g").get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));

        KafkaSettings chosen = settings(Map.of("kafka.linger.ms", "7"));
        assertEquals("7", chosen.transactionalProducer(0, "g").get(ProducerConfig.LINGER_MS_CONFIG).toString());
    }

    @Test
    void theTransactionalProducerRetriesAfterMillisecondsUnlessTheUserSaysOtherwise() {
        KafkaSettings defaults = settings(Map.of());
        assertEquals(KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MS,
                defaults.transactionalProducer(0, "g").get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG));
        assertEquals(KafkaSettings.TRANSACTIONAL_RETRY_BACKOFF_MAX_MS,
                defaults.transactionalProducer(0, "g").get(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG));
        assertEquals(KafkaSettings.RETRY_BACKOFF_MS, defaults.producer(0).get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
                "the plain producer, which the bench's reference programs use, keeps its backoff");

        KafkaSettings chosen = settings(Map.of("kafka.retry.backoff.ms", "50", "kafka.retry.backoff.max.ms", "500"));
        assertEquals("50", chosen.transactionalProducer(0, "g").get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG).toString());
        assertEquals("500", chosen.transactionalProducer(0, "g").get(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG).toString());
    }
}
