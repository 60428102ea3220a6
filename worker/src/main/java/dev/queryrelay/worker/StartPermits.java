package dev.queryrelay.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a query may start: once the transaction holding its {@code PENDING} state record has
 * committed (so a new owner of its partition would find it), or at once for a query taken over
 * from the state topic. Granted by the publisher thread, awaited by the registry; thread-safe.
 */
final class StartPermits {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> permits = new ConcurrentHashMap<>();

    void grant(String queryId) {
        permits.computeIfAbsent(queryId, id -> new CompletableFuture<>()).complete(null);
    }

    /** Completes once the query may start; the permit is used up by the start. */
    CompletableFuture<Void> await(String queryId) {
        CompletableFuture<Void> permit = permits.computeIfAbsent(queryId, id -> new CompletableFuture<>());
        permit.whenComplete((ok, error) -> permits.remove(queryId, permit));
        return permit;
    }

    /** Forgets the permit of a query handed over or finished. */
    void revoke(String queryId) {
        CompletableFuture<Void> permit = permits.remove(queryId);
        if (permit != null) {
            permit.cancel(false);
        }
    }
}
