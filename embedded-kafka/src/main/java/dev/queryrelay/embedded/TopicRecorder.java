package dev.queryrelay.embedded;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Records every record of some topics, from the earliest offset, on a background thread with
 * its own consumer group. Records keep the order in which they were consumed (which is the
 * partition order within a partition).
 *
 * <pre>{@code
 * try (TopicRecorder status = TopicRecorder.start(bootstrap, "queryrelay.status")) {
 *     ...
 *     status.await(records -> records.size() >= 3, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Thread-safe. If the consumer fails, {@link #await} and {@link #records()} throw.
 */
public final class TopicRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicRecorder.class);

    private final List<String> topics;
    private final Consumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    private TopicRecorder(List<String> topics, Consumer<String, String> consumer) {
        this.topics = topics;
        this.consumer = consumer;
        String name = topics.size() == 1 ? topics.get(0) : topics.get(0) + "+" + (topics.size() - 1);
        this.thread = new Thread(this::run, "topic-recorder-" + name);
        this.thread.setDaemon(true);
    }

    /** Starts recording the topics (which may not exist yet) of the broker at the address. */
    public static TopicRecorder start(String bootstrapServers, String... topics) {
        return start(bootstrapServers, Arrays.asList(Objects.requireNonNull(topics, "topics")));
    }

    /** Starts recording the topics (which may not exist yet) of the broker at the address. */
    public static TopicRecorder start(String bootstrapServers, Collection<String> topics) {
        List<String> names = List.copyOf(Objects.requireNonNull(topics, "topics"));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one topic is required");
        }
        Map<String, Object> config = KafkaTestClients.consumerConfig(
                bootstrapServers, "topic-recorder-" + UUID.randomUUID());
        TopicRecorder recorder = new TopicRecorder(names, new KafkaConsumer<>(config));
        recorder.thread.start();
        return recorder;
    }

    /** The recorded topics. */
    public List<String> topics() {
        return topics;
    }

    /** A snapshot of all records so far, in consumption order. */
    public List<ConsumerRecord<String, String>> records() {
        throwIfFailed();
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** A snapshot of the records of one topic so far, in consumption order. */
    public List<ConsumerRecord<String, String>> records(String topic) {
        Objects.requireNonNull(topic, "topic");
        return records().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /**
     * Waits until the records so far satisfy the condition and returns that snapshot.
     *
     * @throws ConditionTimeoutException if they do not within the timeout
     * @throws IllegalStateException     if the consumer failed
     */
    public List<ConsumerRecord<String, String>> await(
            Predicate<? super List<ConsumerRecord<String, String>>> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        AtomicReference<List<ConsumerRecord<String, String>>> matched = new AtomicReference<>();
        Awaitility.await("records of " + topics + " matching the condition")
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    List<ConsumerRecord<String, String>> snapshot = records();
                    if (condition.test(snapshot)) {
                        matched.set(snapshot);
                        return true;
                    }
                    return false;
                });
        return matched.get();
    }

    /** Waits until at least {@code count} records of the topic arrived and returns all of them. */
    public List<ConsumerRecord<String, String>> awaitCount(String topic, int count, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        await(all -> all.stream().filter(r -> r.topic().equals(topic)).count() >= count, timeout);
        return records(topic);
    }

    /** Stops the consumer thread and closes the consumer. Idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(topics, new ResumeWhereRecorded());
            while (running) {
                ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    synchronized (records) {
                        for (ConsumerRecord<String, String> record : batch) {
                            records.add(record);
                            nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure.set(e);
            }
        } catch (RuntimeException e) {
            LOG.error("Recorder of {} failed", topics, e);
            failure.set(e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * The recorder commits nothing, so after a rebalance (e.g. when a subscribed topic appears)
     * it seeks each partition back to where it stopped instead of re-reading from the earliest.
     */
    private final class ResumeWhereRecorded implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                Long next = nextOffsets.get(partition);
                if (next != null) {
                    consumer.seek(partition, next);
                }
            }
        }
    }

    private void throwIfFailed() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("The recorder of " + topics + " failed", t);
        }
    }
}
