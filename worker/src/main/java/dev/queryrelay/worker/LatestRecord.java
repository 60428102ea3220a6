package dev.queryrelay.worker;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A record for the {@link Outbox} of which only the last one per topic and key is sent, when its
 * transaction commits: to {@code topic}'s partition {@code kafkaPartition}, keyed by {@code key} as
 * UTF-8, its value encoded by {@code value} then; {@code partition} and {@code onCommit} (null:
 * none) as in {@link OutboxRecord}.
 */
record LatestRecord(String topic, int kafkaPartition, String key, int partition, Supplier<byte[]> value,
                    Runnable onCommit) implements OutboxItem {
    LatestRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    OutboxRecord encode() {
        return new OutboxRecord(new ProducerRecord<>(topic, kafkaPartition, key.getBytes(StandardCharsets.UTF_8),
                value.get()), partition, onCommit);
    }
}
