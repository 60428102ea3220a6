package dev.queryrelay.registry;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.WarehouseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listeners run outside every lock: one blocked on a query's page holds up nothing but that query's later events. */
class ListenerIsolationTest {

    private final TestEngine engine = new TestEngine();
    private final ScriptedConnection warehouse = new ScriptedConnection();
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean returned = new AtomicBoolean();
    private final AtomicBoolean releasedByTheTest = new AtomicBoolean();

    @AfterEach
    void close() {
        release.countDown();
        engine.close();
    }

    /** Blocks on the first page of query "slow" until the test releases it. */
    private final QueryListener blockingListener = new QueryListener() {
        @Override
        public void onPage(QueryPage page) {
            if (!page.queryId().equals("slow")) {
                return;
            }
            blocked.countDown();
            try {
                releasedByTheTest.set(release.await(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returned.set(true);
        }
    };

    @Test
    void aListenerBlockedOnOneQuerysPageDelaysNoCancelSnapshotOrSubmit() throws InterruptedException {
        warehouse.status = id -> id.equals("p-other") ? WarehouseStatus.running() : WarehouseStatus.succeeded();
        warehouse.results = id -> new ScriptedConnection.ScriptedCursor(4, null, 0);
        QueryRegistry registry = engine.start(warehouse, b -> b.listener(blockingListener).warehouseThreads(4));
        QueryOptions twoRowPages = QueryOptions.DEFAULTS.withPageRows(2);

        registry.submit(TestEngine.request("slow", "SELECT 1", twoRowPages));
        assertTrue(blocked.await(60, TimeUnit.SECONDS), "the listener got the first page of slow");

        QuerySnapshot other = registry.submit(TestEngine.request("other", "SELECT 1"));
        assertEquals(QueryStatus.PENDING, other.status());
        engine.awaitNow("other", QueryStatus.RUNNING);
        registry.cancel("other", "not needed");
        engine.awaitNow("other", QueryStatus.CANCELED);
        registry.submit(TestEngine.request("fast", "SELECT 1", twoRowPages));
        engine.awaitNow("fast", QueryStatus.SUCCEEDED);
        QuerySnapshot slow = registry.snapshot("slow").orElseThrow();
        assertEquals(1, slow.pages(), "the page in the listener's hands is counted");
        registry.cancel("slow", "user asked");
        engine.awaitState("slow", QueryStatus.CANCELED);
        assertEquals(List.of("PENDING", "RUNNING", "page 0"), engine.events.of("slow"),
                "the blocked query's CANCELED event waits behind the page its listener holds");
        assertFalse(returned.get(), "all of the above happened while the listener was still blocked");

        release.countDown();
        await("the CANCELED event follows the page").atMost(TestEngine.WAIT)
                .until(() -> engine.events.of("slow").size() == 4);
        assertTrue(releasedByTheTest.get());
        assertEquals(List.of("PENDING", "RUNNING", "page 0", "CANCELED"), engine.events.of("slow"),
                "the slow query's events stay in order; no page after the cancel");
        assertEquals(List.of("PENDING", "RUNNING", "CANCELED"), engine.events.of("other"));
        assertEquals(List.of("PENDING", "RUNNING", "page 0", "page 1", "SUCCEEDED"), engine.events.of("fast"));
    }

    @Test
    void forgetWaitsForTheQuerysEventsSoFarAndPublishesNothingAfter() throws InterruptedException {
        warehouse.status = id -> WarehouseStatus.succeeded();
        warehouse.results = id -> new ScriptedConnection.ScriptedCursor(4, null, 0);
        QueryRegistry registry = engine.start(warehouse, b -> b.listener(blockingListener));
        registry.submit(TestEngine.request("slow", "SELECT 1", QueryOptions.DEFAULTS.withPageRows(2)));
        assertTrue(blocked.await(60, TimeUnit.SECONDS));

        AtomicBoolean listenerDoneAtReturn = new AtomicBoolean();
        Thread handOver = new Thread(() -> {
            registry.forget("slow");
            listenerDoneAtReturn.set(returned.get());
        }, "hand-over");
        handOver.start();
        await("forget takes the query away").atMost(TestEngine.WAIT).until(() -> registry.snapshot("slow").isEmpty());
        release.countDown();
        handOver.join(TestEngine.WAIT.toMillis());
        assertFalse(handOver.isAlive());
        assertTrue(listenerDoneAtReturn.get(), "forget returned only after the listener was done with the page");
        assertEquals(List.of("PENDING", "RUNNING", "page 0"), engine.events.of("slow"));
        assertEquals(0, registry.inFlight());
    }
}
