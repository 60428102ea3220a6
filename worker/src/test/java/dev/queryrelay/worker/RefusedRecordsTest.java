package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A record Kafka refuses for what it is (too large) must not stall every later transaction. */
class RefusedRecordsTest {

    /** Refuses every record whose value starts with "too large", as a broker does one over max.message.bytes. */
    static final class RefusingProducer extends MockProducer<byte[], byte[]> {
        RefusingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (record.value() != null && new String(record.value(), StandardCharsets.UTF_8).startsWith("too large")) {
                RecordTooLargeException refused = new RecordTooLargeException("larger than max.message.bytes");
                commitTransactionException = new KafkaException("the transaction holds a refused record");
                callback.onCompletion(null, refused);
                return CompletableFuture.failedFuture(refused);
            }
            return super.send(record, callback);
        }

        @Override
        public synchronized void abortTransaction() {
            commitTransactionException = null;
            super.abortTransaction();
        }
    }

    private final RefusingProducer producer = new RefusingProducer();
    private final OwnershipLease lease = new OwnershipLease(Duration.ofMinutes(10), System::nanoTime);
    private final Outbox outbox = new Outbox(() -> producer, lease, Duration.ofHours(1), "test-outbox", Map.of());

    RefusedRecordsTest() {
        outbox.offsets(Map.of(new TopicPartition("submit", 0), new OffsetAndMetadata(1)), new ConsumerGroupMetadata("g"));
        outbox.start();
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>("dlq", "q".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> committedValues() {
        return producer.history().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aRefusedRecordIsReplacedByItsFallbackAndTheOthersCommit() {
        outbox.send(record("a"), 0, null);
        outbox.send(new OutboxRecord(record("too large dead letter"), 0, null, refusal -> record("dead letter without its value")));
        outbox.send(record("b"), 0, null);
        outbox.commitNow();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> committedValues().equals(List.of("a", "dead letter without its value", "b")));
        assertEquals(1, outbox.refused.dropped.get());
    }

    @Test
    void aRefusedRecordWithoutFallbackIsDroppedAndWhatWaitsForItsCommitIsReleased() {
        AtomicInteger released = new AtomicInteger();
        outbox.send(record("too large page"), 0, released::incrementAndGet);
        outbox.send(record("b"), 0, null);
        outbox.commitNow();

        await().atMost(Duration.ofSeconds(30)).until(() -> committedValues().equals(List.of("b")));
        assertEquals(1, released.get());
        assertEquals(1, outbox.refused.dropped.get());
    }
}
