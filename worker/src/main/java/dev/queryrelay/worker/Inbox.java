package dev.queryrelay.worker;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Items for one thread, added by any without a lock: unlike a {@code LinkedBlockingQueue}, whose
 * adders take the taker's lock to signal it, an adder here only wakes the owner when it sleeps.
 * Used by the {@link Outbox}, which many threads feed and one drains.
 */
final class Inbox<T> {

    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    /** The owner while it waits; taken by the one adder that wakes it. */
    private final AtomicReference<Thread> sleeper = new AtomicReference<>();

    /** Adds {@code item}, waking the owner if it waits for one (only the first adder does); never blocks. */
    void add(T item) {
        items.add(item);
        Thread waiting = sleeper.get();
        if (waiting != null && sleeper.compareAndSet(waiting, null)) {
            LockSupport.unpark(waiting);
        }
    }

    /** The next item, or null; the owner's thread only. */
    T poll() {
        return items.poll();
    }

    /**
     * The next item, waiting at most {@code timeout} for one; null if none came (or the wait was
     * cut short: by an interrupt, or spuriously). The owner's thread only.
     */
    T poll(long timeout, TimeUnit unit) {
        T item = items.poll();
        if (item != null || timeout <= 0) {
            return item;
        }
        sleeper.set(Thread.currentThread());
        try {
            item = items.poll();
            if (item == null) {
                LockSupport.parkNanos(this, unit.toNanos(timeout));
                item = items.poll();
            }
        } finally {
            sleeper.set(null);
        }
        return item;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }
}
