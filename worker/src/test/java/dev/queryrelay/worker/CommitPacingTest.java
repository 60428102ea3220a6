package dev.queryrelay.worker;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the outbox commits, on a clock the test drives. */
class CommitPacingTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final OwnershipLease lease = new OwnershipLease(Duration.ofSeconds(15), nanos::get);
    private final CommitPacing pacing = new CommitPacing(Duration.ofMillis(100), lease);

    private void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @BeforeEach
    void aCommitJustBegan() {
        lease.renew(pacing.committing());
        pacing.clean();
    }

    @Test
    void aSteadyStreamWaitedForCommitsOnlyOnceTheSpacingPassed() {
        for (int i = 0; i < 19; i++) {
            advance(1);
            pacing.active();
            pacing.changed(true);
            assertFalse(pacing.due(true, false), "at " + (i + 1) + " ms");
        }
        advance(1);
        pacing.active();
        assertTrue(pacing.due(true, false));
    }

    @Test
    void aBurstWaitedForCommitsOnceNothingNewArrivedForAWhile() {
        advance(6);
        pacing.active();
        pacing.changed(true);
        assertFalse(pacing.due(true, false));
        assertEquals(CommitPacing.QUIET_MILLIS, pacing.waitMillis(true, false, 0));
        advance(CommitPacing.QUIET_MILLIS);
        assertTrue(pacing.due(true, false));
    }

    @Test
    void aQuietOutboxStillKeepsTheShortestSpacing() {
        advance(1);
        pacing.active();
        pacing.changed(true);
        advance(CommitPacing.QUIET_MILLIS);
        assertFalse(pacing.due(true, false), "quiet, but the last commit began 3 ms ago");
        assertEquals(CommitPacing.MIN_SPACING_WHEN_QUIET_MILLIS - 1 - CommitPacing.QUIET_MILLIS,
                pacing.waitMillis(true, false, 0));
        advance(CommitPacing.MIN_SPACING_WHEN_QUIET_MILLIS - 1 - CommitPacing.QUIET_MILLIS);
        assertTrue(pacing.due(true, false));
    }

    @Test
    void aSparseStreamWaitedForCommitsEveryFiveMilliseconds() {
        advance(3);
        pacing.active();
        pacing.changed(true);
        advance(3);
        pacing.active();
        pacing.changed(true);
        assertFalse(pacing.due(true, false), "6 ms after the last commit, but an event just came");
        advance(CommitPacing.QUIET_MILLIS);
        assertTrue(pacing.due(true, false));
        lease.renew(pacing.committing());
        pacing.clean();
        advance(2);
        pacing.active();
        pacing.changed(true);
        advance(CommitPacing.QUIET_MILLIS);
        assertFalse(pacing.due(true, false), "quiet, but the last commit began less than the shortest spacing ago");
        advance(CommitPacing.MIN_SPACING_WHEN_QUIET_MILLIS - 2 - CommitPacing.QUIET_MILLIS);
        assertTrue(pacing.due(true, false));
    }

    @Test
    void aChangeNobodyWaitsForCommitsAfterTheIntervalEvenWhenQuiet() {
        pacing.active();
        pacing.changed(false);
        advance(50);
        assertFalse(pacing.due(true, false));
        advance(50);
        assertTrue(pacing.due(true, false));
    }

    @Test
    void nothingIsDueWithoutOwnedPartitions() {
        pacing.active();
        pacing.changed(true);
        advance(30);
        assertFalse(pacing.due(false, false));
    }
}
