package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One of the {@link Outbox}'s transactional producers (each with a {@code transactional.id} of its
 * own) and the records sent in its transaction: while one slot's transaction commits, the other's
 * fills. Used by the outbox's thread, and by its committer thread while the slot commits, never by
 * both at once (the hand-over is through the commit's future).
 */
final class TransactionSlot {

    private static final Logger log = LoggerFactory.getLogger(TransactionSlot.class);

    private final int index;
    private final IntFunction<Producer<byte[], byte[]>> producers;
    private Producer<byte[], byte[]> producer;
    private boolean inTransaction;
    /** What was sent in the open transaction, in order, or waits to be sent again after an abort. */
    final List<Outbox.Outgoing> records = new ArrayList<>();

    TransactionSlot(int index, IntFunction<Producer<byte[], byte[]>> producers) {
        this.index = index;
        this.producers = producers;
        this.producer = newProducer();
    }

    boolean inTransaction() {
        return inTransaction;
    }

    void send(Outbox.Outgoing outgoing, Callback callback) {
        begin();
        producer.send(outgoing.record(), callback);
    }

    /** Waits until every record sent so far is written (so the other slot's later records follow them). */
    void flush() {
        producer.flush();
    }

    /** Commits the open transaction (or an empty one) with {@code offsets}, fenced by {@code group}. */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        begin();
        producer.sendOffsetsToTransaction(offsets, group);
        producer.commitTransaction();
        inTransaction = false;
    }

    /** Aborts the open transaction; a producer that cannot abort is replaced. Keeps {@link #records}. */
    void abort() {
        if (!inTransaction) {
            return;
        }
        try {
            producer.abortTransaction();
            inTransaction = false;
        } catch (KafkaException | IllegalStateException e) {
            replace(e);
        }
    }

    /** Closes the producer at once (its open transaction is aborted by the broker) and starts a new one. */
    void replace(Exception cause) {
        log.warn("replacing transactional producer {} after {}", index, cause.toString());
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing the old producer failed: {}", e.toString());
        }
        inTransaction = false;
        producer = newProducer();
    }

    void close(Duration timeout) {
        producer.close(timeout);
    }

    private void begin() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    private Producer<byte[], byte[]> newProducer() {
        Producer<byte[], byte[]> created = producers.apply(index);
        created.initTransactions();
        return created;
    }
}
