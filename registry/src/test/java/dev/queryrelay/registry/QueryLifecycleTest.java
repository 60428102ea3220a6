package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryLifecycleTest {

    private final ManualTime time = new ManualTime();
    private final EventLog events = new EventLog();
    private final AtomicInteger ends = new AtomicInteger();
    private final QueryLifecycle query = QueryLifecycle.submitted(TestEngine.request("q1", "SELECT 1"), time,
            new Listeners(List.of(events)), ended -> ends.incrementAndGet(), 10);

    private static final ErrorInfo CANCELED = ErrorInfo.of(ErrorType.CANCELED, "user asked");

    @Test
    void nothingLeavesTheFinalPhases() {
        for (Phase last : List.of(Phase.FINISHED, Phase.HANDED_OVER)) {
            for (Phase next : Phase.values()) {
                assertFalse(last.canMoveTo(next), last + " -> " + next);
            }
        }
    }

    @Test
    void aFinishedQueryIgnoresEveryLaterMove() {
        query.accept();
        assertTrue(query.beginStart());
        assertTrue(query.started("p1"));
        query.succeed();
        QuerySnapshot done = query.snapshot();
        assertEquals(QueryStatus.SUCCEEDED, done.status());

        time.advance(Duration.ofSeconds(1));
        query.fail(ErrorInfo.of(ErrorType.SQL, "late"));
        query.failStart(ErrorInfo.of(ErrorType.SQL, "late"));
        assertNull(query.requestStop(QueryStatus.CANCELED, CANCELED));
        query.stopped(null);
        assertFalse(query.beginStart());
        assertFalse(query.started("p2"));
        assertNull(query.page(new QueryPage("q1", 0, 0, List.of(), List.of(), true), false));
        query.succeed();

        assertEquals(done, query.snapshot(), "nothing changed");
        assertEquals(List.of("PENDING", "RUNNING", "SUCCEEDED"), events.of("q1"));
        assertEquals(1, ends.get());
    }

    @Test
    void aStopWhileRunningWaitsForTheWarehouseCancelAndIgnoresPollAnswersMeanwhile() {
        query.accept();
        query.beginStart();
        query.started("p1");
        assertEquals("p1", query.requestStop(QueryStatus.CANCELED, CANCELED));
        assertNull(query.requestStop(QueryStatus.TIMEOUT, ErrorInfo.of(ErrorType.TIMEOUT, "late")), "one stop only");
        query.fail(ErrorInfo.of(ErrorType.CANCELED, "the warehouse reports it canceled"));
        query.succeed();
        assertEquals(QueryStatus.RUNNING, query.snapshot().status());

        query.stopped(ErrorInfo.of(ErrorType.NETWORK, "unreachable"));
        QuerySnapshot canceled = query.snapshot();
        assertEquals(QueryStatus.CANCELED, canceled.status());
        assertEquals("user asked (warehouse cancel failed: unreachable)", canceled.error().message());
        assertEquals(List.of("PENDING", "RUNNING", "CANCELED"), events.of("q1"));
    }

    @Test
    void aStopBeforeTheStartReturnedEndsAtOnceAndTheLateStartIsRefused() {
        query.accept();
        query.beginStart();
        assertNull(query.requestStop(QueryStatus.CANCELED, CANCELED), "nothing to cancel in the warehouse yet");
        assertEquals(QueryStatus.CANCELED, query.snapshot().status());
        assertFalse(query.started("p1"));
        assertNull(query.providerQueryId());
        assertEquals(2, query.snapshot().seq());
    }

    @Test
    void aHandedOverQueryPublishesNothingMore() {
        query.accept();
        query.beginStart();
        query.started("p1");
        assertTrue(query.handOver(Duration.ofSeconds(1)), "it was in flight");
        query.succeed();
        query.fail(ErrorInfo.of(ErrorType.SQL, "late"));
        assertNull(query.requestStop(QueryStatus.CANCELED, CANCELED));
        assertEquals(QueryStatus.RUNNING, query.snapshot().status());
        assertEquals(Phase.HANDED_OVER, query.phase());
        assertEquals(List.of("PENDING", "RUNNING"), events.of("q1"));
        assertEquals(0, ends.get());
    }
}
