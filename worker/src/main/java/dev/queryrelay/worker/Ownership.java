package dev.queryrelay.worker;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queries this worker drives: which submit partition each came from (its state records go to
 * that partition) and its submit command as JSON, serialized once for all its state records.
 */
final class Ownership {

    /** An owned query; {@code submitJson} is null for a query whose command is rebuilt from its snapshot. */
    record Owned(int partition, String submitJson) {
    }

    private final ConcurrentHashMap<String, Owned> queries = new ConcurrentHashMap<>();

    void assign(String queryId, int partition, String submitJson) {
        queries.put(Objects.requireNonNull(queryId, "queryId"), new Owned(partition, submitJson));
    }

    Owned get(String queryId) {
        return queries.get(queryId);
    }

    void release(String queryId) {
        queries.remove(queryId);
    }

    List<String> queriesOf(int partition) {
        return queries.entrySet().stream().filter(e -> e.getValue().partition() == partition).map(e -> e.getKey()).toList();
    }
}
