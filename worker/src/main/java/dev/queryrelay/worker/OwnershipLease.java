package dev.queryrelay.worker;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long this worker may still act on the partitions it owns without hearing from the broker:
 * every transaction that commits (its offsets carry the consumer group's metadata, which the group
 * coordinator checks) renews the lease from the moment the commit began. A worker that stalled (a
 * long GC pause, a frozen VM, SIGSTOP) finds its lease expired when it resumes, and so starts and
 * cancels nothing in the warehouse until a commit proves it still belongs to the group. The lease
 * must be shorter than the group's session timeout: a member that is silent for longer may have
 * lost its partitions. Thread-safe.
 */
final class OwnershipLease {

    private final long leaseNanos;
    private final LongSupplier nanoTime;
    private volatile long renewedAt;
    private volatile boolean held;

    OwnershipLease(Duration lease, LongSupplier nanoTime) {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, got " + lease);
        }
        this.leaseNanos = lease.toNanos();
        this.nanoTime = nanoTime;
    }

    /** A commit that began at {@code startedAt} (a {@link #now()} reading) succeeded. */
    void renew(long startedAt) {
        if (!held || startedAt - renewedAt > 0) {
            renewedAt = startedAt;
        }
        held = true;
    }

    /** A commit failed: the group may have moved on. */
    void expire() {
        held = false;
    }

    boolean isValid() {
        return held && nanoTime.getAsLong() - renewedAt < leaseNanos;
    }

    /** Time left on the lease, zero when it has expired. */
    Duration remaining() {
        long left = leaseNanos - (nanoTime.getAsLong() - renewedAt);
        return held && left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    Duration duration() {
        return Duration.ofNanos(leaseNanos);
    }

    long now() {
        return nanoTime.getAsLong();
    }
}
