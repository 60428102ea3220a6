package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.WarehouseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts queries, exactly once where the provider can tell: before a start that may already have
 * happened (a retried start, and a query taken over {@code PENDING}) it asks the warehouse with
 * {@link WarehouseConnection#findStarted} and follows the execution found instead of starting
 * another. A start that returns after its deadline is adopted if its query is still starting,
 * and canceled in the warehouse if the query follows another execution or has ended.
 */
final class Starter {

    private static final Logger log = LoggerFactory.getLogger(Starter.class);

    private final WarehouseConnection connection;
    private final WarehouseCalls calls;
    private final Poller poller;
    private final Stopper stopper;
    private final SideEffectGuard guard;
    private final Scheduler scheduler;

    Starter(WarehouseConnection connection, WarehouseCalls calls, Poller poller, Stopper stopper, SideEffectGuard guard,
            Scheduler scheduler) {
        this.connection = connection;
        this.calls = calls;
        this.poller = poller;
        this.stopper = stopper;
        this.guard = guard;
        this.scheduler = scheduler;
    }

    /**
     * Starts a PENDING query once the guard allows it; {@code mayHaveStarted} for a query taken over
     * without a provider id.
     */
    void start(QueryLifecycle query, boolean mayHaveStarted) {
        allowed(query, Phase.PENDING).thenRun(() -> startNow(query, mayHaveStarted));
    }

    /**
     * For a query that ended before it was started here (taken over past its deadline, or canceled
     * first): cancels the execution a previous owner may have started for it, if the warehouse
     * knows one. The look-up is retried like any call.
     */
    void cancelLeftover(QueryLifecycle query) {
        calls.retried(attempt -> findStarted(query))
                .whenComplete((found, failure) -> {
                    if (failure != null) {
                        log.warn("query {}: looking up an execution to cancel failed: {}", query.id(), Errors.describe(failure));
                    } else if (found.isPresent()) {
                        stopper.cancelInWarehouse(query, found.get());
                    }
                });
    }

    private void startNow(QueryLifecycle query, boolean mayHaveStarted) {
        if (!query.beginStart()) {
            return;
        }
        calls.retried(attempt -> attempt == 1 ? attempt(query, mayHaveStarted)
                        : allowed(query, Phase.STARTING).thenCompose(yes -> attempt(query, true)))
                .whenComplete((providerQueryId, failure) -> {
                    try {
                        if (failure != null) {
                            query.failStart(Errors.errorOf(failure));
                        } else {
                            accept(query, providerQueryId);
                        }
                    } finally {
                        query.startReturned();
                    }
                });
    }

    /**
     * Completes once the guard allows a start of the query (asked every
     * {@link EngineDefaults#GUARD_RETRY}) while it is in {@code phase}: a start retried after a pause
     * longer than the ownership's lease must not run before the pause is noticed; fails once the
     * query left {@code phase}, or the guard failed.
     */
    private CompletableFuture<Void> allowed(QueryLifecycle query, Phase phase) {
        return GuardPermission.await(scheduler, () -> guard.mayStart(query.id()), () -> query.phase() == phase,
                () -> stoppedWhileStarting(query));
    }

    private static QueryRelayException stoppedWhileStarting(QueryLifecycle query) {
        return new QueryRelayException(ErrorType.INTERNAL, "query " + query.id() + " stopped while starting");
    }

    private CompletableFuture<String> attempt(QueryLifecycle query, boolean lookUpFirst) {
        if (query.phase() != Phase.STARTING) {
            return CompletableFuture.failedFuture(stoppedWhileStarting(query));
        }
        if (!lookUpFirst) {
            return startCall(query);
        }
        return findStarted(query)
                .thenCompose(found -> found.isPresent() ? followFound(query, found) : startCall(query));
    }

    /** One look-up of an execution started for the query since it was created. */
    private CompletableFuture<Optional<String>> findStarted(QueryLifecycle query) {
        return calls.once(CallObserver.FIND_STARTED, query.id(), () -> connection.findStarted(query.id(), query.createdAt), null);
    }

    private CompletableFuture<String> followFound(QueryLifecycle query, Optional<String> found) {
        log.info("query {} was already started as {}; following it instead of starting it again", query.id(),
                found.get());
        return CompletableFuture.completedFuture(found.get());
    }

    private CompletableFuture<String> startCall(QueryLifecycle query) {
        return calls.once(CallObserver.START, query.id(), () -> connection.start(query.request), late -> accept(query, late));
    }

    /** Follows {@code providerQueryId} if the query is still starting; else cancels it, unless it is the one followed. */
    private void accept(QueryLifecycle query, String providerQueryId) {
        if (query.started(providerQueryId)) {
            poller.follow(query);
            return;
        }
        Phase phase = query.phase();
        if (phase == Phase.HANDED_OVER) {
            log.warn("query {} was handed over while starting; {} keeps running in the warehouse", query.id(),
                    providerQueryId);
        } else if (!providerQueryId.equals(query.providerQueryId())) {
            log.info("query {} is {} ({}); canceling {} in the warehouse", query.id(), phase,
                    query.status(), providerQueryId);
            stopper.cancelInWarehouse(query, providerQueryId);
        }
    }
}
