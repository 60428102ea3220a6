package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.protocol.TopicNames;
import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.testkit.QueryRelayTestClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A worker process started with QUERYRELAY_LOG_FORMAT=json writes one JSON object per line, with the MDC's ids. */
@EmbeddedKafka
class JsonLogsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The threads of the worker itself (not of the Kafka clients), which carry its id. */
    private static final Set<String> WORKER_THREADS = Set.of("main", "queryrelay-consumer", "queryrelay-shutdown");

    private final EmbeddedKafkaBroker broker;

    JsonLogsIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void everyLineIsAJsonObjectWithTheWorkerAndQueryIds() throws IOException {
        TopicNames topics = TopicNames.withPrefix("json-logs.");
        Map<String, String> settings = TestWorkers.settings(broker.bootstrapServers(), topics, "json-logs.workers");
        String log;
        try (QueryRelayTestClient client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
             WorkerProcess worker = WorkerProcess.start("json-worker", settings,
                     Map.of(LogFormat.ENV, "json", "QUERYRELAY_LOG_LEVEL", "DEBUG"))) {
            client.submit("json-1", "/* mock: rows=2 */ SELECT 1");
            client.awaitStatus("json-1", "SUCCEEDED", WAIT);
            int exit = worker.terminate();
            assertTrue(exit == 0 || exit == 143, "a graceful stop on SIGTERM, exit code " + exit);
            log = worker.log();
        }

        List<JsonNode> events = new ArrayList<>();
        for (String line : log.split("\n")) {
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                fail("not a JSON line: " + line);
                return;
            }
            assertTrue(event != null && event.isObject(), "not a JSON object: " + line);
            assertTrue(event.hasNonNull("level") && event.hasNonNull("loggerName") && event.hasNonNull("formattedMessage"),
                    line);
            events.add(event);
        }
        for (JsonNode event : events) {
            String thread = event.path("threadName").asText();
            if (WORKER_THREADS.contains(thread) || thread.startsWith("queryrelay-warehouse")
                    || thread.startsWith("queryrelay-scheduler")) {
                assertEquals("json-worker", event.at("/mdc/worker_id").asText(), event.toString());
            }
        }
        assertTrue(events.stream().anyMatch(e -> e.path("formattedMessage").asText().contains("queryrelay worker json-worker running")),
                "the start announcement is a log event");
        assertTrue(events.stream().anyMatch(e -> e.at("/mdc/query_id").asText().equals("json-1")
                && e.at("/mdc/worker_id").asText().equals("json-worker")), "the query's transitions carry both ids");
        assertTrue(events.stream().anyMatch(e -> e.path("formattedMessage").asText().contains("worker json-worker stopped")),
                "the lines of the shutdown are written before the process exits");
        assertFalse(events.isEmpty());
    }
}
