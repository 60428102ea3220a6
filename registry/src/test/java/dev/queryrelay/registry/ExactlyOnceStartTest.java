package dev.queryrelay.registry;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A start that may already have happened is looked up with findStarted before it is made. */
class ExactlyOnceStartTest {

    private final TestEngine engine = new TestEngine();
    private final ScriptedConnection warehouse = new ScriptedConnection();
    /** Executions the scripted warehouse accepted, as provider ids. */
    private final List<String> accepted = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aStartRetriedAfterTheWarehouseAcceptedItFollowsThatExecution() {
        warehouse.start = request -> {
            accepted.add("p-" + accepted.size());
            if (accepted.size() == 1) {
                throw QueryRelayException.network("connection reset after the warehouse accepted the query", null);
            }
            return accepted.get(accepted.size() - 1);
        };
        warehouse.findStarted = (queryId, notBefore) -> accepted.stream().findFirst();
        engine.start(warehouse, b -> b);
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));

        QuerySnapshot running = engine.driveTo("q1", QueryStatus.RUNNING);
        assertEquals("p-0", running.providerQueryId());
        assertEquals(List.of("p-0"), accepted, "started once");
        assertEquals(1, warehouse.calls("findStarted").size());
        engine.drive("the execution found is polled", () -> warehouse.calls("status").contains("status p-0"));
    }

    @Test
    void aStartRetriedAfterTheGuardStoppedAllowingItWaitsUntilItAllowsAgain() {
        AtomicBoolean allowed = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        SideEffectGuard guard = new SideEffectGuard() {
            @Override
            public CompletionStage<Boolean> mayStart(String queryId) {
                asked.incrementAndGet();
                return CompletableFuture.completedFuture(allowed.get());
            }

            @Override
            public boolean mayCancel(String queryId) {
                return allowed.get();
            }
        };
        warehouse.start = request -> {
            if (warehouse.calls("start").size() == 1) {
                allowed.set(false); // the worker froze past its lease while the first attempt failed
                throw QueryRelayException.network("connection reset", null);
            }
            return "p-second";
        };
        engine.start(warehouse, b -> b.guard(guard));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        Instant retriesDue = engine.time.instant().plusSeconds(5);
        engine.drive("the retry's backoff passes", () -> engine.time.instant().isAfter(retriesDue) && asked.get() > 3);

        assertEquals(1, warehouse.calls("start").size(), "no start while the guard does not allow one");
        assertTrue(warehouse.calls("findStarted").isEmpty());
        allowed.set(true);
        assertEquals("p-second", engine.driveTo("q1", QueryStatus.RUNNING).providerQueryId());
        assertEquals(2, warehouse.calls("start").size());
    }

    @Test
    void aStartRetriedAfterTheWarehouseRefusedItStartsAgain() {
        warehouse.start = request -> {
            if (warehouse.calls("start").size() == 1) {
                throw QueryRelayException.network("connection refused", null);
            }
            return "p-second";
        };
        engine.start(warehouse, b -> b);
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));

        assertEquals("p-second", engine.driveTo("q1", QueryStatus.RUNNING).providerQueryId());
        assertEquals(2, warehouse.calls("start").size());
        assertEquals(1, warehouse.calls("findStarted").size(), "looked up before the second start only");
    }

    @Test
    void aSubmitThatMayHaveBeenHandledBeforeIsLookedUpAndFollowed() {
        warehouse.findStarted = (queryId, notBefore) -> Optional.of("p-earlier");
        engine.start(warehouse, b -> b);
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"), true);

        assertEquals("p-earlier", engine.driveTo("q1", QueryStatus.RUNNING).providerQueryId());
        assertTrue(warehouse.calls("start").isEmpty(), "not started again");
    }

    @Test
    void aFreshSubmitIsStartedWithoutALookUp() {
        engine.start(warehouse, b -> b);
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.awaitNow("q1", QueryStatus.RUNNING);
        assertEquals(List.of("start q1"), warehouse.calls.subList(0, 1));
        assertTrue(warehouse.calls("findStarted").isEmpty());
    }

    @Test
    void aPendingQueryTakenOverThatTheWarehouseAlreadyRunsIsFollowedNotStarted() {
        warehouse.findStarted = (queryId, notBefore) -> Optional.of("p-old");
        engine.start(warehouse, b -> b);
        Instant created = engine.time.instant().minusSeconds(30);
        StartRequest request = TestEngine.request("q1", "SELECT 1");
        engine.registry.restore(request, new RestorePoint(QueryStatus.PENDING, 1, created, null, null, null));

        QuerySnapshot running = engine.awaitNow("q1", QueryStatus.RUNNING);
        assertEquals("p-old", running.providerQueryId());
        assertEquals(2, running.seq());
        assertEquals(List.of("findStarted q1 " + created), warehouse.calls("findStarted"),
                "looked up from the query's creation");
        assertTrue(warehouse.calls("start").isEmpty(), "never started again");
        assertEquals(List.of("RUNNING"), engine.events.of("q1"));
    }

    @Test
    void aPendingQueryTakenOverPastItsTimeoutEndsTimeoutAndItsLeftoverExecutionIsCanceled() {
        warehouse.findStarted = (queryId, notBefore) -> Optional.of("p-old");
        engine.start(warehouse, b -> b);
        Instant created = engine.time.instant().minusSeconds(30);
        StartRequest request = TestEngine.request("q1", "SELECT 1", QueryOptions.DEFAULTS.withTimeout(Duration.ofSeconds(5)));
        engine.registry.restore(request, new RestorePoint(QueryStatus.PENDING, 1, created, null, null, null));

        QuerySnapshot timedOut = engine.awaitNow("q1", QueryStatus.TIMEOUT);
        assertEquals(2, timedOut.seq());
        assertEquals(List.of("TIMEOUT"), engine.events.of("q1"));
        await("the leftover execution is canceled").atMost(TestEngine.WAIT)
                .until(() -> warehouse.calls("cancel").equals(List.of("cancel p-old")));
        assertTrue(warehouse.calls("start").isEmpty(), "never started");
    }

    @Test
    void aPendingQueryTakenOverWithACancelEndsCanceledAndItsLeftoverExecutionIsCanceled() {
        warehouse.findStarted = (queryId, notBefore) -> Optional.of("p-old");
        engine.start(warehouse, b -> b);
        engine.registry.cancel("q1", "stop");
        engine.registry.restore(TestEngine.request("q1", "SELECT 1"),
                new RestorePoint(QueryStatus.PENDING, 1, engine.time.instant(), null, null, null));

        assertEquals(List.of("CANCELED"), engine.events.of("q1"));
        await("the leftover execution is canceled").atMost(TestEngine.WAIT)
                .until(() -> warehouse.calls("cancel").equals(List.of("cancel p-old")));
        assertTrue(warehouse.calls("start").isEmpty(), "never started");
    }

    @Test
    void aPendingQueryTakenOverThatNeverStartedIsStartedOnce() {
        engine.start(warehouse, b -> b);
        engine.registry.restore(TestEngine.request("q1", "SELECT 1"),
                new RestorePoint(QueryStatus.PENDING, 1, engine.time.instant(), null, null, null));

        assertEquals("p-q1", engine.awaitNow("q1", QueryStatus.RUNNING).providerQueryId());
        assertEquals(1, warehouse.calls("findStarted").size());
        assertEquals(1, warehouse.calls("start").size());
    }

    @Test
    void aLookUpThatFailsRetryablyIsRetriedLikeAnyCall() {
        warehouse.findStarted = (queryId, notBefore) -> {
            if (warehouse.calls("findStarted").size() == 1) {
                throw QueryRelayException.network("history not reachable", null);
            }
            return Optional.of("p-old");
        };
        engine.start(warehouse, b -> b);
        engine.registry.restore(TestEngine.request("q1", "SELECT 1"),
                new RestorePoint(QueryStatus.PENDING, 1, engine.time.instant(), null, null, null));

        assertEquals("p-old", engine.driveTo("q1", QueryStatus.RUNNING).providerQueryId());
        assertEquals(2, warehouse.calls("findStarted").size());
        assertTrue(warehouse.calls("start").isEmpty());
    }
}
