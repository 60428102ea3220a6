package dev.queryrelay.worker;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records held back until their transaction commits, the last one per topic and key only: a
 * transaction becomes visible as a whole, so a reader could never see the ones replaced (a
 * query's state record at {@code PENDING} and {@code RUNNING} when it also ends before the commit).
 * Used by the {@link Outbox}'s thread only.
 */
final class LatestByKey {

    private record Key(String topic, ByteBuffer key) {
    }

    private final Map<Key, Outbox.Outgoing> held = new LinkedHashMap<>();

    /** Holds {@code outgoing}, replacing the record held with its topic and key. */
    void put(Outbox.Outgoing outgoing) {
        Key key = keyOf(outgoing);
        held.remove(key);
        held.put(key, outgoing);
    }

    /** The record held with the topic and key of {@code outgoing}, no longer held; or null. */
    Outbox.Outgoing take(Outbox.Outgoing outgoing) {
        return held.isEmpty() ? null : held.remove(keyOf(outgoing));
    }

    /** Every record held, in the order they were last replaced; none is held afterwards. */
    List<Outbox.Outgoing> drain() {
        List<Outbox.Outgoing> all = new ArrayList<>(held.values());
        held.clear();
        return all;
    }

    /** Drops the records of command partitions {@code partitions}. */
    void drop(Set<Integer> partitions) {
        held.values().removeIf(outgoing -> partitions.contains(outgoing.partition()));
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    private static Key keyOf(Outbox.Outgoing outgoing) {
        byte[] key = outgoing.record().key();
        return new Key(outgoing.record().topic(), key == null ? null : ByteBuffer.wrap(key));
    }
}
