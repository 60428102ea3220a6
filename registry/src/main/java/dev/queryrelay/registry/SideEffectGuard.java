package dev.queryrelay.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asked before each warehouse side effect of a query, so that an embedding which may have lost a
 * query (a Kafka worker that stalled while its partition moved to another worker) starts and
 * cancels nothing. {@link #NONE}, the default, allows everything. Called outside every lock, from
 * registry threads; implementations must not block.
 */
public interface SideEffectGuard {

    /** Allows every side effect at once. */
    SideEffectGuard NONE = new SideEffectGuard() {
        @Override
        public CompletionStage<Boolean> mayStart(String queryId) {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public boolean mayCancel(String queryId) {
            return true;
        }
    };

    /**
     * Completes when the query may be started: {@code true} starts it, {@code false} asks again
     * after {@link EngineDefaults#GUARD_RETRY}. A stage completed exceptionally drops the start (the
     * query then stays {@code PENDING} until it is canceled or forgotten).
     */
    CompletionStage<Boolean> mayStart(String queryId);

    /**
     * Whether a cancel of the query (asked for, or by its timeout) may reach the warehouse now;
     * when {@code false} it is asked again after {@link EngineDefaults#GUARD_RETRY}.
     */
    boolean mayCancel(String queryId);

    /**
     * Whether an execution that the query does not follow may be canceled in the warehouse now (a
     * start that returned after its query ended here, an execution a previous owner left behind);
     * never asked for a query handed over to another registry. By default as {@link #mayCancel};
     * when {@code false} the execution keeps running.
     */
    default boolean mayCancelLeftover(String queryId) {
        return mayCancel(queryId);
    }
}
