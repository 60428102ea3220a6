package dev.queryrelay.worker;

import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's record of its queries in the compacted state topic (keyed by query id, in the
 * partition numbered like the query's submit partition), as Kafka Connect keeps task status. A
 * partition's new owner reads it to take over the queries of that partition.
 *
 * <p>{@code RUNNING} (with the provider query id) and terminal states are written at once. A
 * {@code PENDING} state is only needed once the submit's offset is committed, so it is written by
 * {@link #writePending()} before each commit, and not at all when the query has moved on by then
 * (most short queries): one record fewer per query.
 */
final class StateStore {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String worker;
    private final SendFailures failures;
    private final Ownership ownership;
    private final ConcurrentHashMap<String, QuerySnapshot> unwrittenPending = new ConcurrentHashMap<>();

    StateStore(Producer<byte[], byte[]> producer, String topic, String worker, SendFailures failures, Ownership ownership) {
        this.producer = producer;
        this.topic = topic;
        this.worker = worker;
        this.failures = failures;
        this.ownership = ownership;
    }

    /** Records a transition; the last one (terminal) also ends this worker's ownership. */
    void transition(QuerySnapshot snapshot) {
        if (snapshot.status() == QueryStatus.PENDING) {
            unwrittenPending.put(snapshot.queryId(), snapshot);
            return;
        }
        unwrittenPending.remove(snapshot.queryId());
        if (snapshot.status().isTerminal()) {
            sendState(snapshot, null, ownership.release(snapshot.queryId()));
        } else {
            sendState(snapshot, null, ownership.get(snapshot.queryId()));
        }
    }

    /**
     * Writes the {@code PENDING} state of every query accepted but not started yet; called before
     * offsets are committed. A query's later state, written meanwhile, always comes after it.
     */
    void writePending() {
        for (String queryId : unwrittenPending.keySet()) {
            unwrittenPending.computeIfPresent(queryId, (id, snapshot) -> {
                sendState(snapshot, null, ownership.get(id));
                return null;
            });
        }
    }

    /** Drops the unwritten {@code PENDING} state of a query handed over (its new owner records it). */
    void dropPending(String queryId) {
        unwrittenPending.remove(queryId);
    }

    /**
     * Records that a cancel was asked for a query in flight, so a new owner cancels it too; nothing
     * once the query's terminal state is recorded (which ends the ownership first, so this record
     * never follows it).
     */
    void cancelRequested(QuerySnapshot snapshot, String reason) {
        ownership.ifOwned(snapshot.queryId(), owned -> sendState(snapshot, reason == null ? "" : reason, owned));
    }

    /** Records a cancel for a query not seen yet, in the partition its submit will come to. */
    void earlyCancel(String queryId, String reason, int partition) {
        send(queryId, partition, QueryState.cancelOnly(queryId, worker, reason));
    }

    private void sendState(QuerySnapshot snapshot, String cancelReason, Ownership.Owned owned) {
        send(snapshot.queryId(), owned == null ? null : owned.partition(),
                QueryState.of(snapshot, worker, cancelReason, owned == null ? null : owned.submitJson()));
    }

    private void send(String queryId, Integer partition, QueryState state) {
        producer.send(new ProducerRecord<>(topic, partition, queryId.getBytes(StandardCharsets.UTF_8), state.toJson()), (metadata, error) -> {
            if (error != null) {
                failures.record("state " + (state.status() == null ? "cancel" : state.status()), topic, queryId, error);
            }
        });
    }

    /** The latest state of every query of one partition, read from the beginning to the current end. */
    Map<String, QueryState> read(Consumer<String, byte[]> reader, int partition, Duration timeout) {
        TopicPartition tp = new TopicPartition(topic, partition);
        reader.assign(List.of(tp));
        reader.seekToBeginning(List.of(tp));
        long end = reader.endOffsets(List.of(tp), timeout).get(tp);
        Map<String, QueryState> states = new LinkedHashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        while (reader.position(tp, timeout) < end) {
            if (Instant.now().isAfter(deadline)) {
                log.error("reading state partition {} timed out at offset {} of {}", tp, reader.position(tp), end);
                break;
            }
            for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                if (record.value() == null) {
                    states.remove(record.key());
                    continue;
                }
                try {
                    QueryState state = QueryState.fromJson(record.value());
                    states.put(state.queryId(), merge(states.get(state.queryId()), state));
                } catch (IllegalArgumentException e) {
                    log.warn("skipping state record {}@{}: {}", tp, record.offset(), e.getMessage());
                }
            }
        }
        reader.unsubscribe();
        return states;
    }

    /** A later record wins, but a cancel asked for before stays asked for. */
    private static QueryState merge(QueryState previous, QueryState next) {
        if (previous == null) {
            return next;
        }
        if (next.isCancelOnly() && !previous.isCancelOnly()) {
            return new QueryState(previous.queryId(), previous.status(), previous.seq(), previous.createdAt(),
                    previous.startedAt(), previous.finishedAt(), previous.providerQueryId(), previous.worker(),
                    previous.submit(), next.cancelReason());
        }
        if (!next.isCancelOnly() && next.cancelReason() == null && previous.cancelReason() != null
                && !next.status().isTerminal()) {
            return new QueryState(next.queryId(), next.status(), next.seq(), next.createdAt(), next.startedAt(),
                    next.finishedAt(), next.providerQueryId(), next.worker(), next.submit(), previous.cancelReason());
        }
        return next;
    }
}
