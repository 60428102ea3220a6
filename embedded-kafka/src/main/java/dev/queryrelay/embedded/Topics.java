package dev.queryrelay.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics and waits until every partition of them has a leader that answers a
 * ListOffsets request. Producing earlier can lose an idempotent producer's first batch
 * (NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER on retry; KAFKA-14359, KAFKA-15591).
 */
final class Topics {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    private Topics() {
    }

    /** Creates the topics (existing ones are fine) and waits for them as {@link #awaitReady} does. */
    static void create(Admin admin, Collection<NewTopic> topics) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(topics, "topics");
        if (topics.isEmpty()) {
            return;
        }
        CreateTopicsResult result = admin.createTopics(topics);
        List<String> names = new ArrayList<>();
        for (NewTopic topic : topics) {
            names.add(topic.name());
            try {
                result.values().get(topic.name()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + topic.name(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + topic.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted creating topic " + topic.name(), e);
            }
        }
        awaitReady(admin, names, TIMEOUT);
        LOG.debug("Topics {} ready", names);
    }

    static List<NewTopic> newTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Objects.requireNonNull(names, "names");
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(Objects.requireNonNull(name, "topic name"), partitions, (short) 1));
        }
        return topics;
    }

    /** Waits until every partition of the existing topics has a leader answering ListOffsets. */
    static void awaitReady(Admin admin, Collection<String> topics, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        List<String> names = List.copyOf(topics);
        if (names.isEmpty()) {
            return;
        }
        Awaitility.await("leaders answering ListOffsets for every partition of " + names)
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> allAnswer(admin, names));
    }

    private static boolean allAnswer(Admin admin, List<String> topics) throws InterruptedException {
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(topics)
                    .allTopicNames().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (TopicDescription description : descriptions.values()) {
                for (TopicPartitionInfo partition : description.partitions()) {
                    if (partition.leader() == null || partition.leader().isEmpty()) {
                        return false;
                    }
                    partitions.put(new TopicPartition(description.name(), partition.partition()),
                            OffsetSpec.latest());
                }
            }
            admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) ATTEMPT_TIMEOUT.toMillis()))
                    .all().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Partitions of {} not ready yet: {}", topics, e.toString());
            return false;
        }
    }
}
