package dev.queryrelay.worker;

import dev.queryrelay.registry.SideEffectGuard;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The worker's answer to "may this query be started or canceled in the warehouse now?": only a
 * query this worker owns, and only while its {@link OwnershipLease} holds. A worker that stalled
 * past its lease and resumes starts and cancels nothing until a commit proves it is still in the
 * group; by then the partitions it lost are handed over and their queries forgotten.
 */
final class OwnershipGuard implements SideEffectGuard {

    private final Ownership ownership;
    private final OwnershipLease lease;

    OwnershipGuard(Ownership ownership, OwnershipLease lease) {
        this.ownership = ownership;
        this.lease = lease;
    }

    @Override
    public CompletionStage<Boolean> mayStart(String queryId) {
        return CompletableFuture.completedFuture(mayCancel(queryId));
    }

    @Override
    public boolean mayCancel(String queryId) {
        return ownership.get(queryId) != null && lease.isValid();
    }

    /**
     * An execution no query follows (its query ended here, so its ownership ended with it) is
     * canceled while the lease holds: the registry asks only for queries it did not hand over.
     */
    @Override
    public boolean mayCancelLeftover(String queryId) {
        return lease.isValid();
    }
}
