package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.protocol.TopicNames;
import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.testkit.QueryRelayTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probes and the Prometheus scrape of a running worker on the embedded broker. */
@EmbeddedKafka
class ObservabilityIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL + ")(?:," + LABEL + ")*,?\\})?"
            + " (-?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+)|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP " + NAME + "( .*)?");

    private final EmbeddedKafkaBroker broker;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private int port;

    ObservabilityIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private QueryRelayTestClient start(TestInfo test, Map<String, String> overrides) {
        String prefix = test.getTestMethod().orElseThrow().getName() + ".";
        TopicNames topics = TopicNames.withPrefix(prefix);
        Map<String, String> settings = new HashMap<>(TestWorkers.settings(broker.bootstrapServers(), topics,
                prefix + "workers"));
        settings.putAll(overrides);
        Worker worker = Worker.start(new WorkerConfig(settings));
        closeables.add(worker);
        port = worker.httpPort();
        QueryRelayTestClient client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
        closeables.add(client);
        return client;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) throws Exception {
        return get(path).statusCode();
    }

    @Test
    void probesTellLivenessAndReadinessApart(TestInfo test) throws Exception {
        QueryRelayTestClient client = start(test, Map.of(WorkerConfig.RETRY_MAX_ATTEMPTS, "2"));
        await("the worker is live").atMost(WAIT).until(() -> status("/health/live") == 200);
        await("the worker is ready: partitions taken over, producer committing").atMost(WAIT)
                .until(() -> status("/health/ready") == 200);
        JsonNode ready = JSON.readTree(get("/health/ready").body());
        assertEquals("UP", ready.get("status").asText());
        for (String check : List.of("consumer", "publisher", "partitions", "provider", "producer")) {
            assertEquals("UP", ready.at("/checks/" + check + "/status").asText(), ready.toString());
        }
        assertEquals(200, status("/health"), "/health is the liveness probe");

        client.submit("unreachable", "/* mock: network_faults=5 */ SELECT 1");
        client.awaitTerminal("unreachable", WAIT);
        await("the warehouse's failures make the worker unready").atMost(WAIT)
                .until(() -> status("/health/ready") == 503);
        HttpResponse<String> unready = get("/health/ready");
        JsonNode body = JSON.readTree(unready.body());
        assertEquals("DOWN", body.get("status").asText());
        assertEquals("DOWN", body.at("/checks/provider/status").asText(), body.toString());
        assertTrue(body.at("/checks/provider/reason").asText().contains("NETWORK"), body.toString());
        assertEquals("UP", body.at("/checks/partitions/status").asText(), body.toString());
        assertEquals(200, status("/health/live"), "a warehouse outage does not make the worker restart");

        client.submit("fine", "SELECT 1");
        client.awaitStatus("fine", "SUCCEEDED", WAIT);
        await("a call that succeeds makes the worker ready again").atMost(WAIT)
                .until(() -> status("/health/ready") == 200);
    }

    @Test
    void theScrapeIsPrometheusTextWithTheHistograms(TestInfo test) throws Exception {
        QueryRelayTestClient client = start(test, Map.of());
        client.submit("q1", "/* mock: duration_ms=50 rows=3 start_faults=1 */ SELECT 1");
        client.awaitStatus("q1", "SUCCEEDED", WAIT);
        client.send(client.topics().submit(), "broken", "{not json");
        await("the bad record is dead-lettered").atMost(WAIT).until(() -> !client.deadLetters().isEmpty());
        await("the query's meters are scraped").atMost(WAIT).until(() ->
                get("/metrics").body().contains("queryrelay_dead_letters_total{error_type=\"VALIDATION\"}"));

        HttpResponse<String> scrape = get("/metrics");
        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                scrape.headers().toString());
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : scrape.body().split("\n")) {
            if (line.isEmpty() || HELP.matcher(line).matches()) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                types.put(type.group(1), type.group(2));
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not a line of the Prometheus text format: " + line);
            samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
                    Double.parseDouble(sample.group(3).replace("Inf", "Infinity")));
        }

        assertEquals("histogram", types.get("queryrelay_query_duration_seconds"));
        assertEquals("histogram", types.get("queryrelay_warehouse_call_seconds"));
        assertEquals("counter", types.get("queryrelay_commands_read_total"));
        String done = "provider=\"mock\",status=\"SUCCEEDED\"";
        assertEquals(1.0, samples.get("queryrelay_query_duration_seconds_count{" + done + "}"), samples.keySet().toString());
        assertEquals(1.0, samples.get("queryrelay_query_duration_seconds_bucket{" + done + ",le=\"+Inf\"}"));
        assertTrue(samples.get("queryrelay_query_duration_seconds_sum{" + done + "}") > 0);
        assertEquals(1.0, samples.get("queryrelay_queries_finished_total{" + done + "}"));
        assertEquals(2.0, samples.get("queryrelay_commands_read_total{topic=\"submit\"}"));
        assertEquals(0.0, samples.get("queryrelay_commands_read_total{topic=\"cancel\"}"));
        assertEquals(1.0, samples.get("queryrelay_dead_letters_total{error_type=\"VALIDATION\"}"));
        assertEquals(1.0, samples.get("queryrelay_warehouse_retries_total"));
        assertEquals(1.0, samples.get("queryrelay_warehouse_call_seconds_count{operation=\"start\",outcome=\"failure\"}"),
                "the injected network fault");
        assertEquals(1.0, samples.get("queryrelay_warehouse_call_seconds_count{operation=\"start\",outcome=\"success\"}"));
        assertNotNull(samples.get("queryrelay_warehouse_call_seconds_bucket{operation=\"status\",outcome=\"success\",le=\"+Inf\"}"));
        assertEquals(0.0, samples.get("queryrelay_queries_in_flight"));
        assertEquals(0.0, samples.get("queryrelay_consumer_paused"));
        assertNotNull(samples.get("queryrelay_ownership_lease_valid"));
        assertEquals(0.0, samples.get("queryrelay_send_failures_total"));
        assertTrue(samples.get("queryrelay_transactions_committed_total") >= 1);
        assertTrue(samples.keySet().stream().anyMatch(s -> s.startsWith("resilience4j_retry_calls_total{")), "retry binder");
        assertTrue(samples.keySet().stream().anyMatch(s -> s.startsWith("kafka_consumer_")), "consumer binder");
        assertTrue(samples.keySet().stream().anyMatch(s -> s.startsWith("kafka_producer_")), "producer binder");
        for (String jvm : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
                "system_cpu_count")) {
            assertTrue(samples.keySet().stream().anyMatch(s -> s.startsWith(jvm)), jvm);
        }
        assertFalse(get("/metrics.json").body().isEmpty());
        assertEquals(2, JSON.readTree(get("/metrics.json").body()).get("submits_read").asInt());
    }
}
