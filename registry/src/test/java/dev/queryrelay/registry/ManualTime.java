package dev.queryrelay.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock and a scheduler on one time line that only moves when a test says so: tasks come due
 * as {@link #advance} passes their time, and are then handed to their executor (in due order).
 * A task scheduled with no delay is handed over at once.
 */
final class ManualTime extends Clock implements Scheduler {

    private record Task(Instant due, long order, Executor executor, Runnable command, CompletableFuture<Void> future) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> {
        int byDue = a.due().compareTo(b.due());
        return byDue != 0 ? byDue : Long.compare(a.order(), b.order());
    });
    private final AtomicLong ran = new AtomicLong();
    private final AtomicLong handedOver = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private Instant now;
    private long scheduled;

    ManualTime(Instant start) {
        this.now = start;
    }

    ManualTime() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public Future<?> schedule(Executor executor, Runnable command, Duration delay) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (delay.isNegative() || delay.isZero()) {
            run(new Task(instant(), 0, executor, command, future));
            return future;
        }
        synchronized (this) {
            tasks.add(new Task(now.plus(delay), scheduled++, executor, command, future));
        }
        return future;
    }

    /** Moves time forward by {@code step}, handing each task that comes due to its executor at its time. */
    void advance(Duration step) {
        Instant target;
        synchronized (this) {
            target = now.plus(step);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due().isAfter(target)) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.due();
            }
            run(next);
        }
    }

    /** The delays from now of the tasks still to come, soonest first, cancelled ones left out. */
    synchronized List<Duration> pendingDelays() {
        List<Duration> delays = new ArrayList<>();
        tasks.stream().filter(t -> !t.future().isCancelled()).sorted(tasks.comparator())
                .forEach(t -> delays.add(Duration.between(now, t.due())));
        return delays;
    }

    /** How many scheduled commands have run to their end. */
    long ran() {
        return ran.get();
    }

    /** Whether every command that came due so far has run to its end. */
    boolean allDueRan() {
        return ended.get() == handedOver.get();
    }

    private void run(Task task) {
        if (task.future().isCancelled()) {
            return;
        }
        handedOver.incrementAndGet();
        try {
            task.executor().execute(() -> {
                try {
                    if (!task.future().isCancelled()) {
                        task.command().run();
                        task.future().complete(null);
                        ran.incrementAndGet();
                    }
                } finally {
                    ended.incrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            handedOver.decrementAndGet(); // the registry is closing
        }
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
