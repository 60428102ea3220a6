package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.WarehouseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops queries (cancels and timeouts): one not started yet ends at once; a running one is
 * canceled in the warehouse and ends once that call returned. Also cancels executions no query
 * follows (a start that returned after its query ended).
 */
final class Stopper {

    private static final Logger log = LoggerFactory.getLogger(Stopper.class);

    private final WarehouseConnection connection;
    private final WarehouseCalls calls;

    Stopper(WarehouseConnection connection, WarehouseCalls calls) {
        this.connection = connection;
        this.calls = calls;
    }

    void stop(QueryLifecycle query, QueryStatus target, ErrorInfo error) {
        String providerQueryId = query.requestStop(target, error);
        if (providerQueryId == null) {
            return;
        }
        log.info("query {}: {} requested, canceling {} in the warehouse", query.id(), target, providerQueryId);
        cancelCall(providerQueryId).whenComplete((ok, failure) -> {
            ErrorInfo cancelFailure = null;
            if (failure != null) {
                cancelFailure = Errors.errorOf(failure);
                log.warn("query {}: cancel of {} in the warehouse failed: {}", query.id(), providerQueryId,
                        cancelFailure.message());
            }
            query.stopped(cancelFailure);
        });
    }

    /** Cancels an execution that no query follows; a failure is only logged. */
    void cancelInWarehouse(String providerQueryId) {
        cancelCall(providerQueryId).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("cancel of {} in the warehouse failed: {}", providerQueryId, Errors.describe(failure));
            }
        });
    }

    private java.util.concurrent.CompletableFuture<Boolean> cancelCall(String providerQueryId) {
        return calls.call("cancel " + providerQueryId, () -> {
            connection.cancel(providerQueryId);
            return Boolean.TRUE;
        });
    }
}
