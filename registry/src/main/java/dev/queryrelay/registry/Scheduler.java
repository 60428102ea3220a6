package dev.queryrelay.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: the registry's only source of waiting, injected together with its
 * {@link java.time.Clock} so that tests drive time instead of sleeping (Caffeine's
 * {@code Scheduler} and {@code Ticker} are the model). Delays are measured on the same time line
 * as the clock: a test's scheduler advances the clock and runs what has come due.
 *
 * <p>The scheduler only hands {@code command} to {@code executor} when the delay has passed; the
 * registry gives its warehouse pool as the executor for real work and runs only short,
 * non-blocking bookkeeping on the scheduler's own thread (a direct executor): a poll handing its
 * status call to the pool, a warehouse call expiring at its deadline.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Hands {@code command} to {@code executor} once {@code delay} has passed (at once for a zero
     * or negative delay). Cancelling the returned future before then drops the command. The registry
     * never asks for a delay longer than {@code Long.MAX_VALUE} nanoseconds (about 292 years).
     *
     * @throws RejectedExecutionException if the scheduler is shut down
     */
    Future<?> schedule(Executor executor, Runnable command, Duration delay);

    /** A scheduler on a {@link ScheduledExecutorService}, which keeps its own time (the system's). */
    static Scheduler of(ScheduledExecutorService service) {
        Objects.requireNonNull(service, "service");
        return (executor, command, delay) -> service.schedule(() -> {
            try {
                executor.execute(command);
            } catch (RejectedExecutionException e) {
                // the executor was shut down: the registry is closing and drops its tasks
            }
        }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }
}
