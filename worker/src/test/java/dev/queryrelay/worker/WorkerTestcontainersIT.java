package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.protocol.TopicNames;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The happy path against Kafka from the official {@code apache/kafka} image, for users with
 * Docker. Without a Docker engine the class is skipped ("disabledWithoutDocker is true and Docker
 * is not available"); the embedded-broker tests ({@link WorkerIT}) cover the rest everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class WorkerTestcontainersIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

    @Test
    void submitPublishesEveryPageThenSucceeded() {
        TopicNames topics = TopicNames.defaults();
        try (Worker worker = Worker.start(new WorkerConfig(Map.of(
                WorkerConfig.BOOTSTRAP_SERVERS, KAFKA.getBootstrapServers(),
                WorkerConfig.HTTP_PORT, "-1",
                WorkerConfig.WORKER_ID, "testcontainers-worker")));
             QueryRelayTestClient client = new QueryRelayTestClient(KAFKA.getBootstrapServers(), topics)) {
            client.submit("tc-1", "/* mock: duration_ms=200 rows=2500 */ SELECT * FROM t", Map.of("page_rows", 1000));

            JsonNode succeeded = client.awaitStatus("tc-1", "SUCCEEDED", WAIT);
            assertEquals(List.of("PENDING", "RUNNING", "SUCCEEDED"),
                    client.statusEvents("tc-1").stream().map(e -> e.get("status").asText()).toList());
            assertEquals("testcontainers-worker", succeeded.get("worker").asText());
            assertEquals(2500, succeeded.get("row_count").asLong());
            assertEquals(3, succeeded.get("pages").asInt());
            List<JsonNode> pages = client.pages("tc-1");
            assertEquals(List.of(0, 1, 2), pages.stream().map(p -> p.get("page").asInt()).toList());
            assertEquals(List.of(1000, 1000, 500), pages.stream().map(p -> p.get("rows").size()).toList());
            assertEquals(List.of(false, false, true), pages.stream().map(p -> p.get("last").asBoolean()).toList());
        }
    }
}
