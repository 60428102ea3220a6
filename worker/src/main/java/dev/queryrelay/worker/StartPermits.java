package dev.queryrelay.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a query may start: once the transaction holding its {@code PENDING} state record has
 * committed (so a new owner of its partition would find it), or at once for a query taken over
 * from the state topic. Granted by the publisher thread, awaited by the registry, revoked when
 * the query ends or is handed over; thread-safe.
 */
final class StartPermits {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> permits = new ConcurrentHashMap<>();

    void grant(String queryId) {
        permit(queryId).complete(null);
    }

    /** Completes once the query may start; fails if its permit is revoked first. */
    CompletableFuture<Void> await(String queryId) {
        return permit(queryId);
    }

    /** Forgets the permit of a query that ended or was handed over. */
    void revoke(String queryId) {
        CompletableFuture<Void> permit = permits.remove(queryId);
        if (permit != null) {
            permit.cancel(false);
        }
    }

    private CompletableFuture<Void> permit(String queryId) {
        return permits.computeIfAbsent(queryId, id -> new CompletableFuture<>());
    }
}
