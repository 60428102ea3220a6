package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.protocol.TopicNames;
import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.testkit.QueryRelayTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.queryrelay.worker.FailoverChecks.allTerminal;
import static dev.queryrelay.worker.FailoverChecks.checkAtMostOneExecution;
import static dev.queryrelay.worker.FailoverChecks.checkOneExecution;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker frozen (SIGSTOP) past its group session timeout, then resumed (SIGCONT), changes
 * nothing: read from the output topics as docs/protocol.md says (read_committed), no query runs
 * twice (the mock warehouse's journal counts every start in every process), no event follows a
 * terminal one, and no seq names two statuses.
 */
@EmbeddedKafka
@EnabledOnOs({OS.LINUX, OS.MAC})
class FencingIT {

    private static final Duration WAIT = Duration.ofSeconds(180);

    private final EmbeddedKafkaBroker broker;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    FencingIT(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void aWorkerPausedPastItsSessionTimeoutChangesNothingWhenItResumes() throws Exception {
        // the embedded broker's group session timeout is 6 s (BrokerSettings): worker-a's lease is 3 s
        TopicNames topics = TopicNames.withPrefix("fencing.");
        Map<String, String> settings = TestWorkers.settings(broker.bootstrapServers(), topics, "fencing.workers");
        settings.put(WorkerConfig.TOPICS_PARTITIONS, "6");
        Path journal = Files.createTempFile("fencing-journal", ".txt");
        settings.put(WorkerConfig.PROVIDER_PREFIX + "journal", journal.toString());
        settings.put(WorkerConfig.MAX_IN_FLIGHT, "2000");
        QueryRelayTestClient client = new QueryRelayTestClient(broker.bootstrapServers(), topics);
        closeables.add(client);
        WorkerProcess a = WorkerProcess.start("worker-a", settings);
        closeables.add(a);
        WorkerProcess b = WorkerProcess.start("worker-b", settings);
        closeables.add(b);

        // submitted before worker-b has partitions, every query would run on worker-a
        await("both workers own partitions").atMost(WAIT)
                .until(() -> a.log().contains("partitions assigned") && b.log().contains("partitions assigned"));
        List<String> ids = new ArrayList<>();
        ids.addAll(submit(client, "before-", 60, "/* mock: duration_ms=1500 rows=1500 */ SELECT 1"));
        ids.addAll(submit(client, "long-", 20, "/* mock: duration_ms=20000 */ SELECT 1"));
        // paused at once, some of worker-a's starts may not have their RUNNING record committed yet:
        // worker-b then finds them in the mock's journal (findStarted) and follows them
        await("both workers run queries").atMost(WAIT).until(() -> ownersOfRunning(client, ids).size() == 2);

        a.pause();
        ids.addAll(submit(client, "while-", 60, "/* mock: duration_ms=500 rows=1500 */ SELECT 1"));
        for (int i = 0; i < 10; i++) {
            client.cancel("long-" + i, "canceled while worker-a is frozen");
        }
        // queries submitted during the pause to worker-a's partitions end only once worker-a's session expired
        await("worker-b takes over and finishes what was submitted before and during the pause").atMost(WAIT)
                .until(() -> allTerminal(client, ids.stream().filter(id -> !id.startsWith("long-")).toList()));

        a.resume();
        ids.addAll(submit(client, "after-", 60, "/* mock: duration_ms=300 rows=1500 */ SELECT 1"));
        await("every query ends").atMost(WAIT).until(() -> allTerminal(client, ids));
        await("worker-a noticed it lost its partitions and rejoined the group").atMost(WAIT).until(() -> {
            String log = a.log();
            int lost = log.indexOf("partitions lost");
            return lost >= 0 && log.indexOf("partitions assigned", lost) >= 0;
        });

        Map<String, Long> starts = Files.readAllLines(journal).stream().map(line -> line.split(" ")[0])
                .collect(Collectors.groupingBy(id -> id, TreeMap::new, Collectors.counting()));
        Map<String, Long> twice = starts.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), twice, "no query started twice in the warehouse");
        for (String id : ids) {
            boolean canceled = id.startsWith("long-") && Integer.parseInt(id.substring("long-".length())) < 10;
            // a query canceled while PENDING (its start not committed when worker-a froze) reports no execution
            String status = canceled ? checkAtMostOneExecution(client, id) : checkOneExecution(client, id);
            assertEquals(canceled ? "CANCELED" : "SUCCEEDED", status, id);
            assertNothingAfterTheEnd(client.statusEvents(id), id);
        }
        assertTrue(a.log().contains("partitions lost") || a.log().contains("commit failed"),
                "worker-a noticed it had lost its partitions: " + a.log());
    }

    private static List<String> submit(QueryRelayTestClient client, String prefix, int count, String sql) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
        ids.forEach(id -> client.submit(id, sql));
        return ids;
    }

    private static Set<String> ownersOfRunning(QueryRelayTestClient client, List<String> ids) {
        return ids.stream().flatMap(id -> client.statusEvents(id).stream())
                .filter(e -> e.get("status").asText().equals("RUNNING")).map(e -> e.get("worker").asText())
                .collect(Collectors.toSet());
    }

    /** In topic order, no event after the first terminal one says anything but that same end. */
    private static void assertNothingAfterTheEnd(List<JsonNode> events, String id) {
        String end = null;
        for (JsonNode event : events) {
            String status = event.get("status").asText();
            if (end != null) {
                assertEquals(end, status, id + ": an event after its end: " + events);
            }
            if (Set.of("SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT").contains(status)) {
                end = status;
            }
        }
    }
}
