package dev.queryrelay.cli;

import dev.queryrelay.testkit.EmbeddedKafka;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.protocol.TopicNames;
import dev.queryrelay.worker.Worker;
import dev.queryrelay.worker.WorkerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives a real in-process worker through {@link QueryRelayCli#run} on an embedded broker. */
@EmbeddedKafka
class QueryRelayCliIT {

    private static final String PREFIX = "cli-it.";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Worker worker;
    private static String bootstrap;

    @BeforeAll
    static void startWorker(EmbeddedKafkaBroker broker) {
        bootstrap = broker.bootstrapServers();
        TopicNames topics = TopicNames.withPrefix(PREFIX);
        worker = Worker.start(new WorkerConfig(Map.of(
                WorkerConfig.BOOTSTRAP_SERVERS, bootstrap,
                WorkerConfig.GROUP_ID, PREFIX + "workers",
                WorkerConfig.TOPICS_SUBMIT, topics.submit(),
                WorkerConfig.TOPICS_CANCEL, topics.cancel(),
                WorkerConfig.TOPICS_STATUS, topics.status(),
                WorkerConfig.TOPICS_RESULTS, topics.results(),
                WorkerConfig.TOPICS_DLQ, topics.dlq(),
                WorkerConfig.TOPICS_PARTITIONS, "3",
                WorkerConfig.HTTP_PORT, "-1",
                WorkerConfig.WORKER_ID, "cli-it-worker")));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void submitFollowPrintsEveryTransitionAndPageThenExits0OnSucceeded() {
        Run run = cli("submit", "--id", "paged", "--option", "page_rows=1000", "--follow", "--timeout", "60",
                "/* mock: duration_ms=300 rows=2500 */ SELECT * FROM orders");
        assertEquals(0, run.code, run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals("submitted paged", lines.get(0));
        assertTrue(lines.get(1).startsWith("paged PENDING   seq=1 worker=cli-it-worker"), run.toString());
        assertTrue(lines.get(2).startsWith("paged RUNNING   seq=2 provider_query_id=mock-"), run.toString());
        assertEquals(List.of("paged page 0    rows=1000 offset=0 last=false", "paged page 1    rows=1000 offset=1000 last=false",
                "paged page 2    rows=500 offset=2000 last=true"), lines.subList(3, 6));
        assertTrue(lines.get(6).startsWith("paged SUCCEEDED seq=3 row_count=2500 pages=3 truncated=false execution_ms="),
                run.toString());
        assertEquals(7, lines.size(), run.toString());
    }

    @Test
    void cancelReachesARunningQueryAndFollowExits1() throws Exception {
        assertEquals(0, cli("submit", "--id", "long", "/* mock: duration_ms=60000 */ SELECT 1").code);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> QueryRelayCli.run(
                args("follow", "--timeout", "60", "long"), print(out), print(err)));
        await("follow printed RUNNING").atMost(WAIT).until(() -> out.toString(StandardCharsets.UTF_8).contains("long RUNNING"));

        Run cancel = cli("cancel", "long", "changed my mind");
        assertEquals(0, cancel.code, cancel.toString());
        assertEquals("cancel sent for long", cancel.out().strip());

        assertEquals(1, follow.get(WAIT.toSeconds(), TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("long CANCELED  seq=3"), last);
        assertTrue(last.endsWith("error=CANCELED retryable=false: changed my mind"), last);
    }

    @Test
    void aFailedQueryShowsItsErrorAndExits1() {
        Run run = cli("submit", "--id", "bad-sql", "--follow", "/* mock: fail=SQL:002003 */ SELECT * FROM missing");
        assertEquals(1, run.code, run.toString());
        List<String> lines = run.out().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("bad-sql FAILED    seq="), last);
        assertTrue(last.contains(" error=SQL code=002003 retryable=false: "), last);
    }

    @Test
    void followingAQueryThatNeverEndsTimesOutWithExit1() {
        Run run = cli("follow", "--timeout", "2", "never-submitted");
        assertEquals(1, run.code, run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("no terminal status for never-submitted within 2 s"), run.toString());
    }

    @Test
    void followWaitsForTopicsThatDoNotExistYet() {
        Run run = runRaw("follow", "--bootstrap", bootstrap, "--topic-prefix", "nobody-here.", "--timeout", "1", "q1");
        assertEquals(1, run.code, run.toString());
        assertTrue(run.err().contains("waiting for topics [nobody-here.status, nobody-here.results]"), run.toString());
    }

    /** Runs the CLI with this test's {@code --bootstrap} and {@code --topic-prefix} after the command. */
    private static Run cli(String... args) {
        return runRaw(args(args));
    }

    private static Run runRaw(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QueryRelayCli.run(args, print(out), print(err));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] args(String... args) {
        List<String> all = new ArrayList<>(List.of(args[0], "--bootstrap", bootstrap, "--topic-prefix", PREFIX));
        all.addAll(List.of(args).subList(1, args.length));
        return all.toArray(String[]::new);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private record Run(int code, String out, String err) {
    }
}
