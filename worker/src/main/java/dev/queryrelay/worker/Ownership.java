package dev.queryrelay.worker;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
     * snapshot. {@code pageWindow} holds a permit per byte of result pages that may be sent and not yet committed.
     */
    record Owned(int partition, String submitJson, Semaphore pageWindow) {
        Owned(int partition, String submitJson) {
            this(partition, submitJson, new Semaphore(EventPublisher.MAX_UNCOMMITTED_PAGE_BYTES));
        }
    }

    private final ConcurrentHashMap<String, Owned> queries = new ConcurrentHashMap<>();
    /**
     * Queries whose end is queued and not committed yet, by submit partition: until it is, the
     * state topic does not know it, and a partition handed over must take them along.
     */
    private final ConcurrentHashMap<String, Integer> ending = new ConcurrentHashMap<>();

    void assign(String queryId, int partition, String submitJson) {
        queries.put(Objects.requireNonNull(queryId, "queryId"), new Owned(partition, submitJson));
    }

    Owned get(String queryId) {
        return queries.get(queryId);
    }

    /** Ends the ownership of a query, also one whose end is not committed yet; returns what was owned, or null. */
    Owned release(String queryId) {
        Owned owned = queries.remove(queryId);
        ending.remove(queryId);
        return owned;
    }

    /** The end of a query {@linkplain #release(String, Owned, Runnable) released} with it is committed. */
    void ended(String queryId) {
        ending.remove(queryId);
    }

    /**
     * Ends the ownership {@code owned} of a query with {@code last}, run as one step with the end:
     * an {@link #ifOwned} of another thread runs wholly before it, or finds the query no longer
     * owned. Nothing runs when the query is no longer owned as {@code owned}. The query stays
     * among the {@link #queriesOf} its partition until its end is committed ({@link #ended}).
     * {@code last} must not block nor call this class.
     */
    void release(String queryId, Owned owned, Runnable last) {
        Objects.requireNonNull(owned, "owned");
        Objects.requireNonNull(last, "last");
        queries.computeIfPresent(Objects.requireNonNull(queryId, "queryId"), (id, current) -> {
            if (current != owned) {
                return current;
            }
            ending.put(id, owned.partition());
            try {
                last.run();
            } catch (RuntimeException e) {
                ending.remove(id);
                throw e;
            }
            return null;
        });
    }

    /**
     * Runs {@code action} while the query is owned: a {@link #release} waits until it is done.
     * {@code action} must not block nor call this class.
     */
    void ifOwned(String queryId, Consumer<Owned> action) {
        queries.computeIfPresent(queryId, (id, owned) -> {
            action.accept(owned);
            return owned;
        });
    }

    /** The queries of a submit partition: those owned, and those whose end is not committed yet. */
    List<String> queriesOf(int partition) {
        Set<String> of = new LinkedHashSet<>();
        queries.forEach((id, owned) -> {
            if (owned.partition() == partition) {
                of.add(id);
            }
        });
        ending.forEach((id, endedIn) -> {
            if (endedIn == partition) {
                of.add(id);
            }
        });
        return List.copyOf(of);
    }
}
