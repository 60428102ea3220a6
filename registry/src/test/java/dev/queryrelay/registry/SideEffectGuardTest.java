package dev.queryrelay.registry;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts and cancels reach the warehouse only when the guard allows them. */
class SideEffectGuardTest {

    private final TestEngine engine = new TestEngine();
    private final ScriptedConnection warehouse = new ScriptedConnection();
    private final CompletableFuture<Boolean> startPermit = new CompletableFuture<>();
    private final AtomicBoolean mayCancel = new AtomicBoolean(true);
    private final AtomicInteger startAsks = new AtomicInteger();
    private volatile boolean allowStartOnSecondAsk;

    private final SideEffectGuard guard = new SideEffectGuard() {
        @Override
        public CompletionStage<Boolean> mayStart(String queryId) {
            if (startAsks.incrementAndGet() > 1 && allowStartOnSecondAsk) {
                return CompletableFuture.completedFuture(true);
            }
            return startPermit;
        }

        @Override
        public boolean mayCancel(String queryId) {
            return mayCancel.get();
        }
    };

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aQueryStartsOnlyOnceTheGuardCompletes() {
        engine.start(warehouse, b -> b.guard(guard));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.time.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), warehouse.calls("start"), "nothing started while the guard holds");
        assertEquals(QueryStatus.PENDING, engine.status("q1"));

        startPermit.complete(true);

        engine.awaitNow("q1", QueryStatus.RUNNING);
        assertEquals(1, warehouse.calls("start").size());
    }

    @Test
    void aRefusedStartIsAskedAgainAfterAPause() {
        allowStartOnSecondAsk = true;
        engine.start(warehouse, b -> b.guard(guard));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        startPermit.complete(false);
        assertEquals(List.of(), warehouse.calls("start"));

        engine.driveTo("q1", QueryStatus.RUNNING);
        assertEquals(2, startAsks.get());
    }

    @Test
    void aQueryCanceledWhileItWaitsForTheGuardNeverStarts() {
        engine.start(warehouse, b -> b.guard(guard));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.registry.cancel("q1", "not needed");
        engine.awaitNow("q1", QueryStatus.CANCELED);

        startPermit.complete(true);

        engine.time.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), warehouse.calls("start"));
    }

    @Test
    void aCancelWaitsUntilTheGuardAllowsIt() {
        startPermit.complete(true);
        engine.start(warehouse, b -> b.guard(guard));
        warehouse.status = id -> dev.queryrelay.api.WarehouseStatus.running();
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.driveTo("q1", QueryStatus.RUNNING);
        mayCancel.set(false);

        engine.registry.cancel("q1", "stop");
        engine.time.advance(Duration.ofSeconds(2));
        assertTrue(warehouse.calls("cancel").isEmpty(), "no cancel while the guard refuses");

        mayCancel.set(true);
        engine.driveTo("q1", QueryStatus.CANCELED);
        assertEquals(1, warehouse.calls("cancel").size());
    }

    @Test
    void aTimeoutCancelAlsoAsksTheGuard() {
        startPermit.complete(true);
        warehouse.status = id -> dev.queryrelay.api.WarehouseStatus.running();
        engine.start(warehouse, b -> b.guard(guard));
        mayCancel.set(false);
        engine.registry.submit(TestEngine.request("q1", "SELECT 1",
                QueryOptions.DEFAULTS.withTimeout(Duration.ofSeconds(1))));
        engine.driveTo("q1", QueryStatus.RUNNING);
        engine.time.advance(Duration.ofSeconds(3));
        assertTrue(warehouse.calls("cancel").isEmpty());

        mayCancel.set(true);
        engine.driveTo("q1", QueryStatus.TIMEOUT);
    }

    @Test
    void aCancelRetriedAfterTheGuardStoppedAllowingItWaitsUntilItAllowsAgain() {
        startPermit.complete(true);
        warehouse.status = id -> dev.queryrelay.api.WarehouseStatus.running();
        warehouse.cancel = id -> {
            if (warehouse.calls("cancel").size() == 1) {
                mayCancel.set(false); // the embedding froze past its lease while the first attempt failed
                throw dev.queryrelay.api.QueryRelayException.network("connection reset", null);
            }
        };
        engine.start(warehouse, b -> b.guard(guard));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.driveTo("q1", QueryStatus.RUNNING);

        engine.registry.cancel("q1", "stop");
        java.time.Instant retriesDue = engine.time.instant().plusSeconds(5);
        engine.drive("the retry's backoff passes", () -> engine.time.instant().isAfter(retriesDue));
        assertEquals(1, warehouse.calls("cancel").size(), "no cancel retried while the guard refuses");
        assertEquals(QueryStatus.RUNNING, engine.status("q1"));

        mayCancel.set(true);
        engine.driveTo("q1", QueryStatus.CANCELED);
        assertEquals(2, warehouse.calls("cancel").size());
    }
}
