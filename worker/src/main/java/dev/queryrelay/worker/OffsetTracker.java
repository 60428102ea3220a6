package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The next offset to commit of every command partition this worker owns: the position at
 * assignment, then past each record handled. Every transaction commits all of them, so that each
 * commit carries the group's fencing check even when nothing new was read. Consumer thread only.
 */
final class OffsetTracker {

    private final Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    private boolean changed;

    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            next.put(partition, new OffsetAndMetadata(consumer.position(partition)));
        }
        changed = true;
    }

    void processed(ConsumerRecord<?, ?> record) {
        next.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        changed = true;
    }

    void drop(Collection<TopicPartition> partitions) {
        next.keySet().removeAll(partitions);
        changed = true;
    }

    /** The offsets, if they changed since the last call; else null. */
    Map<TopicPartition, OffsetAndMetadata> takeChanged() {
        if (!changed) {
            return null;
        }
        changed = false;
        return Map.copyOf(next);
    }

    Map<TopicPartition, OffsetAndMetadata> all() {
        return Map.copyOf(next);
    }
}
