package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;

/**
 * Follows running queries: asks the warehouse for each one's status, first at once, then after its
 * {@code poll_interval} and at intervals growing by a factor up to a cap (the registry's, or the
 * query's {@code poll_interval} when that is longer), fails a query the
 * warehouse keeps reporting as unknown beyond a limit, and hands a finished one to the
 * {@link ResultStreamer}. Each poll schedules the next; none blocks the scheduler.
 */
final class Poller {

    private final WarehouseConnection connection;
    private final WarehouseCalls calls;
    private final Scheduler scheduler;
    private final Clock clock;
    private final ResultStreamer streamer;
    private final double backoffMultiplier;
    private final Duration maxInterval;
    private final Duration unknownLimit;

    Poller(WarehouseConnection connection, WarehouseCalls calls, Scheduler scheduler, Clock clock,
           ResultStreamer streamer, double backoffMultiplier, Duration maxInterval, Duration unknownLimit) {
        this.connection = connection;
        this.calls = calls;
        this.scheduler = scheduler;
        this.clock = clock;
        this.streamer = streamer;
        this.backoffMultiplier = backoffMultiplier;
        this.maxInterval = maxInterval;
        this.unknownLimit = unknownLimit;
    }

    /** Starts following a running query: its first poll is now. */
    void follow(QueryLifecycle query) {
        new Follow(query).poll();
    }

    /** The polls of one query; one at a time, each scheduled by the previous one. */
    private final class Follow {
        private final QueryLifecycle query;
        private final long capMillis;
        private long nextDelayMillis;
        private Instant unknownSince;

        Follow(QueryLifecycle query) {
            this.query = query;
            this.nextDelayMillis = query.request.options().pollInterval().toMillis();
            this.capMillis = Math.max(maxInterval.toMillis(), nextDelayMillis);
        }

        /** Polls after {@code delay}, on the scheduler's thread: a poll only hands a status call to the pool. */
        void schedule(Duration delay) {
            try {
                scheduler.schedule(Runnable::run, this::poll, delay);
            } catch (RejectedExecutionException e) {
                // closing: nothing is driven any more
            }
        }

        void scheduleNext() {
            long delay = nextDelayMillis;
            nextDelayMillis = Math.min(capMillis, Math.max(delay + 1, (long) (delay * backoffMultiplier)));
            schedule(Duration.ofMillis(delay));
        }

        /** Hands a status call to the warehouse pool; never blocks. */
        void poll() {
            if (query.phase() != Phase.RUNNING) {
                return;
            }
            String providerQueryId = query.providerQueryId();
            calls.call(CallObserver.STATUS, providerQueryId, () -> connection.status(providerQueryId))
                    .whenComplete((status, failure) -> {
                        if (failure != null) {
                            query.fail(Errors.errorOf(failure));
                        } else {
                            onStatus(status);
                        }
                    });
        }

        private void onStatus(WarehouseStatus status) {
            switch (status.state()) {
                case RUNNING -> {
                    unknownSince = null;
                    scheduleNext();
                }
                case UNKNOWN -> {
                    Instant now = clock.instant();
                    if (unknownSince == null) {
                        unknownSince = now;
                    }
                    if (Duration.between(unknownSince, now).compareTo(unknownLimit) >= 0) {
                        query.fail(ErrorInfo.of(ErrorType.NOT_FOUND, "the warehouse has reported query "
                                + query.providerQueryId() + " as unknown for " + unknownLimit.toMillis() + " ms"));
                    } else {
                        scheduleNext();
                    }
                }
                case FAILED -> query.fail(status.error());
                case SUCCEEDED -> streamer.stream(query);
            }
        }
    }
}
