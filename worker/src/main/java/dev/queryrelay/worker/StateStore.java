package dev.queryrelay.worker;

import dev.queryrelay.api.QuerySnapshot;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The worker's record of its queries in the compacted state topic (keyed by query id, in the
 * partition numbered like the query's submit partition), as Kafka Connect keeps task status. A
 * partition's new owner reads it to take over the queries of that partition. A query's state is
 * recorded in the same transaction as the offsets of the commands that caused it, its last state
 * only when several transitions fall into one transaction (a reader sees that transaction whole).
 */
final class StateStore {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    private final Outbox outbox;
    private final String topic;
    private final String worker;
    private final Ownership ownership;

    StateStore(Outbox outbox, String topic, String worker, Ownership ownership) {
        this.outbox = outbox;
        this.topic = topic;
        this.worker = worker;
        this.ownership = ownership;
    }

    /**
     * Records a transition of an owned query (only its last one per transaction is written); the
     * last one (terminal) also ends this worker's ownership, and is not written once that ended.
     */
    void transition(QuerySnapshot snapshot, Ownership.Owned owned) {
        transition(null, snapshot, owned);
    }

    /** As {@link #transition(QuerySnapshot, Ownership.Owned)}, queued together with {@code event} (null: none), which goes first. */
    void transition(OutboxRecord event, QuerySnapshot snapshot, Ownership.Owned owned) {
        QueryState state = QueryState.of(snapshot, worker, null, owned.submitJson());
        boolean last = snapshot.status().isTerminal();
        // a query's last state is always written: encoded here, off the outbox's thread; an earlier
        // one only when no later one replaces it before the commit, so there, and only then
        byte[] json = last ? state.toJson() : null;
        Supplier<byte[]> value = last ? () -> json : state::toJson;
        String queryId = snapshot.queryId();
        LatestRecord record = new LatestRecord(topic, owned.partition(), queryId, owned.partition(), value,
                last ? () -> ownership.ended(queryId) : null);
        Runnable queue = event == null ? () -> outbox.sendLatest(record) : () -> outbox.send(event, record);
        if (last) {
            // queued as the ownership ends, in one step: a cancel's record comes wholly before it or not at all
            ownership.release(queryId, owned, queue);
        } else {
            queue.run();
        }
    }

    /**
     * Records that a cancel was asked for a query in flight, so a new owner cancels it too; nothing
     * once the query's terminal state is recorded (which ends the ownership in the same step, so
     * this record never follows it, whatever {@code snapshot} says).
     */
    void cancelRequested(QuerySnapshot snapshot, String reason) {
        ownership.ifOwned(snapshot.queryId(), owned -> send(snapshot.queryId(), owned.partition(),
                QueryState.of(snapshot, worker, reason == null ? "" : reason, owned.submitJson()), null));
    }

    /** Records a cancel for a query not seen yet, in the partition its submit will come to. */
    void earlyCancel(String queryId, String reason, int partition) {
        send(queryId, partition, QueryState.cancelOnly(queryId, worker, reason), null);
    }

    private void send(String queryId, int partition, QueryState state, Runnable onCommit) {
        outbox.send(new ProducerRecord<>(topic, partition, queryId.getBytes(StandardCharsets.UTF_8), state.toJson()),
                partition, onCommit);
    }

    /**
     * The latest committed state of every query of one partition, read from the beginning to the
     * current end; a {@link TimeoutException} when that end is not reached within {@code timeout}
     * (never a part of it: a query whose state was not read would be lost).
     */
    Map<String, QueryState> read(Consumer<String, byte[]> reader, int partition, Duration timeout) {
        TopicPartition tp = new TopicPartition(topic, partition);
        reader.assign(List.of(tp));
        reader.seekToBeginning(List.of(tp));
        long end = reader.endOffsets(List.of(tp), timeout).get(tp);
        Map<String, QueryState> states = new LinkedHashMap<>();
        Instant deadline = Instant.now().plus(timeout);
        while (reader.position(tp, timeout) < end) {
            if (Instant.now().isAfter(deadline)) {
                long at = reader.position(tp);
                reader.unsubscribe();
                throw new TimeoutException("state partition " + tp + " read to offset " + at + " of " + end
                        + " within " + timeout.toMillis() + " ms");
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
