package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryStatus;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/** Stops a query with {@code TIMEOUT} once its {@code timeout} has passed since it was first accepted. */
final class Timeouts {

    /** The longest delay a {@link Scheduler} is asked for (what nanoseconds in a {@code long} count): a timeout farther away never fires in a process. */
    static final Duration LONGEST_TIMER = Duration.ofNanos(Long.MAX_VALUE);

    private final Clock clock;
    private final Scheduler scheduler;
    private final WarehouseCalls calls;
    private final Stopper stopper;

    Timeouts(Clock clock, Scheduler scheduler, WarehouseCalls calls, Stopper stopper) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.calls = calls;
        this.stopper = stopper;
    }

    /**
     * Arms the query's timeout, if it has one; false when it has passed already (a query taken
     * over after its deadline): the query is then stopped with {@code TIMEOUT} at once, before
     * anything else looks at the warehouse, since the worker that owned it would have stopped it.
     * A deadline beyond {@link #LONGEST_TIMER} is not armed.
     */
    boolean arm(QueryLifecycle query) {
        Duration timeout = query.request.options().timeout();
        if (timeout == null) {
            return true;
        }
        Duration remaining = Duration.between(clock.instant(), query.createdAt.plus(timeout));
        ErrorInfo error = ErrorInfo.of(ErrorType.TIMEOUT, "query exceeded its timeout of " + timeout.toMillis() + " ms");
        if (remaining.isNegative() || remaining.isZero()) {
            stopper.stop(query, QueryStatus.TIMEOUT, error);
            return false;
        }
        if (remaining.compareTo(LONGEST_TIMER) > 0) {
            return true;
        }
        try {
            query.timeout(scheduler.schedule(calls.pool(), () -> stopper.stop(query, QueryStatus.TIMEOUT, error), remaining));
        } catch (RejectedExecutionException e) {
            // closing: nothing is driven any more
        }
        return true;
    }
}
