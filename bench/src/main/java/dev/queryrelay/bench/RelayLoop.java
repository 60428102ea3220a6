package dev.queryrelay.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The skeleton of the bench's reference workers, shaped like the worker's own command loop: one
 * thread polls one topic, hands each record to a {@link Handler}, and every second flushes the
 * producer and commits what it has processed. SIGTERM stops it.
 */
public final class RelayLoop {

    private static final Logger log = LoggerFactory.getLogger(RelayLoop.class);
    private static final long COMMIT_INTERVAL_MS = 1000;

    /** Processes one record; may send with {@link RelayLoop#send}. */
    public interface Handler {
        void handle(ConsumerRecord<String, byte[]> record) throws Exception;
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /** A loop over {@code topic} in consumer group {@code groupId}; {@code maxPollRecords} 0 keeps Kafka's default. */
    public RelayLoop(String bootstrap, String groupId, String topic, String name, int maxPollRecords) {
        Map<String, Object> consumerSettings = ClientSettings.workerConsumer(bootstrap, groupId, name + "-consumer");
        if (maxPollRecords > 0) {
            consumerSettings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        }
        this.consumer = new KafkaConsumer<>(consumerSettings);
        this.producer = new KafkaProducer<>(ClientSettings.workerProducer(bootstrap, name + "-producer"));
        this.topic = topic;
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    /** Sends a record; a failure is counted and logged, never ignored. */
    public void send(String topic, String key, byte[] value) {
        send(topic, key, value, null);
    }

    /** Sends a record and runs {@code then} once the broker has acknowledged it. */
    public void send(String topic, String key, byte[] value, Runnable then) {
        producer.send(new ProducerRecord<>(topic, key, value), callback(key, then));
    }

    private Callback callback(String key, Runnable then) {
        return (metadata, error) -> {
            if (error != null) {
                if (failures.incrementAndGet() <= 10) {
                    log.error("send for {} failed: {}", key, error.toString());
                }
            } else if (then != null) {
                then.run();
            }
        };
    }

    /** Runs until {@link #stop()}, then commits, closes the clients and returns. */
    public void run(Handler handler) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWait, "relay-shutdown"));
        Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
        long lastCommit = System.currentTimeMillis();
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        handler.handle(record);
                    } catch (Exception e) {
                        log.error("record {}-{}@{} failed: {}", record.topic(), record.partition(), record.offset(),
                                e.toString());
                    }
                    processed.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                if (System.currentTimeMillis() - lastCommit >= COMMIT_INTERVAL_MS) {
                    lastCommit = System.currentTimeMillis();
                    commit(processed);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            commit(processed);
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(10));
            stopped.countDown();
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> processed) {
        if (processed.isEmpty()) {
            return;
        }
        producer.flush();
        consumer.commitAsync(Map.copyOf(processed), null);
        processed.clear();
    }

    /** Asks the loop to stop; safe from any thread. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    private void stopAndWait() {
        stop();
        try {
            stopped.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
