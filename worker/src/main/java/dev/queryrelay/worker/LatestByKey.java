package dev.queryrelay.worker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records held back until their transaction commits, the last one per topic and key only: a
 * transaction becomes visible as a whole, so a reader could never see the ones replaced (a
 * query's state record at {@code PENDING} and {@code RUNNING} when it also ends before the commit).
 * A held record's value is encoded only when it is written. Used by the {@link Outbox}'s thread only.
 */
final class LatestByKey {

    private record Key(String topic, String key) {
        @Override
        public int hashCode() {
            return 31 * topic.hashCode() + key.hashCode();
        }
    }

    /** In the order of the last put per key (access order: a put of a key held moves it last). */
    private final Map<Key, LatestRecord> held = new LinkedHashMap<>(16, 0.75f, true);
    /** Every topic a record was ever held for (one or two): a record of another topic never replaces one. */
    private final List<String> topics = new ArrayList<>(1);

    /** Holds {@code record}, replacing the record held with its topic and key. */
    void put(LatestRecord record) {
        if (!isHeldTopic(record.topic())) {
            topics.add(record.topic());
        }
        held.put(new Key(record.topic(), record.key()), record);
    }

    /** The record held with the topic and key of {@code outgoing}, no longer held; or null. */
    LatestRecord take(OutboxRecord outgoing) {
        String topic = outgoing.record().topic();
        byte[] key = outgoing.record().key();
        if (held.isEmpty() || key == null || !isHeldTopic(topic)) {
            return null;
        }
        return held.remove(new Key(topic, new String(key, StandardCharsets.UTF_8)));
    }

    /** Every record held, in the order they were last replaced; none is held afterwards. */
    List<LatestRecord> drain() {
        List<LatestRecord> all = new ArrayList<>(held.values());
        held.clear();
        return all;
    }

    /** Drops the records of command partitions {@code partitions}. */
    void drop(Set<Integer> partitions) {
        held.values().removeIf(record -> partitions.contains(record.partition()));
    }

    private boolean isHeldTopic(String topic) {
        for (String held : topics) {
            if (held.equals(topic)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return held.isEmpty();
    }
}
