package dev.queryrelay.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnershipGuardTest {

    private final AtomicLong nanos = new AtomicLong();
    private final OwnershipLease lease = new OwnershipLease(Duration.ofSeconds(10), nanos::get);
    private final Ownership ownership = new Ownership();
    private final OwnershipGuard guard = new OwnershipGuard(ownership, lease);

    @Test
    void aQueryIsStartedAndCanceledOnlyWhileOwnedAndWithinTheLease() {
        lease.renew(nanos.get());
        ownership.assign("q1", 0, null);
        assertTrue(guard.mayCancel("q1"));
        assertTrue(guard.mayStart("q1").toCompletableFuture().join());
        assertFalse(guard.mayCancel("q2"), "not owned");

        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertFalse(guard.mayCancel("q1"), "the lease ran out");
        assertFalse(guard.mayStart("q1").toCompletableFuture().join());
    }

    @Test
    void anExecutionLeftBehindByAQueryThatEndedHereIsCanceledWithinTheLease() {
        lease.renew(nanos.get());
        ownership.assign("q1", 0, null);
        ownership.release("q1", ownership.get("q1"), () -> { });
        assertFalse(guard.mayCancel("q1"), "its ownership ended with it");
        assertTrue(guard.mayCancelLeftover("q1"), "the start that returned after its end is canceled");

        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertFalse(guard.mayCancelLeftover("q1"), "a worker past its lease cancels nothing");
    }
}
