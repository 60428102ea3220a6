package dev.queryrelay.worker;

import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.registry.QueryListener;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Publishes every transition of the queries this worker owns to the status topic, with its state
 * record, and every page to the results topic, keyed by query id, through the {@link Outbox}: a
 * query's events and pages are queued in the order the registry reports them, so its pages always
 * precede its {@code SUCCEEDED} event, and a transaction makes them visible together. Events of a
 * query this worker no longer owns (handed over) are dropped: its new owner reports it.
 */
final class EventPublisher implements QueryListener {

    /**
     * Bytes of one query's result pages sent and not yet committed, at most (a page larger than this
     * counts as this much): a large result streams at the broker's pace, and each commit carries many pages.
     */
    static final int MAX_UNCOMMITTED_PAGE_BYTES = 4 * 1024 * 1024;
    /**
     * The longest wait for a page's turn; when the broker is slower than this the stream goes on a
     * page per wait instead. The wait holds only this query's later events.
     */
    static final Duration MAX_PAGE_WAIT = Duration.ofSeconds(1);

    private final Outbox outbox;
    private final EventCodec codec;
    private final String statusTopic;
    private final String resultsTopic;
    private final StateStore state;
    private final Ownership ownership;
    private final Duration maxPageWait;

    EventPublisher(Outbox outbox, EventCodec codec, String statusTopic, String resultsTopic, StateStore state,
                   Ownership ownership, Duration maxPageWait) {
        this.outbox = outbox;
        this.codec = codec;
        this.statusTopic = statusTopic;
        this.resultsTopic = resultsTopic;
        this.state = state;
        this.ownership = ownership;
        this.maxPageWait = maxPageWait;
    }

    @Override
    public void onTransition(QuerySnapshot snapshot) {
        Ownership.Owned owned = ownership.get(snapshot.queryId());
        if (owned == null) {
            return;
        }
        state.transition(new OutboxRecord(keyed(statusTopic, snapshot.queryId(), codec.status(snapshot)),
                owned.partition(), snapshot.status().isTerminal() ? Outbox.AWAITED : null), snapshot, owned);
    }

    @Override
    public void onPage(QueryPage page) {
        Ownership.Owned owned = ownership.get(page.queryId());
        if (owned == null) {
            return;
        }
        Semaphore window = owned.pageWindow();
        byte[] value = codec.page(page);
        int bytes = Math.min(value.length, MAX_UNCOMMITTED_PAGE_BYTES);
        boolean permit = awaitPermit(window, bytes);
        outbox.send(keyed(resultsTopic, page.queryId(), value), owned.partition(),
                permit ? () -> window.release(bytes) : null);
    }

    /** Publishes a record that belongs to command partition {@code partition} (a rejection). */
    void send(ProducerRecord<byte[], byte[]> record, int partition) {
        outbox.send(record, partition, null);
    }

    /** Publishes a dead letter of command partition {@code partition}, or the same {@linkplain DeadLetters#withoutValue without its value} if Kafka refuses it. */
    void sendDeadLetter(ProducerRecord<byte[], byte[]> deadLetter, int partition) {
        outbox.send(new OutboxRecord(deadLetter, partition, null, refusal -> DeadLetters.withoutValue(deadLetter, refusal)));
    }

    private boolean awaitPermit(Semaphore window, int bytes) {
        try {
            return window.tryAcquire(bytes, maxPageWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A record keyed by a query id (as UTF-8). */
    static ProducerRecord<byte[], byte[]> keyed(String topic, String queryId, byte[] value) {
        return new ProducerRecord<>(topic, queryId.getBytes(UTF_8), value);
    }
}
