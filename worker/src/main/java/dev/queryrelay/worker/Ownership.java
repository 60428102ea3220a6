package dev.queryrelay.worker;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The queries this worker drives: which submit partition each came from (its state records go to
 * that partition) and its submit command as JSON, serialized once for all its state records.
 */
final class Ownership {

    /**
     * An owned query; {@code submitJson} is null for a query whose command is rebuilt from its
     * snapshot. {@code pageWindow} holds a permit per page that may be sent and not yet committed.
     */
    record Owned(int partition, String submitJson, Semaphore pageWindow) {
        Owned(int partition, String submitJson) {
            this(partition, submitJson, new Semaphore(EventPublisher.MAX_UNCOMMITTED_PAGES));
        }
    }

    private final ConcurrentHashMap<String, Owned> queries = new ConcurrentHashMap<>();

    void assign(String queryId, int partition, String submitJson) {
        queries.put(Objects.requireNonNull(queryId, "queryId"), new Owned(partition, submitJson));
    }

    Owned get(String queryId) {
        return queries.get(queryId);
    }

    /** Ends the ownership of a query; returns what was owned, or null. */
    Owned release(String queryId) {
        return queries.remove(queryId);
    }

    /**
     * Ends the ownership {@code owned} of a query with {@code last}, run as one step with the end:
     * an {@link #ifOwned} of another thread runs wholly before it, or finds the query no longer
     * owned. Nothing runs when the query is no longer owned as {@code owned}.
     */
    void release(String queryId, Owned owned, Runnable last) {
        queries.computeIfPresent(queryId, (id, current) -> {
            if (current != owned) {
                return current;
            }
            last.run();
            return null;
        });
    }

    /** Runs {@code action} while the query is owned: a {@link #release} waits until it is done. */
    void ifOwned(String queryId, Consumer<Owned> action) {
        queries.computeIfPresent(queryId, (id, owned) -> {
            action.accept(owned);
            return owned;
        });
    }

    List<String> queriesOf(int partition) {
        return queries.entrySet().stream().filter(e -> e.getValue().partition() == partition).map(e -> e.getKey()).toList();
    }
}
