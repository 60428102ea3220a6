package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Kafka client settings of a worker: its defaults, then the user's {@code kafka.*} settings,
 * then what the worker cannot work without (serializers, manual commits). Public so that the
 * bench's reference workers run with exactly the same clients.
 */
public final class KafkaSettings {

    /** Producer batch size: pages are large, so larger batches than Kafka's 16 KB default. */
    static final int BATCH_SIZE = 65_536;
    /**
     * The producer's largest record and request: its buffer's size (Kafka's default
     * {@code buffer.memory}). The producer checks a record's size before compressing it, the broker
     * checks the compressed batch against the topic's {@code max.message.bytes}: a command record
     * written compressed can be far larger once read, and its dead letter must still be sendable.
     */
    static final int MAX_REQUEST_SIZE = 32 * 1024 * 1024;
    /**
     * How long a transaction may stay open before the broker aborts it: a worker commits every
     * {@code worker.commit-interval-ms}, so only a stalled worker's transaction lives this long,
     * and read_committed readers of its partitions wait for it at most this long.
     */
    static final int TRANSACTION_TIMEOUT_MS = 10_000;
    /** The transactional producer's linger: the spacing of two commits under a steady stream ({@link CommitPacing#MAX_SPACING_MILLIS}). */
    static final long TRANSACTIONAL_LINGER_MS = CommitPacing.MAX_SPACING_MILLIS;
    /**
     * How long the broker holds the command consumer's fetch when there is nothing new (Kafka's
     * default: 500 ms). Submit partitions resumed after a pause at the in-flight cap are fetched
     * only when the fetch in flight (for the cancel partitions) returns, so this bounds that wait.
     */
    static final int COMMAND_FETCH_MAX_WAIT_MS = 100;
    /** First producer retry backoff (it grows exponentially up to Kafka's retry.backoff.max.ms, 1 s). */
    static final long RETRY_BACKOFF_MS = 10;
    /**
     * The transactional producer's retry backoff, first and largest: a transaction that starts while
     * the previous one's markers are still being written is told CONCURRENT_TRANSACTIONS, which
     * clears within milliseconds; with Kafka's growing backoff a lone event (a cancel's CANCELED)
     * waited up to 100 ms and more for it.
     */
    static final long TRANSACTIONAL_RETRY_BACKOFF_MS = 2;
    static final long TRANSACTIONAL_RETRY_BACKOFF_MAX_MS = 10;

    private final WorkerConfig config;
    private final String workerId;

    public KafkaSettings(WorkerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.workerId = config.getString(WorkerConfig.WORKER_ID);
    }

    /** Settings for every client: the user's {@code kafka.*} settings but the group id. */
    public Map<String, Object> common() {
        Map<String, Object> settings = new HashMap<>(config.kafkaClientSettings());
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return settings;
    }

    public Map<String, Object> admin() {
        return common();
    }

    /**
     * The worker's transactional producer ({@link #producer} with its {@code transactional.id}). Its
     * records are invisible until their transaction commits, and a commit sends what is batched:
     * batches linger for {@link #TRANSACTIONAL_LINGER_MS} (unless {@code kafka.linger.ms} is set), so
     * a transaction writes about one batch per partition instead of one every 5 ms.
     */
    Map<String, Object> transactionalProducer(int dlqMaxBytes, String groupId) {
        Map<String, Object> settings = producer(dlqMaxBytes);
        settings.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "queryrelay-" + groupId + "-" + workerId);
        if (!config.kafkaClientSettings().containsKey(ProducerConfig.LINGER_MS_CONFIG)) {
            settings.put(ProducerConfig.LINGER_MS_CONFIG, TRANSACTIONAL_LINGER_MS);
        }
        if (!config.kafkaClientSettings().containsKey(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)) {
            settings.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, TRANSACTIONAL_RETRY_BACKOFF_MS);
        }
        if (!config.kafkaClientSettings().containsKey(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG)) {
            settings.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, TRANSACTIONAL_RETRY_BACKOFF_MAX_MS);
        }
        return settings;
    }

    /** The event producer: idempotent, lz4, requests large enough for any dead letter of {@code dlqMaxBytes}. */
    public Map<String, Object> producer(int dlqMaxBytes) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_SIZE);
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(MAX_REQUEST_SIZE, dlqMaxBytes + 1024));
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        // a transaction that starts while the previous one's markers are still being written is told
        // CONCURRENT_TRANSACTIONS and retried: at 100 ms (Kafka's default) every second commit would wait
        settings.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-producer");
        settings.putAll(common());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return settings;
    }

    /**
     * The command consumer of the worker group: keys and values as bytes, commits by the worker,
     * committed records only. Kafka's consumer group protocol (KIP-848) with the broker's
     * {@code range} assignor: rebalances move only the partitions that change owner, and
     * equal-numbered partitions of the submit and cancel topics stay together. With
     * {@code kafka.group.protocol=classic} (brokers before Kafka 4.0) the eager {@code RangeAssignor}.
     */
    public Map<String, Object> consumer(String groupId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, COMMAND_FETCH_MAX_WAIT_MS);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-consumer");
        settings.putAll(common());
        if (isClassic(settings)) {
            settings.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        } else {
            settings.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            settings.putIfAbsent(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        }
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    /** Whether consumer {@code settings} choose the classic group protocol (brokers before Kafka 4.0). */
    static boolean isClassic(Map<String, Object> settings) {
        return "classic".equalsIgnoreCase(String.valueOf(settings.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)));
    }

    /** The consumer that reads a state partition on take-over (assigned, no group). */
    Map<String, Object> stateReader() {
        Map<String, Object> settings = new HashMap<>(common());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-state-reader");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    /** The state topic keeps records at least a week, and at least the TTL. */
    Duration stateRetention() {
        Duration ttl = config.duration(WorkerConfig.TTL_MS);
        Duration week = Duration.ofDays(7);
        return ttl.compareTo(week) > 0 ? ttl : week;
    }
}
