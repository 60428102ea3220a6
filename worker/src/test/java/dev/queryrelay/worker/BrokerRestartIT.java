package dev.queryrelay.worker;

import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.protocol.TopicNames;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.queryrelay.worker.FailoverChecks.allTerminal;
import static dev.queryrelay.worker.FailoverChecks.checkOneExecution;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The broker restarts while queries run: the worker reconnects and carries on. */
@EmbeddedKafka
class BrokerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void workersCarryOnAcrossABrokerRestart(EmbeddedKafkaBroker broker) {
        TopicNames topics = TopicNames.withPrefix("restart.");
        Map<String, String> settings = TestWorkers.settings(broker.bootstrapServers(), topics, "restart-workers");
        try (QueryRelayTestClient client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
             WorkerProcess worker = WorkerProcess.start("worker-r", settings)) {
            List<String> ids = IntStream.range(0, 10).mapToObj(i -> "r" + i).toList();
            ids.forEach(id -> client.submit(id, "/* mock: duration_ms=4000 rows=1500 */ SELECT 1"));
            await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> client.statusEvents(id).size() >= 2));
            broker.restart();
            List<String> later = IntStream.range(0, 5).mapToObj(i -> "after" + i).toList();
            later.forEach(id -> client.submit(id, "SELECT 1"));
            await("every query ends").atMost(WAIT).until(() -> allTerminal(client, ids) && allTerminal(client, later));
            for (String id : ids) {
                assertEquals("SUCCEEDED", checkOneExecution(client, id), () -> client.statusEvents(id).toString());
            }
            for (String id : later) {
                assertEquals("SUCCEEDED", checkOneExecution(client, id), () -> client.statusEvents(id).toString());
            }
        }
    }
}
