package dev.queryrelay.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackerTest {

    private static byte[] event(String id, String status) {
        return ("{\"query_id\":\"" + id + "\",\"status\":\"" + status + "\",\"seq\":3}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheStatusOfAnEvent() {
        assertEquals("SUCCEEDED", Tracker.statusOf(event("q-1", "SUCCEEDED")));
        assertNull(Tracker.statusOf("{\"query_id\":\"q-1\"}".getBytes(StandardCharsets.UTF_8)));
        assertNull(Tracker.statusOf(null));
    }

    @Test
    void countsEachCompletionOnceAndRecordsItsLatency() {
        Tracker tracker = Tracker.succeeded("run");
        tracker.sent(0, 1_000_000);
        tracker.sent(1, 2_000_000);
        tracker.accept("run-0", event("run-0", "PENDING"), 5_000_000);
        tracker.accept("run-0", event("run-0", "SUCCEEDED"), 11_000_000);
        tracker.accept("run-0", event("run-0", "SUCCEEDED"), 12_000_000);
        tracker.accept("other-1", event("other-1", "SUCCEEDED"), 12_000_000);

        assertEquals(1, tracker.completed());
        LatencySummary latency = LatencySummary.of(tracker.takeLatencies());
        assertEquals(1, latency.count());
        assertEquals(10.0, latency.p50(), 0.01);
    }

    @Test
    void recordsLatencyOnlyInsideTheMeasuredRange() {
        Tracker tracker = new Tracker("p", null, Set.of());
        tracker.measure(1, 2);
        for (int i = 0; i < 3; i++) {
            tracker.sent(i, 1_000_000);
            tracker.accept("p-" + i, new byte[0], 1_000_000L * (i + 2));
        }
        assertEquals(3, tracker.completed());
        LatencySummary latency = LatencySummary.of(tracker.takeLatencies());
        assertEquals(1, latency.count());
        assertEquals(2.0, latency.p50(), 0.01);
    }

    @Test
    void anErrorStatusFailsTheWait() {
        Tracker tracker = Tracker.succeeded("run");
        tracker.sent(0, 1);
        tracker.accept("run-0", event("run-0", "FAILED"), 2);

        assertEquals(1, tracker.errors());
        assertFalse(tracker.firstError().isEmpty());
        assertThrows(IllegalStateException.class, () -> tracker.awaitCompleted(1, Duration.ofSeconds(1)));
    }

    @Test
    void awaitReturnsOnceEnoughHaveCompleted() throws InterruptedException {
        Tracker tracker = new Tracker("p", null, Set.of());
        tracker.accept("p-7", new byte[0], 1);
        assertTrue(tracker.awaitCompleted(1, Duration.ofSeconds(1)));
        assertFalse(tracker.awaitCompleted(2, Duration.ofMillis(20)));
    }
}
