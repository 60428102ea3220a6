package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.embedded.KafkaTestClients;
import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.protocol.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EmbeddedKafka
class WorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path VALID_CORPUS = Path.of("..", "protocol", "src", "test", "resources", "protocol-corpus", "valid");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedKafkaBroker broker;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TopicNames topics;
    private QueryRelayTestClient client;

    WorkerIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private Worker startWorker(TestInfo test, Map<String, String> overrides) {
        String prefix = test.getTestMethod().orElseThrow().getName() + ".";
        topics = TopicNames.withPrefix(prefix);
        Map<String, String> settings = TestWorkers.settings(broker.bootstrapServers(), topics, prefix + "workers");
        settings.putAll(overrides);
        Worker worker = Worker.start(new WorkerConfig(settings));
        closeables.add(worker);
        if (client == null) {
            client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
            closeables.add(0, client);
        }
        return worker;
    }

    private Worker startWorker(TestInfo test) {
        return startWorker(test, Map.of());
    }

    private List<String> statuses(String queryId) {
        return client.statusEvents(queryId).stream().map(e -> e.get("status").asText()).toList();
    }

    @Test
    void happyPathPublishesEveryTransitionAndEveryPageBeforeSucceeded(TestInfo test) {
        startWorker(test);
        client.submit("q1", "/* mock: duration_ms=300 rows=2500 */ SELECT * FROM t", Map.of("page_rows", 1000));
        JsonNode succeeded = client.awaitStatus("q1", "SUCCEEDED", WAIT);

        assertEquals(List.of("PENDING", "RUNNING", "SUCCEEDED"), statuses("q1"));
        assertEquals(List.of(1, 2, 3), client.statusEvents("q1").stream().map(e -> e.get("seq").asInt()).toList());
        assertEquals(2500, succeeded.get("row_count").asLong());
        assertEquals(3, succeeded.get("pages").asInt());
        assertEquals("it-worker", succeeded.get("worker").asText());
        assertEquals("mock", succeeded.get("provider").asText());
        assertTrue(succeeded.get("provider_query_id").asText().startsWith("mock-"));
        assertTrue(succeeded.has("execution_ms"));

        List<JsonNode> pages = client.pages("q1");
        assertEquals(List.of(0, 1, 2), pages.stream().map(p -> p.get("page").asInt()).toList());
        assertEquals(List.of(0L, 1000L, 2000L), pages.stream().map(p -> p.get("offset").asLong()).toList());
        assertEquals(List.of(false, false, true), pages.stream().map(p -> p.get("last").asBoolean()).toList());
        JsonNode firstRow = pages.get(0).get("rows").get(0);
        assertEquals(1, firstRow.get("ID").asLong());
        assertEquals("row-1", firstRow.get("NAME").asText());
        assertEquals("2024-01-01T00:00:01", firstRow.get("CREATED_AT").asText());
        assertEquals(2500, pages.get(2).get("rows").get(499).get("ID").asLong());

        List<ConsumerRecord<String, String>> all = client.recorder().records();
        long lastPageTimestamp = all.stream().filter(r -> r.topic().equals(topics.results())).mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        long succeededTimestamp = all.stream().filter(r -> r.topic().equals(topics.status()) && r.value().contains("SUCCEEDED"))
                .mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        assertTrue(lastPageTimestamp <= succeededTimestamp, "pages are written before SUCCEEDED");
    }

    @Test
    void sqlFailureIsReportedWithItsCode(TestInfo test) {
        startWorker(test);
        client.submit("bad-sql", "/* mock: duration_ms=100 fail=SQL:002003 */ SELECT * FROM missing");
        JsonNode failed = client.awaitTerminal("bad-sql", WAIT);
        assertEquals("FAILED", failed.get("status").asText());
        assertEquals("SQL", failed.get("error").get("type").asText());
        assertEquals("002003", failed.get("error").get("code").asText());
        assertFalse(failed.get("error").get("retryable").asBoolean());
        assertTrue(client.deadLetters().isEmpty(), "warehouse errors are not bad input");
    }

    @Test
    void networkFaultsAreRetriedToSuccessAndBeyondTheBudgetFailAsNetwork(TestInfo test) {
        Worker worker = startWorker(test, Map.of(WorkerConfig.RETRY_MAX_ATTEMPTS, "3"));
        client.submit("flaky", "/* mock: network_faults=2 rows=5 */ SELECT 1");
        client.submit("broken", "/* mock: network_faults=5 */ SELECT 1");
        assertEquals(5, client.awaitStatus("flaky", "SUCCEEDED", WAIT).get("row_count").asInt());
        JsonNode failed = client.awaitTerminal("broken", WAIT);
        assertEquals("FAILED", failed.get("status").asText());
        assertEquals("NETWORK", failed.get("error").get("type").asText());
        assertTrue(failed.get("error").get("retryable").asBoolean());
        assertTrue(worker.registryMetrics().retries() >= 8, worker.registryMetrics().toString());
    }

    @Test
    void cancelWhileRunningStopsTheQuery(TestInfo test) {
        startWorker(test);
        client.submit("long", "/* mock: duration_ms=60000 */ SELECT 1");
        client.awaitStatus("long", "RUNNING", WAIT);
        client.cancel("long", "changed my mind");
        JsonNode canceled = client.awaitTerminal("long", WAIT);
        assertEquals("CANCELED", canceled.get("status").asText());
        assertEquals("CANCELED", canceled.get("error").get("type").asText());
        assertEquals("changed my mind", canceled.get("error").get("message").asText());
        assertEquals(List.of("PENDING", "RUNNING", "CANCELED"), statuses("long"));
    }

    @Test
    void cancelBeforeSubmitCancelsOnArrival(TestInfo test) {
        Worker worker = startWorker(test);
        client.cancel("early", "not needed");
        await("the cancel was read").atMost(WAIT).until(() -> ((Number) worker.metrics().get("cancels_read")).longValue() == 1);
        client.submit("early", "/* mock: duration_ms=60000 */ SELECT 1");
        JsonNode canceled = client.awaitTerminal("early", WAIT);
        assertEquals("CANCELED", canceled.get("status").asText());
        assertEquals(List.of("PENDING", "CANCELED"), statuses("early"));
        assertFalse(canceled.has("provider_query_id"), "never started");
    }

    @Test
    void timeoutCancelsTheQuery(TestInfo test) {
        startWorker(test);
        client.submit("slow", "/* mock: duration_ms=60000 */ SELECT 1", Map.of("timeout_ms", 500));
        JsonNode timedOut = client.awaitTerminal("slow", WAIT);
        assertEquals("TIMEOUT", timedOut.get("status").asText());
        assertEquals("TIMEOUT", timedOut.get("error").get("type").asText());
    }

    @Test
    void aDuplicateSubmitRunsNothing(TestInfo test) {
        Worker worker = startWorker(test);
        client.submit("dup", "/* mock: duration_ms=200 */ SELECT 1");
        client.submit("dup", "/* mock: duration_ms=200 */ SELECT 1");
        client.awaitStatus("dup", "SUCCEEDED", WAIT);
        client.submit("dup", "SELECT 2");
        client.submit("after", "SELECT 3");
        client.awaitStatus("after", "SUCCEEDED", WAIT);
        assertEquals(List.of("PENDING", "RUNNING", "SUCCEEDED"), statuses("dup"));
        assertEquals(1, client.pages("dup").size());
        assertEquals(2, worker.registryMetrics().duplicates());
    }

    @Test
    void badInputGoesToTheDlqWithAValidationEventAndTheNextRecordIsProcessed(TestInfo test) {
        startWorker(test);
        record Bad(String key, String value, String readableId) {
        }
        List<Bad> bad = List.of(
                new Bad("bad-json", "{not json", "bad-json"),
                new Bad("bad-array", "[1]", "bad-array"),
                new Bad("bad-type", "{\"query_id\":\"bad-type\",\"sql\":42}", "bad-type"),
                new Bad("no-sql", "{\"query_id\":\"no-sql\"}", "no-sql"),
                new Bad("bad-option", "{\"sql\":\"SELECT 1\",\"options\":{\"page_size\":5}}", "bad-option"),
                new Bad("oversize", "{\"sql\":\"" + "x".repeat(100_001) + "\"}", "oversize"),
                new Bad("unknown-field", "{\"sql\":\"SELECT 1\",\"command\":\"explain\"}", "unknown-field"),
                new Bad("k", "{\"query_id\":\"bad id!\",\"sql\":\"SELECT 1\"}", null),
                new Bad(null, "{\"sql\":\"SELECT 1\"}", null),
                new Bad("empty", "", "empty"));
        for (Bad record : bad) {
            client.send(topics.submit(), record.key(), record.value());
        }
        client.send(topics.cancel(), "c1", "{\"query_id\":\"c1\",\"sql\":\"x\"}");
        client.submit("good", "SELECT 1");

        client.awaitStatus("good", "SUCCEEDED", WAIT);
        client.recorder().awaitCount(topics.dlq(), bad.size() + 1, WAIT);
        for (Bad record : bad) {
            if (record.readableId() != null) {
                JsonNode failed = client.awaitStatus(record.readableId(), "FAILED", WAIT);
                assertEquals("VALIDATION", failed.get("error").get("type").asText(), record.key());
                assertEquals(1, failed.get("seq").asInt());
                assertEquals(List.of("FAILED"), statuses(record.readableId()));
            }
        }
        assertTrue(statuses("c1").isEmpty(), "a bad cancel never produces a status event");

        client.submit("no-sql", "SELECT 1");
        client.submit("good-2", "SELECT 1");
        client.awaitStatus("good-2", "SUCCEEDED", WAIT);
        assertEquals(List.of("FAILED"), statuses("no-sql"), "a rejected submit uses up its query id");

        ConsumerRecord<String, String> first = client.deadLetters().stream()
                .filter(r -> "bad-json".equals(r.key())).findFirst().orElseThrow();
        assertEquals("{not json", first.value());
        assertEquals("VALIDATION", header(first, "queryrelay-error-type"));
        assertEquals("dev.queryrelay.api.QueryRelayException", header(first, "kafka_dlt-exception-fqcn"));
        assertTrue(header(first, "kafka_dlt-exception-message").startsWith("not valid JSON"));
        assertEquals(topics.submit(), header(first, "kafka_dlt-original-topic"));
        assertEquals(test.getTestMethod().orElseThrow().getName() + ".workers", header(first, "kafka_dlt-original-consumer-group"));
        assertEquals(first.headers().lastHeader("kafka_dlt-original-partition").value().length, 4);
        long offset = ByteBuffer.wrap(first.headers().lastHeader("kafka_dlt-original-offset").value()).getLong();
        assertTrue(offset >= 0);
        assertNotNull(first.headers().lastHeader("kafka_dlt-original-timestamp"));
    }

    /**
     * Every submit of the protocol corpus that docs/schemas accepts (limits, lowest and highest
     * options, every binding type) runs to a terminal status, and the worker goes on.
     */
    @Test
    void everyValidSubmitOfTheProtocolCorpusRunsToATerminalStatus(TestInfo test) throws IOException {
        startWorker(test);
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(VALID_CORPUS)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("submit-")).sorted().toList()) {
                String value = Files.readString(file);
                String key = "corpus-" + file.getFileName().toString().replace(".json", "");
                JsonNode queryId = JSON.readTree(value).get("query_id");
                ids.add(queryId == null || queryId.isNull() ? key : queryId.asText());
                client.send(topics.submit(), key, value);
            }
        }
        assertTrue(ids.size() > 10, "corpus not found under " + VALID_CORPUS);
        for (String id : ids) {
            JsonNode terminal = client.awaitTerminal(id, WAIT);
            assertNotNull(terminal, id);
            assertFalse(terminal.has("error") && "VALIDATION".equals(terminal.get("error").get("type").asText()),
                    id + " was rejected: " + terminal);
        }
        client.submit("after-corpus", "SELECT 1");
        client.awaitStatus("after-corpus", "SUCCEEDED", WAIT);
        assertTrue(client.deadLetters().isEmpty(), "no valid command goes to the DLQ");
    }

    /** The producer counts a record before compressing it: a command written compressed may be far larger once read. */
    @Test
    void aBadCommandWrittenCompressedReachesTheDlqWholeThoughItIsLargerThanAnyTopicLimit(TestInfo test) throws Exception {
        startWorker(test);
        String huge = "{\"sql\":\"SELECT 1\",\"padding\":\"" + "a".repeat(3_000_000) + "\"}";
        sendCompressed("huge", huge);
        client.awaitStatus("huge", "FAILED", WAIT);
        client.submit("after-huge", "SELECT 1");
        client.awaitStatus("after-huge", "SUCCEEDED", WAIT);
        client.recorder().awaitCount(topics.dlq(), 1, WAIT);
        assertEquals(huge, client.deadLetters().get(0).value());
    }

    /** A valid submit too large, uncompressed, for its state record to be kept is rejected rather than run unrecorded. */
    @Test
    void aValidSubmitWrittenCompressedThatIsTooLargeToRecordIsRejected(TestInfo test) throws Exception {
        startWorker(test);
        String huge = "{\"query_id\":\"too-large\",\"sql\":\"SELECT ?\",\"bindings\":[\"" + "a".repeat(2_000_000) + "\"]}";
        sendCompressed("too-large", huge);
        JsonNode failed = client.awaitStatus("too-large", "FAILED", WAIT);
        assertEquals("VALIDATION", failed.get("error").get("type").asText());
        assertTrue(failed.get("error").get("message").asText().contains("bytes uncompressed"), failed.toString());
        assertEquals(List.of("FAILED"), client.statusEvents("too-large").stream().map(e -> e.get("status").asText()).toList());
        client.recorder().awaitCount(topics.dlq(), 1, WAIT);
        assertEquals(huge, client.deadLetters().get(0).value());
    }

    /** Writes a submit record lz4-compressed, as a client may: its value can then exceed every topic limit once read. */
    private void sendCompressed(String key, String value) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(KafkaTestClients.producerConfig(broker.bootstrapServers()));
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        try (KafkaProducer<String, String> compressing = new KafkaProducer<>(settings)) {
            compressing.send(new ProducerRecord<>(topics.submit(), key, value)).get();
        }
    }

    @Test
    void backPressurePausesAtTheCapAndLosesNothing(TestInfo test) {
        Worker worker = startWorker(test, Map.of(WorkerConfig.MAX_IN_FLIGHT, "5"));
        int count = 40;
        AtomicBoolean sawPause = new AtomicBoolean();
        int[] maxInFlight = {0};
        IntStream.range(0, count).forEach(i -> client.submit("bp-" + i, "/* mock: duration_ms=300 */ SELECT 1"));
        await("all succeed").atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            maxInFlight[0] = Math.max(maxInFlight[0], worker.inFlight());
            if (worker.isPaused()) {
                sawPause.set(true);
            }
            return IntStream.range(0, count).allMatch(i -> statuses("bp-" + i).contains("SUCCEEDED"));
        });
        assertTrue(sawPause.get(), "consumption paused at the cap");
        assertTrue(maxInFlight[0] <= 5, "in flight never above the cap: " + maxInFlight[0]);
        await("resumed below the cap").atMost(WAIT).until(() -> !worker.isPaused());
        assertEquals(count, worker.registryMetrics().succeeded());
    }

    @Test
    void cancelsAreNotStuckBehindABacklogOfSubmitsAtTheCap(TestInfo test) {
        Worker worker = startWorker(test, Map.of(WorkerConfig.MAX_IN_FLIGHT, "2"));
        List<String> ids = IntStream.range(0, 32).mapToObj(i -> "busy-" + i).toList();
        ids.forEach(id -> client.submit(id, "/* mock: duration_ms=60000 */ SELECT 1"));
        await("paused at the cap with two running").atMost(WAIT).until(() -> worker.isPaused()
                && ids.stream().filter(id -> statuses(id).contains("RUNNING")).count() == 2);
        String running = ids.stream().filter(id -> statuses(id).contains("RUNNING")).findFirst().orElseThrow();
        client.cancel(running, "urgent");
        assertEquals("CANCELED", client.awaitTerminal(running, WAIT).get("status").asText());
        assertTrue(ids.stream().filter(id -> !statuses(id).isEmpty()).count() <= 3,
                "the backlog was still waiting when the cancel went through");
    }

    @Test
    void gracefulShutdownLeavesQueriesRunningAndCommitsWhatItRead(TestInfo test) {
        Worker first = startWorker(test);
        client.submit("s1", "/* mock: duration_ms=60000 */ SELECT 1");
        client.awaitStatus("s1", "RUNNING", WAIT);
        first.close();
        assertEquals(0, first.registryMetrics().canceled());
        assertFalse(statuses("s1").contains("CANCELED"));

        startWorker(test);
        client.submit("s2", "SELECT 1");
        client.awaitStatus("s2", "SUCCEEDED", WAIT);
        assertEquals(1, statuses("s1").stream().filter("PENDING"::equals).count(), "the second worker did not run s1 again");
    }

    @Test
    void theHealthEndpointAnswers(TestInfo test) throws Exception {
        Worker worker = startWorker(test);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> health = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + worker.httpPort() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("UP"));
        java.net.http.HttpResponse<String> metrics = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("\"in_flight\""), metrics.body());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
