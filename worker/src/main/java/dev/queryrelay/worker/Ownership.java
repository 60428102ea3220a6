package dev.queryrelay.worker;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Which submit partition each query in flight came from: its state records go to that partition. */
final class Ownership {

    private final ConcurrentHashMap<String, Integer> partitions = new ConcurrentHashMap<>();

    void assign(String queryId, int partition) {
        partitions.put(queryId, partition);
    }

    Integer partitionOf(String queryId) {
        return partitions.get(queryId);
    }

    void release(String queryId) {
        partitions.remove(queryId);
    }

    List<String> queriesOf(int partition) {
        return partitions.entrySet().stream().filter(e -> e.getValue() == partition).map(e -> e.getKey()).toList();
    }
}
