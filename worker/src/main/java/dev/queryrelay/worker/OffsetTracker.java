package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The next offset to commit of each partition, from the records handled since the last commit. Consumer thread only. */
final class OffsetTracker {

    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();

    void processed(ConsumerRecord<?, ?> record) {
        processed.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    }

    boolean isEmpty() {
        return processed.isEmpty();
    }

    /** The offsets to commit, forgotten here. */
    Map<TopicPartition, OffsetAndMetadata> drain() {
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(processed);
        processed.clear();
        return offsets;
    }

    void clear() {
        processed.clear();
    }

    void drop(Collection<TopicPartition> partitions) {
        processed.keySet().removeAll(partitions);
    }
}
