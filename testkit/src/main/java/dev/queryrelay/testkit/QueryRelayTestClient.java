package dev.queryrelay.testkit;

import dev.queryrelay.embedded.TopicRecorder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.embedded.KafkaTestClients;
import dev.queryrelay.protocol.Commands;
import dev.queryrelay.protocol.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A QueryRelay client for tests, speaking the protocol of docs/protocol.md: sends submit and
 * cancel commands (keyed by query id) and records the status, results and dead-letter topics so a
 * test can await events. Every send waits for its acknowledgement, so a failed send fails the test.
 */
public final class QueryRelayTestClient implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final TopicNames topics;
    private final KafkaProducer<String, String> producer;
    private final TopicRecorder recorder;

    public QueryRelayTestClient(String bootstrapServers, TopicNames topics) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.producer = KafkaTestClients.producer(bootstrapServers);
        this.recorder = TopicRecorder.start(bootstrapServers, topics.status(), topics.results(), topics.dlq());
    }

    public TopicNames topics() {
        return topics;
    }

    /** Submits {@code sql} with default options. */
    public void submit(String queryId, String sql) {
        submit(queryId, sql, Map.of());
    }

    /** Submits {@code sql} with the given {@code options} (e.g. {@code Map.of("timeout_ms", 500)}). */
    public void submit(String queryId, String sql, Map<String, ?> options) {
        send(topics.submit(), queryId, Commands.submit(queryId, sql, List.of(), options, Map.of()));
    }

    public void cancel(String queryId, String reason) {
        send(topics.cancel(), queryId, Commands.cancel(queryId, reason));
    }

    /** Sends any value (valid or not) to any topic and waits for the acknowledgement. */
    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending to " + topic, e);
        }
    }

    /** Waits until the query has a status event with {@code status} and returns that event. */
    public JsonNode awaitStatus(String queryId, String status, Duration timeout) {
        recorder.await(records -> find(statusEvents(queryId), status) != null, timeout);
        return find(statusEvents(queryId), status);
    }

    /** Waits until the query has a terminal status event and returns it. */
    public JsonNode awaitTerminal(String queryId, Duration timeout) {
        recorder.await(records -> terminal(queryId) != null, timeout);
        return terminal(queryId);
    }

    /** Every status event of the query so far, in topic order. */
    public List<JsonNode> statusEvents(String queryId) {
        return parsed(topics.status(), queryId);
    }

    /** Every result page of the query so far, in topic order. */
    public List<JsonNode> pages(String queryId) {
        return parsed(topics.results(), queryId);
    }

    /** Every dead-letter record so far. */
    public List<ConsumerRecord<String, String>> deadLetters() {
        return recorder.records(topics.dlq());
    }

    /** The underlying recorder of the status, results and dead-letter topics. */
    public TopicRecorder recorder() {
        return recorder;
    }

    private JsonNode terminal(String queryId) {
        for (JsonNode event : statusEvents(queryId)) {
            String status = event.path("status").asText();
            if (!status.equals("PENDING") && !status.equals("RUNNING")) {
                return event;
            }
        }
        return null;
    }

    private List<JsonNode> parsed(String topic, String queryId) {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, String> record : recorder.records(topic)) {
            if (queryId.equals(record.key())) {
                try {
                    events.add(MAPPER.readTree(record.value()));
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException("not JSON on " + topic + ": " + record.value(), e);
                }
            }
        }
        return events;
    }

    private static JsonNode find(List<JsonNode> events, String status) {
        for (JsonNode event : events) {
            if (status.equals(event.path("status").asText())) {
                return event;
            }
        }
        return null;
    }

    @Override
    public void close() {
        recorder.close();
        producer.close(Duration.ofSeconds(10));
    }
}
