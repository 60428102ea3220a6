package dev.queryrelay.worker;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.registry.CallObserver;
import dev.queryrelay.registry.QueryListener;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerMetricsTest {

    private final WorkerMetrics metrics = new WorkerMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private static QuerySnapshot snapshot(QueryStatus status, Instant created, Instant updated) {
        return new QuerySnapshot("q1", "SELECT 1", status, created, updated, created, status.isTerminal() ? updated : null,
                1L, 0, 0, false, List.of(ColumnMeta.of("N", "NUMBER")), null, "p-1", QueryOptions.DEFAULTS, Map.of(), 1);
    }

    @Test
    void aTerminalTransitionCountsTheQueryAndTimesItFromItsSubmit() {
        QueryListener queries = metrics.queries("mock");
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        queries.onTransition(snapshot(QueryStatus.RUNNING, created, created.plusSeconds(1)));
        queries.onTransition(snapshot(QueryStatus.SUCCEEDED, created, created.plusSeconds(3)));

        assertEquals(1.0, metrics.registry().get("queryrelay.queries.finished")
                .tags("status", "SUCCEEDED", "provider", "mock").counter().count());
        Timer duration = metrics.registry().get("queryrelay.query.duration").tags("status", "SUCCEEDED").timer();
        assertEquals(1, duration.count());
        assertEquals(3.0, duration.totalTime(TimeUnit.SECONDS), 1e-9);
        String text = metrics.scrape();
        assertTrue(text.contains("# TYPE queryrelay_query_duration_seconds histogram"), text);
        assertTrue(text.contains("queryrelay_query_duration_seconds_bucket{provider=\"mock\",status=\"SUCCEEDED\",le=\"2.5\"} 0"), text);
        assertTrue(text.contains("queryrelay_query_duration_seconds_bucket{provider=\"mock\",status=\"SUCCEEDED\",le=\"5.0\"} 1"), text);
    }

    @Test
    void warehouseCallsAreTimedByOperationAndOutcome() {
        CallObserver calls = metrics.calls();
        calls.callEnded(CallObserver.STATUS, Duration.ofMillis(20), null);
        calls.callEnded(CallObserver.STATUS, Duration.ofMillis(30), QueryRelayException.network("reset", null));
        calls.callEnded(CallObserver.START, Duration.ofMillis(40), null);

        assertEquals(1, metrics.registry().get("queryrelay.warehouse.call")
                .tags("operation", "status", "outcome", "failure").timer().count());
        assertEquals(1, metrics.registry().get("queryrelay.warehouse.call")
                .tags("operation", "status", "outcome", "success").timer().count());
        assertTrue(metrics.scrape().contains(
                "queryrelay_warehouse_call_seconds_count{operation=\"start\",outcome=\"success\"} 1"), metrics.scrape());
    }

    @Test
    void deadLettersAreCountedByErrorType() {
        metrics.deadLettered(ErrorType.VALIDATION);
        metrics.deadLettered(ErrorType.VALIDATION);
        assertTrue(metrics.scrape().contains("queryrelay_dead_letters_total{error_type=\"VALIDATION\"} 2"), metrics.scrape());
    }
}
