package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.protocol.TopicNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end: a submit command through the worker and the snowflake provider to a fake Snowflake. */
@EmbeddedKafka
class WorkerSnowflakeIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PASSWORD = "s3cret-Passw0rd";

    private static FakeSnowflakeServer snowflake;
    private static Worker worker;
    private static QueryRelayTestClient client;

    @BeforeAll
    static void start(EmbeddedKafkaBroker broker) {
        snowflake = FakeSnowflakeServer.start();
        snowflake.addPasswordUser("relay", PASSWORD);
        TopicNames topics = TopicNames.withPrefix("sf.");
        Map<String, String> settings = TestWorkers.settings(broker.bootstrapServers(), topics, "sf-workers");
        settings.put(WorkerConfig.PROVIDER, "snowflake");
        snowflake.providerSettings("relay", PASSWORD).forEach((key, value) -> settings.put("provider." + key, value));
        worker = Worker.start(new WorkerConfig(settings));
        client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (snowflake != null) {
            snowflake.close();
        }
    }

    @Test
    void submitCommandToSucceededEventWithItsPages() {
        snowflake.when("SELECT ID, NAME FROM ORDERS").runFor(Duration.ofMillis(700)).returning(FakeResult.numbered(2500));
        client.submit("sf-1", "SELECT ID, NAME FROM ORDERS", Map.of("page_rows", 1000));

        JsonNode succeeded = client.awaitStatus("sf-1", "SUCCEEDED", WAIT);
        assertEquals(List.of("PENDING", "RUNNING", "SUCCEEDED"),
                client.statusEvents("sf-1").stream().map(e -> e.get("status").asText()).toList());
        assertEquals("snowflake", succeeded.get("provider").asText());
        assertEquals(2500, succeeded.get("row_count").asLong());
        assertEquals(3, succeeded.get("pages").asInt());
        String providerQueryId = succeeded.get("provider_query_id").asText();
        assertTrue(providerQueryId.matches("[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}"), providerQueryId);

        List<JsonNode> pages = client.pages("sf-1");
        assertEquals(List.of(0, 1, 2), pages.stream().map(p -> p.get("page").asInt()).toList());
        JsonNode last = pages.get(2).get("rows").get(499);
        assertEquals(2500, last.get("ID").asLong());
        assertTrue(last.get("ID").isIntegralNumber(), "NUMBER is a JSON number");
        assertEquals("row-2500", last.get("NAME").asText());
        assertTrue(pages.get(2).get("last").asBoolean());
    }

    @Test
    void sqlErrorAtSubmitIsFailedWithTheSnowflakeCode() {
        snowflake.when("SELECT * FROM MISSING").failAtSubmit(2003, "42S02", "Object 'MISSING' does not exist");
        client.submit("sf-2", "SELECT * FROM MISSING");
        JsonNode failed = client.awaitTerminal("sf-2", WAIT);
        assertEquals("FAILED", failed.get("status").asText());
        assertEquals("SQL", failed.get("error").get("type").asText());
        assertEquals("002003", failed.get("error").get("code").asText());
        assertFalse(failed.get("error").get("retryable").asBoolean());
        assertFalse(failed.toString().contains(PASSWORD));
    }

    @Test
    void cancelReachesSnowflake() {
        snowflake.when("SELECT SLEEPY()").runUntilReleased().returning(FakeResult.single(1));
        client.submit("sf-3", "SELECT SLEEPY()");
        String providerQueryId = client.awaitStatus("sf-3", "RUNNING", WAIT).get("provider_query_id").asText();
        client.cancel("sf-3", "no longer needed");
        assertEquals("CANCELED", client.awaitTerminal("sf-3", WAIT).get("status").asText());
        await().atMost(WAIT).until(() -> snowflake.canceledQueryIds().contains(providerQueryId));
    }
}
