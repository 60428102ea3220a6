package dev.queryrelay.worker;

import dev.queryrelay.api.QueryRelayException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the worker's topics when absent (broker defaults unless configured) and waits, a bounded
 * time, until every partition has a leader that answers a ListOffsets request (a producer's first
 * batch to a partition without one can be lost: KAFKA-14359). The cancel and state topics get the
 * submit topic's partition count, so the owner of submit partition p also owns cancel partition p
 * and state partition p. The dead-letter topic accepts records larger than the command topics do by
 * {@link #DLQ_HEADER_ALLOWANCE}, room for the headers that say why.
 */
final class TopicSetup {

    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);
    private static final int DLQ_HEADER_ALLOWANCE = 64 * 1024;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long READY_RETRY_MILLIS = 100;

    private final Admin admin;

    TopicSetup(Admin admin) {
        this.admin = admin;
    }

    /**
     * The largest record the command topics take ({@code max.message.bytes}, the larger of the two)
     * and the largest the dead-letter and state topics must take, in bytes.
     */
    record Limits(int commandMaxBytes, int dlqMaxBytes) {
    }

    /** Creates and checks the topics; returns the record size limits they set. */
    Limits ensure(WorkerTopics topics, int partitions, short replicationFactor, Duration stateRetention) {
        Optional<Integer> count = partitions > 0 ? Optional.of(partitions) : Optional.empty();
        Optional<Short> replication = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        create(List.of(new NewTopic(topics.submit(), count, replication)));
        awaitReady(List.of(topics.submit()));
        int submitPartitions = partitionCount(topics.submit());
        int commandMaxBytes = Math.max(maxMessageBytes(topics.submit()), maxMessageBytes(topics.cancel(), topics.submit()));
        int dlqMaxBytes = commandMaxBytes + DLQ_HEADER_ALLOWANCE;
        List<NewTopic> others = new ArrayList<>();
        others.add(new NewTopic(topics.cancel(), Optional.of(submitPartitions), replication));
        others.add(new NewTopic(topics.state(), Optional.of(submitPartitions), replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(stateRetention.toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(dlqMaxBytes))));
        others.add(new NewTopic(topics.status(), count, replication));
        others.add(new NewTopic(topics.results(), count, replication));
        others.add(new NewTopic(topics.dlq(), count, replication)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(dlqMaxBytes))));
        create(others);
        awaitReady(List.of(topics.submit(), topics.cancel(), topics.state(), topics.status(), topics.results(), topics.dlq()));
        for (String coPartitioned : List.of(topics.cancel(), topics.state())) {
            int actual = partitionCount(coPartitioned);
            if (actual != submitPartitions) {
                throw QueryRelayException.validation("topic " + coPartitioned + " has " + actual + " partitions but "
                        + topics.submit() + " has " + submitPartitions
                        + "; they must be equal so that partition p of each belongs to the same worker");
            }
        }
        int dlqActual = maxMessageBytes(topics.dlq());
        if (dlqActual < dlqMaxBytes) {
            log.warn("dead-letter topic {} takes records of up to {} bytes, less than the command topics' {} plus headers; "
                    + "raise its max.message.bytes to {} so that every bad record fits", topics.dlq(), dlqActual,
                    commandMaxBytes, dlqMaxBytes);
        }
        return new Limits(commandMaxBytes, dlqMaxBytes);
    }

    int partitionCount(String topic) {
        Map<String, TopicDescription> descriptions = get(admin.describeTopics(List.of(topic)).allTopicNames(),
                "describe topic " + topic);
        return descriptions.get(topic).partitions().size();
    }

    private void create(Collection<NewTopic> topics) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (NewTopic topic : topics) {
            try {
                get(results.get(topic.name()), "create topic " + topic.name());
            } catch (QueryRelayException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** The topic's {@code max.message.bytes}; for a topic that does not exist yet, {@code orElse}'s. */
    private int maxMessageBytes(String topic, String orElse) {
        try {
            return maxMessageBytes(topic);
        } catch (QueryRelayException e) {
            return maxMessageBytes(orElse);
        }
    }

    private int maxMessageBytes(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(List.of(resource)).all(),
                "describe the configuration of topic " + topic);
        return Integer.parseInt(configs.get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    private void awaitReady(List<String> topics) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastProblem = "";
        while (System.nanoTime() < deadline) {
            lastProblem = notReady(topics);
            if (lastProblem == null) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(READY_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw QueryRelayException.network("interrupted waiting for topics " + topics, e);
            }
        }
        throw QueryRelayException.network("topics " + topics + " not ready within " + READY_TIMEOUT.toSeconds() + " s: "
                + lastProblem, null);
    }

    /** Null when every partition has a leader answering ListOffsets, else what is missing. */
    private String notReady(List<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            for (TopicDescription description : get(admin.describeTopics(topics).allTopicNames(), "describe " + topics).values()) {
                for (TopicPartitionInfo partition : description.partitions()) {
                    if (partition.leader() == null || partition.leader().isEmpty()) {
                        return "no leader for " + description.name() + "-" + partition.partition();
                    }
                    partitions.put(new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
                }
            }
            get(admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis())).all(),
                    "list offsets of " + topics);
            return null;
        } catch (QueryRelayException e) {
            return e.getMessage();
        }
    }

    /** The answer of an Admin call, waited for a bounded time; a failure is a NETWORK error naming {@code what}. */
    static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw QueryRelayException.network("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw QueryRelayException.network("cannot " + what + " within " + CALL_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QueryRelayException.network("interrupted: " + what, e);
        }
    }
}
