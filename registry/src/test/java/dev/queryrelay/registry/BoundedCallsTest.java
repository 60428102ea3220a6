package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.WarehouseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every warehouse call has a deadline: past it the call is a retryable TIMEOUT and its thread is interrupted. */
class BoundedCallsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final TestEngine engine = new TestEngine();
    private final ScriptedConnection warehouse = new ScriptedConnection();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aQuerysNextCallRunsOnTheThreadThatHadThePreviousAnswer() {
        Map<String, Thread> threads = new ConcurrentHashMap<>();
        CountDownLatch submitted = new CountDownLatch(1);
        warehouse.start = request -> {
            threads.put("start", Thread.currentThread());
            try {
                submitted.await(); // answers once the submit returned, so the answer is handled where it arrives
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "p-" + request.queryId();
        };
        warehouse.status = id -> {
            threads.put("status", Thread.currentThread());
            return WarehouseStatus.succeeded();
        };
        warehouse.results = id -> {
            threads.put("results", Thread.currentThread());
            return new ScriptedConnection.ScriptedCursor(1, null, 0);
        };
        engine.start(warehouse, b -> b.warehouseThreads(4));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        submitted.countDown();

        engine.awaitNow("q1", QueryStatus.SUCCEEDED);
        assertEquals(threads.get("start"), threads.get("status"), "the first poll follows the start on its thread");
        assertEquals(threads.get("status"), threads.get("results"), "the result follows the status on its thread");
    }

    @Test
    void aStatusCallPastItsDeadlineIsARetryableTimeoutAndItsThreadIsInterrupted() {
        Gate gate = new Gate(false);
        warehouse.status = id -> {
            gate.pass();
            return WarehouseStatus.running();
        };
        QueryRegistry registry = engine.start(warehouse, b -> b.callTimeout(DEADLINE).retryMaxAttempts(2));
        registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.drive("the first status call blocks", () -> gate.entered.get() == 1);
        engine.time.advance(DEADLINE);
        engine.drive("the status call is made again", () -> gate.entered.get() == 2);

        QuerySnapshot failed = engine.driveTo("q1", QueryStatus.FAILED);
        assertEquals(ErrorType.TIMEOUT, failed.error().type());
        assertTrue(failed.error().retryable());
        assertTrue(failed.error().message().contains("did not return within 5000 ms"), failed.error().message());
        await("each blocked call is interrupted at its deadline").atMost(TestEngine.WAIT)
                .until(() -> gate.interrupted.get() == 2);
        assertEquals(1, registry.metrics().retries());
        assertEquals(1, registry.metrics().retriedCallsFailed());
        gate.open();
    }

    @Test
    void aStartPastItsDeadlineIsLookedUpAndRetriedAndItsLateExecutionIsCanceled() {
        Gate gate = new Gate(true);
        AtomicInteger starts = new AtomicInteger();
        warehouse.start = request -> {
            if (starts.incrementAndGet() == 1) {
                gate.pass();
                return "p-late";
            }
            return "p-second";
        };
        QueryRegistry registry = engine.start(warehouse, b -> b.callTimeout(DEADLINE));
        registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.drive("the first start blocks", () -> gate.entered.get() == 1);
        engine.time.advance(DEADLINE);

        QuerySnapshot running = engine.driveTo("q1", QueryStatus.RUNNING);
        assertEquals("p-second", running.providerQueryId());
        assertEquals(1, warehouse.calls("findStarted").size(), "the retried start looked for the first one");
        await("the blocked start is interrupted").atMost(TestEngine.WAIT).until(() -> gate.interrupted.get() == 1);

        gate.open();
        engine.drive("the late execution is canceled", () -> warehouse.calls("cancel").contains("cancel p-late"));
        assertEquals("p-second", registry.snapshot("q1").orElseThrow().providerQueryId());
        assertEquals(QueryStatus.RUNNING, engine.status("q1"));
    }

    @Test
    void aStartPastItsDeadlineThatReturnsBeforeTheRetryIsFollowed() {
        Gate gate = new Gate(true);
        warehouse.start = request -> {
            gate.pass();
            return "p-late";
        };
        warehouse.status = id -> WarehouseStatus.succeeded();
        QueryRegistry registry = engine.start(warehouse, b -> b.callTimeout(DEADLINE).pruneInterval(Duration.ofDays(1))
                .retryBackoff(Duration.ofMinutes(1), Duration.ofMinutes(1)));
        registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.drive("the start blocks, its deadline armed", () -> gate.entered.get() == 1
                && engine.time.pendingDelays().stream().anyMatch(delay -> delay.compareTo(DEADLINE) <= 0));
        engine.time.advance(DEADLINE);
        await("the retry is scheduled, up to a minute on").atMost(TestEngine.WAIT).until(() -> engine.time.pendingDelays()
                .stream().anyMatch(delay -> delay.compareTo(DEADLINE) > 0 && delay.compareTo(Duration.ofMinutes(1)) <= 0));
        gate.open();

        QuerySnapshot done = engine.awaitNow("q1", QueryStatus.SUCCEEDED);
        assertEquals("p-late", done.providerQueryId(), "the query still starting adopted the late execution");
        long ran = engine.time.ran();
        engine.time.advance(Duration.ofMinutes(2));
        await("the retry's attempt has run").atMost(TestEngine.WAIT)
                .until(() -> engine.time.ran() > ran && engine.time.allDueRan());
        assertEquals(List.of("start q1"), warehouse.calls("start"), "the retry started nothing");
        assertTrue(warehouse.calls("findStarted").isEmpty());
        assertTrue(warehouse.calls("cancel").isEmpty());
        assertEquals(QueryStatus.SUCCEEDED, engine.status("q1"));
    }

    @Test
    void aPageReadPastItsDeadlineIsReadAgainFromANewCursorThatSkipsTheRowsDelivered() {
        Gate gate = new Gate(true);
        AtomicInteger opened = new AtomicInteger();
        warehouse.status = id -> WarehouseStatus.succeeded();
        warehouse.results = id -> opened.incrementAndGet() == 1
                ? new ScriptedConnection.ScriptedCursor(5, gate, 4)
                : new ScriptedConnection.ScriptedCursor(5, null, 0);
        engine.start(warehouse, b -> b.callTimeout(DEADLINE));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1", QueryOptions.DEFAULTS.withPageRows(2)));
        engine.drive("the second page's read blocks", () -> gate.entered.get() == 1);
        engine.time.advance(DEADLINE);

        QuerySnapshot done = engine.driveTo("q1", QueryStatus.SUCCEEDED);
        assertEquals(5, done.rowCount());
        List<List<Long>> rows = engine.events.pagesOf("q1").stream()
                .map(page -> page.rows().stream().map(row -> (Long) row.get(0)).toList()).toList();
        assertEquals(List.of(List.of(1L, 2L), List.of(3L, 4L), List.of(5L)), rows);
        assertEquals(List.of(0L, 2L, 4L), engine.events.pagesOf("q1").stream().map(QueryPage::offset).toList());
        assertEquals(2, warehouse.calls("results").size());

        gate.open();
        engine.drive("the abandoned cursor is closed once its read returns", () -> warehouse.cursors.get(0).closed);
        assertTrue(warehouse.cursors.get(1).closed);
    }
}
