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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An {@link Outbox} on a MockProducer that owns partition 0 to 3 of a submit topic, for unit tests. */
final class TestOutbox implements AutoCloseable {

    final GatedProducer producer = new GatedProducer();
    final OwnershipLease lease = new OwnershipLease(Duration.ofMinutes(10), System::nanoTime);
    final Outbox outbox = new Outbox(() -> producer, lease, Duration.ofHours(1), "test-outbox", Map.of());

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

    /** Commits block until {@link #releaseCommits()}: what waits for a commit keeps waiting. */
    void holdCommits() {
        producer.gate = new CountDownLatch(1);
    }

    void releaseCommits() {
        producer.gate.countDown();
    }

    @Override
    public void close() {
        producer.gate.countDown();
        outbox.close();
    }

    /** A MockProducer whose commits can be held, as a slow broker would. */
    static final class GatedProducer extends MockProducer<byte[], byte[]> {
        volatile CountDownLatch gate = new CountDownLatch(0);

        GatedProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void commitTransaction() {
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("commits held for a minute");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            super.commitTransaction();
        }
    }
}
