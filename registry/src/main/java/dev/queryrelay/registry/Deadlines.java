package dev.queryrelay.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The deadlines of the warehouse calls in flight, kept with one timer instead of one per call:
 * every call has the same allowance, so deadlines come in the order the calls are handed over and
 * a first-in first-out list is in deadline order. The timer is armed for the oldest call's deadline;
 * when it fires, every call past its deadline leaves the list and {@linkplain Entry#expire expires}
 * (off the lock), and the timer is armed for the next one. A call that returns leaves the list at once.
 */
final class Deadlines {

    /** A call with a deadline, linked into the list while it is in flight; its monitor is not used here. */
    abstract static class Entry {
        private Entry previous;
        private Entry next;
        private long deadlineMillis;
        private boolean linked;

        /** The deadline passed before the call returned; called once, on the scheduler's thread, no lock held. */
        abstract void expire();
    }

    private final Scheduler scheduler;
    private final Clock clock;
    private final long allowanceMillis;
    private Entry head;
    private Entry tail;
    private boolean armed;

    Deadlines(Scheduler scheduler, Clock clock, Duration allowance) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.allowanceMillis = allowance.toMillis();
    }

    Duration allowance() {
        return Duration.ofMillis(allowanceMillis);
    }

    /** Starts the allowance of {@code entry} now. */
    void add(Entry entry) {
        long armAt;
        synchronized (this) {
            entry.deadlineMillis = clock.millis() + allowanceMillis;
            entry.previous = tail;
            entry.next = null;
            if (tail == null) {
                head = entry;
            } else {
                tail.next = entry;
            }
            tail = entry;
            entry.linked = true;
            if (armed) {
                return;
            }
            armed = true;
            armAt = head.deadlineMillis;
        }
        arm(armAt);
    }

    /** The call of {@code entry} returned: it no longer expires. */
    void remove(Entry entry) {
        synchronized (this) {
            if (entry.linked) {
                unlink(entry);
            }
        }
    }

    private void arm(long atMillis) {
        try {
            scheduler.schedule(Runnable::run, this::sweep, Duration.ofMillis(Math.max(0, atMillis - clock.millis())));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                armed = false; // closing: the calls in flight run without a deadline, nothing waits for them
            }
        }
    }

    private void sweep() {
        List<Entry> due = new ArrayList<>();
        long armAt = -1;
        synchronized (this) {
            long now = clock.millis();
            while (head != null && head.deadlineMillis <= now) {
                Entry expired = head;
                unlink(expired);
                due.add(expired);
            }
            if (head == null) {
                armed = false;
            } else {
                armAt = head.deadlineMillis;
            }
        }
        if (armAt >= 0) {
            arm(armAt);
        }
        due.forEach(Entry::expire);
    }

    private void unlink(Entry entry) {
        if (entry.previous == null) {
            head = entry.next;
        } else {
            entry.previous.next = entry.next;
        }
        if (entry.next == null) {
            tail = entry.previous;
        } else {
            entry.next.previous = entry.previous;
        }
        entry.previous = null;
        entry.next = null;
        entry.linked = false;
    }
}
