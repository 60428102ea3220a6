package dev.queryrelay.worker;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Objects;
import java.util.function.Function;

/**
 * A record for the {@link Outbox} to publish. {@code partition} is the number of the command
 * partition the record belongs to (-1: none); {@code onCommit} runs on the outbox's thread once its
 * transaction committed; {@code fallback} (may be null) gives what is published instead if Kafka
 * refuses the record for what it is, given Kafka's error (see {@link RefusedRecords}).
 */
record OutboxRecord(ProducerRecord<byte[], byte[]> record, int partition, Runnable onCommit,
                    Function<Exception, ProducerRecord<byte[], byte[]>> fallback) implements OutboxItem {
    OutboxRecord {
        Objects.requireNonNull(record, "record");
    }

    OutboxRecord(ProducerRecord<byte[], byte[]> record, int partition, Runnable onCommit) {
        this(record, partition, onCommit, null);
    }
}
