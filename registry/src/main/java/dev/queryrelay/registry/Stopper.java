package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.WarehouseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Stops queries (cancels and timeouts): one not started yet ends at once; a running one is
 * canceled in the warehouse and ends once that call returned. Also cancels executions no query
 * follows (a start that returned after its query ended).
 */
final class Stopper {

    private static final Logger log = LoggerFactory.getLogger(Stopper.class);

    private final WarehouseConnection connection;
    private final WarehouseCalls calls;
    private final SideEffectGuard guard;
    private final Scheduler scheduler;

    Stopper(WarehouseConnection connection, WarehouseCalls calls, SideEffectGuard guard, Scheduler scheduler) {
        this.connection = connection;
        this.calls = calls;
        this.guard = guard;
        this.scheduler = scheduler;
    }

    void stop(QueryLifecycle query, QueryStatus target, ErrorInfo error) {
        String providerQueryId = query.requestStop(target, error);
        if (providerQueryId == null) {
            return;
        }
        log.debug("query {}: {} requested, canceling {} in the warehouse", query.id(), target, providerQueryId);
        cancelWhenAllowed(query, providerQueryId);
    }

    /** Cancels in the warehouse once the guard allows it, unless the query was handed over meanwhile. */
    private void cancelWhenAllowed(QueryLifecycle query, String providerQueryId) {
        allowed(query).thenRun(() -> cancel(query, providerQueryId));
    }

    private void cancel(QueryLifecycle query, String providerQueryId) {
        cancelCall(providerQueryId, () -> allowed(query)).whenComplete((ok, failure) -> {
            ErrorInfo cancelFailure = null;
            if (failure != null) {
                cancelFailure = Errors.errorOf(failure);
                log.warn("query {}: cancel of {} in the warehouse failed: {}", query.id(), providerQueryId,
                        cancelFailure.message());
            }
            query.stopped(cancelFailure);
        });
    }

    /** Cancels an execution that {@code query} does not follow, if the guard allows it; a failure is only logged. */
    void cancelInWarehouse(QueryLifecycle query, String providerQueryId) {
        if (!guard.mayCancelLeftover(query.id())) {
            log.warn("query {}: {} keeps running in the warehouse: this registry may no longer own the query",
                    query.id(), providerQueryId);
            return;
        }
        cancelCall(providerQueryId, () -> leftoverAllowed(query)).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("cancel of {} in the warehouse failed: {}", providerQueryId, Errors.describe(failure));
            }
        });
    }

    /** Whether a leftover's cancel may be attempted again now; a refusal ends its retries. */
    private CompletableFuture<Void> leftoverAllowed(QueryLifecycle query) {
        return guard.mayCancelLeftover(query.id()) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new QueryRelayException(ErrorType.INTERNAL,
                        "the guard no longer allows it: this registry may no longer own query " + query.id()));
    }

    /**
     * The warehouse cancel, retried like any call; every attempt after the first (whose guard the
     * caller asked) waits for {@code allowed} first: a retry after a pause longer than the
     * ownership's lease must not reach the warehouse before the pause is noticed.
     */
    private CompletableFuture<Boolean> cancelCall(String providerQueryId, Supplier<CompletableFuture<Void>> allowed) {
        return calls.retried(attempt -> attempt == 1 ? cancelOnce(providerQueryId)
                : allowed.get().thenCompose(yes -> cancelOnce(providerQueryId)));
    }

    private CompletableFuture<Boolean> cancelOnce(String providerQueryId) {
        return calls.once(CallObserver.CANCEL, providerQueryId, () -> {
            connection.cancel(providerQueryId);
            return Boolean.TRUE;
        }, null);
    }

    /** Completes once the guard allows a cancel of the query (asked every {@link EngineDefaults#GUARD_RETRY}); fails once it stops stopping. */
    private CompletableFuture<Void> allowed(QueryLifecycle query) {
        return GuardPermission.await(scheduler, () -> {
            boolean yes = guard.mayCancel(query.id());
            if (!yes) {
                log.debug("query {}: its cancel waits for the guard", query.id());
            }
            return CompletableFuture.completedFuture(yes);
        }, () -> query.phase() == Phase.STOPPING, () -> new QueryRelayException(ErrorType.INTERNAL,
                "query " + query.id() + " is no longer stopping"));
    }
}
