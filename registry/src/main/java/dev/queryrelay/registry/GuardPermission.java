package dev.queryrelay.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A wait for a {@link SideEffectGuard}'s permission: the guard is asked, and asked again every
 * {@link EngineDefaults#GUARD_RETRY} while it refuses; the wait fails as soon as the guard fails or
 * the query no longer wants the side effect (it moved on meanwhile).
 */
final class GuardPermission {

    private GuardPermission() {
    }

    /**
     * Completes once {@code ask} answers {@code true} while {@code wanted} holds; fails with the
     * guard's failure, or with {@code unwanted} once {@code wanted} no longer holds after an answer.
     */
    static CompletableFuture<Void> await(Scheduler scheduler, Supplier<CompletionStage<Boolean>> ask,
                                         BooleanSupplier wanted, Supplier<RuntimeException> unwanted) {
        CompletableFuture<Void> allowed = new CompletableFuture<>();
        askAgain(scheduler, ask, wanted, unwanted, allowed);
        return allowed;
    }

    private static void askAgain(Scheduler scheduler, Supplier<CompletionStage<Boolean>> ask, BooleanSupplier wanted,
                                 Supplier<RuntimeException> unwanted, CompletableFuture<Void> allowed) {
        ask.get().whenComplete((yes, failure) -> {
            if (failure != null) {
                allowed.completeExceptionally(failure);
            } else if (!wanted.getAsBoolean()) {
                allowed.completeExceptionally(unwanted.get());
            } else if (Boolean.TRUE.equals(yes)) {
                allowed.complete(null);
            } else {
                scheduler.schedule(Runnable::run, () -> askAgain(scheduler, ask, wanted, unwanted, allowed),
                        EngineDefaults.GUARD_RETRY);
            }
        });
    }
}
