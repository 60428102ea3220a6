package dev.queryrelay.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The serial hand-off of one query's events to the listeners: events are queued in order (under
 * the query's lock, which queueing never leaves) and delivered outside any lock by whichever
 * thread finds the queue idle, one at a time. So one query's events never overlap or reorder, and
 * a listener that blocks holds up only that query's later events, no lock and no other query.
 */
final class SerialEvents {

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger work = new AtomicInteger();
    private volatile Thread deliverer;

    /** Queues an event; the caller then calls {@link #deliver()} once it holds no lock. */
    void add(Runnable event) {
        queue.add(event);
    }

    /** Delivers the queued events on this thread, unless another thread is delivering them already. */
    void deliver() {
        if (work.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            deliverer = Thread.currentThread();
            for (Runnable event = queue.poll(); event != null; event = queue.poll()) {
                event.run();
            }
            deliverer = null;
            missed = work.addAndGet(-missed);
        } while (missed != 0);
    }

    /**
     * Waits (at most {@code wait}) until every event queued so far has been delivered. Not for
     * the delivering thread itself (see {@link #isDelivering()}): it would wait for itself.
     */
    boolean flush(Duration wait) {
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        add(() -> flushed.complete(null));
        deliver();
        try {
            flushed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Whether this thread is delivering this query's events (a listener calling back). */
    boolean isDelivering() {
        return deliverer == Thread.currentThread();
    }
}
