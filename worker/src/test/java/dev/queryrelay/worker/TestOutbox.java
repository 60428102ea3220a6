package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An {@link Outbox} on a MockProducer that owns partition 0 to 3 of a submit topic, for unit tests. */
final class TestOutbox implements AutoCloseable {

    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final OwnershipLease lease = new OwnershipLease(Duration.ofMinutes(10), System::nanoTime);
    final Outbox outbox = new Outbox(() -> producer, lease, Duration.ofHours(1), new SendFailures(), "test-outbox");

    TestOutbox() {
        outbox.offsets(Map.of(new TopicPartition("submit", 0), new OffsetAndMetadata(0),
                new TopicPartition("submit", 1), new OffsetAndMetadata(0),
                new TopicPartition("submit", 2), new OffsetAndMetadata(0),
                new TopicPartition("submit", 3), new OffsetAndMetadata(0)), new ConsumerGroupMetadata("g"));
        outbox.start();
    }

    /** Commits what was sent and returns every committed record so far. */
    List<ProducerRecord<byte[], byte[]>> commit() {
        try {
            if (!outbox.commitNow().get(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the commit failed");
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return producer.history();
    }

    @Override
    public void close() {
        outbox.close();
    }
}
