package dev.queryrelay.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When the {@link Outbox} commits: when something waits for a commit (a query's terminal event, a
 * page's window), once {@link #MAX_SPACING_MILLIS} passed since the previous commit began, or sooner
 * (but at least {@link #MIN_SPACING_WHEN_QUIET_MILLIS} after it) {@link #QUIET_MILLIS} after the
 * outbox last began taking queued items (it found nothing new since, or took that long taking them):
 * a burst of work is committed as soon as it is done instead of waiting out the spacing, while a
 * steady stream still commits at most every {@link #MAX_SPACING_MILLIS}; an interval after the
 * first other change; and when the ownership lease needs renewing, by an empty transaction if
 * nothing else commits. Under load commits follow each other, each carrying what arrived during
 * the previous one. Used by the outbox's thread only.
 */
final class CommitPacing {

    static final long IDLE_WAKE_UP_MILLIS = 1_000;
    /** Every commit costs the broker a marker in each partition it wrote to: at most this often when awaited. */
    static final long MAX_SPACING_MILLIS = 20;
    /** How long after the outbox last began taking queued items an awaited commit need not wait out {@link #MAX_SPACING_MILLIS}. */
    static final long QUIET_MILLIS = 2;
    /** The shortest spacing of two commits, when the outbox is quiet. */
    static final long MIN_SPACING_WHEN_QUIET_MILLIS = 5;

    private final Duration interval;
    private final OwnershipLease lease;
    /** When the first change not committed yet was accepted ({@link OwnershipLease#now()}), or -1. */
    private long dirtySince = -1;
    /** Whether a record not committed yet has a commit callback that someone waits for. */
    private boolean awaited;
    /** When the last commit began. */
    private long lastCommitAt;
    /** When the outbox last began taking what its queue held. */
    private long lastActiveAt;

    CommitPacing(Duration interval, OwnershipLease lease) {
        this.interval = interval;
        this.lease = lease;
    }

    /** A change to commit; {@code waitedFor} when someone waits for its commit. */
    void changed(boolean waitedFor) {
        if (dirtySince < 0) {
            dirtySince = lease.now();
        }
        awaited |= waitedFor;
    }

    /** The outbox begins taking what its queue holds (at least one item). */
    void active() {
        lastActiveAt = lease.now();
    }

    /** A commit begins now; returns its start ({@link OwnershipLease#now()}). */
    long committing() {
        lastCommitAt = lease.now();
        return lastCommitAt;
    }

    /** Everything changed so far is committed. */
    void clean() {
        dirtySince = -1;
        awaited = false;
    }

    /** How long the outbox may wait for the next item before a commit is due. */
    long waitMillis(boolean owned, boolean mustReplay, long backoffMillis) {
        if (!owned) {
            return IDLE_WAKE_UP_MILLIS;
        }
        if (mustReplay) {
            return backoffMillis;
        }
        if (awaited) {
            long sinceCommit = millisSince(lastCommitAt);
            long untilQuiet = Math.max(quietSpacingMillis() - sinceCommit, QUIET_MILLIS - millisSince(lastActiveAt));
            return Math.max(0, Math.min(minSpacingMillis() - sinceCommit, untilQuiet));
        }
        if (dirtySince >= 0) {
            return Math.max(0, interval.toMillis() - millisSince(dirtySince));
        }
        return Math.max(1, Math.min(IDLE_WAKE_UP_MILLIS, renewalDueInMillis()));
    }

    /** Whether a commit is due now; never without owned partitions to commit offsets of. */
    boolean due(boolean owned, boolean mustReplay) {
        if (!owned) {
            return false;
        }
        if (mustReplay) {
            return true;
        }
        if (awaited) {
            long sinceCommit = millisSince(lastCommitAt);
            return sinceCommit >= minSpacingMillis()
                    || sinceCommit >= quietSpacingMillis() && millisSince(lastActiveAt) >= QUIET_MILLIS;
        }
        if (dirtySince >= 0) {
            return millisSince(dirtySince) >= interval.toMillis();
        }
        return renewalDueInMillis() <= 0;
    }

    /** A fifth of the interval, at most {@link #MAX_SPACING_MILLIS}. */
    private long minSpacingMillis() {
        return Math.min(MAX_SPACING_MILLIS, interval.toMillis() / 5);
    }

    private long quietSpacingMillis() {
        return Math.min(MIN_SPACING_WHEN_QUIET_MILLIS, minSpacingMillis());
    }

    private long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(lease.now() - nanos);
    }

    /** The lease is renewed when a third of it is left. */
    private long renewalDueInMillis() {
        return lease.remaining().toMillis() - lease.duration().toMillis() / 3;
    }
}
