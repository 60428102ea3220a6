package dev.queryrelay.worker;

import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.protocol.TopicNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.queryrelay.worker.FailoverChecks.allTerminal;
import static dev.queryrelay.worker.FailoverChecks.checkOneExecution;
import static dev.queryrelay.worker.FailoverChecks.workersOf;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several worker processes (separate JVMs) on one broker: kill -9, SIGTERM, scaling, cancels. */
@EmbeddedKafka
class FailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private final EmbeddedKafkaBroker broker;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Map<String, String> settings;
    private QueryRelayTestClient client;

    FailoverIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    private void setUp(TestInfo test) {
        String prefix = test.getTestMethod().orElseThrow().getName() + ".";
        TopicNames topics = TopicNames.withPrefix(prefix);
        settings = TestWorkers.settings(broker.bootstrapServers(), topics, prefix + "workers");
        settings.put(WorkerConfig.TOPICS_PARTITIONS, "4");
        broker.createTopics(4, topics.submit(), topics.cancel(), topics.status(), topics.results(), topics.dlq(),
                settings.get(WorkerConfig.TOPICS_STATE));
        client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
        closeables.add(client);
    }

    private WorkerProcess worker(String name) {
        WorkerProcess worker = WorkerProcess.start(name, settings);
        closeables.add(worker);
        return worker;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private List<String> submitAll(String prefix, int count, String sql) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
        ids.forEach(id -> client.submit(id, sql));
        return ids;
    }

    private void awaitAll(List<String> ids, String status) {
        await("all " + ids.size() + " " + status).atMost(WAIT)
                .until(() -> ids.stream().allMatch(id -> client.statusEvents(id).stream()
                        .anyMatch(e -> e.get("status").asText().equals(status))));
    }

    @Test
    void killNineTheNewOwnerReattachesToRunningQueries(TestInfo test) {
        setUp(test);
        WorkerProcess a = worker("worker-a");
        WorkerProcess b = worker("worker-b");
        List<String> ids = submitAll("k", 16, "/* mock: duration_ms=6000 rows=2500 */ SELECT 1");
        awaitAll(ids, "RUNNING");
        List<String> runningOnA = ids.stream().filter(id -> workersOf(client, id, "RUNNING").contains("worker-a")).toList();
        assertFalse(runningOnA.isEmpty(), "both workers own partitions");
        a.kill();

        await("every query ends").atMost(WAIT).until(() -> allTerminal(client, ids));
        for (String id : ids) {
            assertEquals("SUCCEEDED", checkOneExecution(client, id), () -> client.statusEvents(id).toString());
        }
        for (String id : runningOnA) {
            assertEquals(java.util.Set.of("worker-b"), workersOf(client, id, "SUCCEEDED"), id + " finished by the new owner");
        }
        assertTrue(b.log().contains("took over"), "worker-b took over partitions");
    }

    @Test
    void aCancelSentWhileTheOwnerIsDeadStillCancels(TestInfo test) {
        setUp(test);
        WorkerProcess a = worker("worker-a");
        List<String> ids = submitAll("c", 4, "/* mock: duration_ms=60000 */ SELECT 1");
        awaitAll(ids, "RUNNING");
        a.kill();
        client.cancel("c0", "owner was dead");
        client.cancel("c1", "owner was dead");
        worker("worker-b");
        await("canceled by the new owner").atMost(WAIT).until(() -> allTerminal(client, List.of("c0", "c1")));
        for (String id : List.of("c0", "c1")) {
            assertEquals("CANCELED", checkOneExecution(client, id));
            assertEquals(java.util.Set.of("worker-b"), workersOf(client, id, "CANCELED"));
        }
        assertFalse(allTerminal(client, List.of("c2")), "the others keep running");
    }

    @Test
    void cancelsSentDuringARebalanceStillCancel(TestInfo test) {
        setUp(test);
        worker("worker-a");
        List<String> ids = submitAll("r", 8, "/* mock: duration_ms=60000 */ SELECT 1");
        awaitAll(ids, "RUNNING");
        worker("worker-b");
        ids.forEach(id -> client.cancel(id, "during a rebalance"));
        await("all canceled").atMost(WAIT).until(() -> allTerminal(client, ids));
        for (String id : ids) {
            assertEquals("CANCELED", checkOneExecution(client, id), () -> client.statusEvents(id).toString());
        }
    }

    @Test
    void sigtermHandsQueriesOverWithoutCancelingThem(TestInfo test) {
        setUp(test);
        WorkerProcess a = worker("worker-a");
        worker("worker-b");
        List<String> ids = submitAll("t", 12, "/* mock: duration_ms=5000 rows=1500 */ SELECT 1");
        awaitAll(ids, "RUNNING");
        a.terminate();
        assertTrue(a.log().contains("worker worker-a stopped"), a.log());
        await("every query ends").atMost(WAIT).until(() -> allTerminal(client, ids));
        for (String id : ids) {
            assertEquals("SUCCEEDED", checkOneExecution(client, id), () -> client.statusEvents(id).toString());
        }
    }

    @Test
    void addingAndRemovingWorkersUnderLoadLosesAndRepeatsNothing(TestInfo test) throws Exception {
        setUp(test);
        WorkerProcess a = worker("worker-a");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 36; i++) {
            String id = "s" + i;
            client.submit(id, "/* mock: duration_ms=2500 rows=1200 */ SELECT 1");
            ids.add(id);
            if (i == 11) {
                worker("worker-b");
            }
            if (i == 23) {
                a.terminate();
            }
        }
        await("every query ends").atMost(WAIT).until(() -> allTerminal(client, ids));
        for (String id : ids) {
            assertEquals("SUCCEEDED", checkOneExecution(client, id), () -> client.statusEvents(id).toString());
        }
    }

    @Test
    void aWorkerJoiningMovesOnlyThePartitionsItTakesAndRepublishesNothingElse(TestInfo test) {
        setUp(test);
        worker("worker-a");
        List<String> ids = submitAll("j", 24, "/* mock: duration_ms=4000 rows=2500 */ SELECT 1");
        awaitAll(ids, "RUNNING");
        WorkerProcess b = worker("worker-b");
        await("worker-b took partitions over").atMost(WAIT).until(() -> b.log().contains("partitions assigned"));

        await("every query ends").atMost(WAIT).until(() -> allTerminal(client, ids));
        List<String> stayed = ids.stream().filter(id -> workersOf(client, id, "SUCCEEDED").equals(java.util.Set.of("worker-a")))
                .toList();
        List<String> moved = ids.stream().filter(id -> workersOf(client, id, "SUCCEEDED").contains("worker-b")).toList();
        assertFalse(stayed.isEmpty(), "worker-a kept some partitions");
        assertFalse(moved.isEmpty(), "worker-b took some partitions");
        for (String id : stayed) {
            assertEquals("SUCCEEDED", checkOneExecution(client, id));
            assertEquals(List.of("PENDING", "RUNNING", "SUCCEEDED"),
                    client.statusEvents(id).stream().map(e -> e.get("status").asText()).toList(),
                    id + " stayed put: every event once, nothing re-published");
            assertEquals(List.of(0, 1, 2), client.pages(id).stream().map(p -> p.get("page").asInt()).toList(),
                    id + " stayed put: every page once");
        }
        for (String id : moved) {
            assertEquals("SUCCEEDED", checkOneExecution(client, id));
        }
    }
}
