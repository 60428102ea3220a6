package dev.queryrelay.embedded;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client settings with test-friendly defaults, for any broker (embedded or not). The
 * returned maps are mutable copies: change what a test needs before building a client.
 *
 * <p>Producers are idempotent with {@code acks=all} and fail within 30 s instead of Kafka's
 * 120 s, so a lost batch surfaces as a failed send in the test. Consumers read from the earliest
 * offset, do not auto-commit, and read committed records only (QueryRelay workers publish in
 * transactions).
 */
public final class KafkaTestClients {

    private KafkaTestClients() {
    }

    /** String-keyed, string-valued, idempotent producer settings. */
    public static Map<String, Object> producerConfig(String bootstrapServers) {
        Map<String, Object> config = common(bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        return config;
    }

    /** String-keyed, string-valued consumer settings for a group, from the earliest offset. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        Map<String, Object> config = common(bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1_000);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** Admin client settings. */
    public static Map<String, Object> adminConfig(String bootstrapServers) {
        Map<String, Object> config = common(bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return config;
    }

    /** A new producer with {@link #producerConfig(String)}; the caller closes it. */
    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(producerConfig(bootstrapServers));
    }

    /** A new consumer with {@link #consumerConfig(String, String)}; the caller closes it. */
    public static KafkaConsumer<String, String> consumer(String bootstrapServers, String groupId) {
        return new KafkaConsumer<>(consumerConfig(bootstrapServers, groupId));
    }

    /** A new admin client with {@link #adminConfig(String)}; the caller closes it. */
    public static Admin admin(String bootstrapServers) {
        return Admin.create(adminConfig(bootstrapServers));
    }

    /**
     * Creates topics with replication factor 1 (existing topics are fine) and returns once every
     * partition has a leader that answers a ListOffsets request, so that an idempotent producer's
     * first batch cannot be lost (KAFKA-14359).
     *
     * @throws IllegalStateException if a topic cannot be created
     * @throws org.awaitility.core.ConditionTimeoutException if partitions are not ready in 60 s
     */
    public static void createTopics(Admin admin, int partitions, String... names) {
        Topics.create(admin, Topics.newTopics(partitions, names));
    }

    /**
     * Creates topics as described (partition count and replication factor may be left to the
     * broker's defaults; existing topics are fine) and waits for their leaders as
     * {@link #createTopics(Admin, int, String...)} does.
     */
    public static void createTopics(Admin admin, Collection<NewTopic> topics) {
        Topics.create(admin, topics);
    }

    /** Waits as {@link #createTopics(Admin, int, String...)} does, for existing topics. */
    public static void awaitTopicsReady(Admin admin, String... names) {
        Topics.awaitReady(admin, Arrays.asList(names), Topics.TIMEOUT);
    }

    private static Map<String, Object> common(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }
}
