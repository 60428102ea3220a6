package dev.queryrelay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.protocol.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Prints the status transitions and result pages of one query as they are consumed, until its
 * terminal status. It reads every partition of the status and results topics from the earliest
 * offset (no consumer group, nothing committed) and keeps only the records keyed by the query id,
 * so it also shows a query that finished before it started; on topics with a long history that
 * read takes a while.
 */
final class QueryFollower {

    /** How long the terminal line waits for pages it counts that have not been consumed yet. */
    static final Duration PAGE_GRACE = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Object> consumerConfig;
    private final TopicNames topics;
    private final PrintStream out;
    private final PrintStream err;

    QueryFollower(Map<String, Object> consumerConfig, TopicNames topics, PrintStream out, PrintStream err) {
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.topics = Objects.requireNonNull(topics, "topics");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Follows the query until its terminal status, or until {@code timeout} (empty: no limit).
     *
     * @return the terminal status, empty on timeout
     */
    Optional<String> follow(String queryId, Optional<Duration> timeout) {
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
        QueryProgress progress = new QueryProgress(queryId);
        long terminalSeenAt = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            if (!assignAll(consumer, deadline)) {
                return Optional.empty();
            }
            while (System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    JsonNode value = queryId.equals(record.key()) ? parse(record) : null;
                    if (value != null) {
                        print(record.topic().equals(topics.status()) ? progress.onStatus(value) : progress.onPage(value));
                    }
                }
                if (progress.finished()) {
                    return progress.outcome();
                }
                if (progress.terminalSeen()) {
                    terminalSeenAt = terminalSeenAt == 0 ? System.nanoTime() : terminalSeenAt;
                    if (System.nanoTime() - terminalSeenAt > PAGE_GRACE.toNanos()) {
                        err.printf("queryrelay: %d result page(s) of %s did not arrive%n", progress.missingPages(), queryId);
                        print(progress.finish());
                        return progress.outcome();
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Assigns every partition of the status and results topics, waiting for them to exist. */
    private boolean assignAll(KafkaConsumer<String, String> consumer, long deadline) {
        boolean warned = false;
        while (System.nanoTime() - deadline < 0) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String topic : List.of(topics.status(), topics.results())) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, TOPIC_WAIT);
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                } else {
                    infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                }
            }
            if (missing.isEmpty()) {
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return true;
            }
            if (!warned) {
                err.println("queryrelay: waiting for topics " + missing + " (a worker creates them when it starts)");
                warned = true;
            }
            try {
                Thread.sleep(TOPIC_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The record's JSON object, or null (and a warning) when it is not one. */
    private JsonNode parse(ConsumerRecord<String, String> record) {
        try {
            JsonNode value = record.value() == null ? null : MAPPER.readTree(record.value());
            if (value != null && value.isObject()) {
                return value;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        err.printf("queryrelay: skipping a record of %s-%d at offset %d that is not a JSON object%n",
                record.topic(), record.partition(), record.offset());
        return null;
    }

    private void print(List<String> lines) {
        lines.forEach(out::println);
        out.flush();
    }
}
