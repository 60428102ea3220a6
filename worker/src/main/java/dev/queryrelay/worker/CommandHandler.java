package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.protocol.CancelCommand;
import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.protocol.SubmitCommand;
import dev.queryrelay.registry.QueryRegistry;
import dev.queryrelay.registry.RestorePoint;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one command record does: a submit is parsed and handed to the registry (once per query
 * id), a cancel reaches its query or is remembered for a submit still to come, and a record that
 * cannot be read goes to the dead-letter topic unchanged (a rejected submit whose id can be read
 * also gets its {@code FAILED} event). Consumer thread only.
 */
final class CommandHandler {

    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);
    /** The SQL recorded for a rejected submit, whose query id is used up by its FAILED event. */
    static final String REJECTED_SQL = "-- rejected submit";

    private final QueryRegistry registry;
    private final CommandParser parser;
    private final EventCodec codec;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final StateStore state;
    private final Ownership ownership;
    private final String statusTopic;
    private final Clock clock;
    /** The largest submit (uncompressed) whose state record the state topic is sure to take. */
    private final int maxSubmitBytes;
    /**
     * Per submit partition, the offset after the last submit accepted since this worker got the
     * partition: a submit read again below it (after a rewind) was accepted here, even if the
     * registry has forgotten its query since (it keeps a bounded number of finished ones).
     */
    private final Map<TopicPartition, Long> acceptedUpTo = new HashMap<>();
    /**
     * Per submit partition taken over, its end offset then: its previous owner may have handled (and
     * started) the submits below it without having committed them, so they are looked up in the
     * warehouse before they start.
     */
    private final Map<TopicPartition, Long> handledBefore = new HashMap<>();

    final AtomicLong submits = new AtomicLong();
    final AtomicLong cancels = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();

    CommandHandler(QueryRegistry registry, CommandParser parser, EventCodec codec, EventPublisher publisher,
                   DeadLetters deadLetters, StateStore state, Ownership ownership, String statusTopic, Clock clock,
                   int maxSubmitBytes) {
        this.registry = registry;
        this.parser = parser;
        this.codec = codec;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.state = state;
        this.ownership = ownership;
        this.statusTopic = statusTopic;
        this.clock = clock;
        this.maxSubmitBytes = maxSubmitBytes;
    }

    void submit(ConsumerRecord<byte[], byte[]> record) {
        submits.incrementAndGet();
        SubmitCommand command;
        try {
            if (record.value() != null && record.value().length > maxSubmitBytes) {
                // only a command written compressed gets here; its state record could not be kept
                throw QueryRelayException.validation("the submit command is " + record.value().length
                        + " bytes uncompressed, more than the " + maxSubmitBytes
                        + " bytes the worker can record for a query (the command topics' max.message.bytes)");
            }
            command = parser.parseSubmit(record.key(), record.value());
        } catch (QueryRelayException e) {
            reject(record, e.error(), true);
            return;
        }
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try {
            if (registry.snapshot(command.queryId()).isEmpty()) {
                if (record.offset() < acceptedUpTo.getOrDefault(partition, Long.MIN_VALUE)) {
                    log.info("submit of query {} read again at {}@{}; it was accepted before, nothing started",
                            command.queryId(), partition, record.offset());
                    return;
                }
                ownership.assign(command.queryId(), record.partition(), command.json());
            }
            boolean mayHaveStarted = record.offset() < handledBefore.getOrDefault(partition, Long.MIN_VALUE);
            registry.submit(command.request(), mayHaveStarted);
            acceptedUpTo.merge(partition, record.offset() + 1, Math::max);
        } catch (QueryRelayException e) {
            reject(record, e.error(), true);
        }
    }

    void cancel(ConsumerRecord<byte[], byte[]> record) {
        cancels.incrementAndGet();
        try {
            CancelCommand command = parser.parseCancel(record.key(), record.value());
            Optional<QuerySnapshot> snapshot = registry.cancel(command.queryId(), command.reason());
            if (snapshot.isEmpty()) {
                state.earlyCancel(command.queryId(), command.reason(), record.partition());
            } else if (!snapshot.get().status().isTerminal()) {
                state.cancelRequested(snapshot.get(), command.reason());
            }
        } catch (QueryRelayException e) {
            reject(record, e.error(), false);
        }
    }

    /** Submit partitions just assigned, with their end offsets: the submits below may have been handled. */
    void mayHaveBeenHandled(Map<TopicPartition, Long> endOffsets) {
        handledBefore.putAll(endOffsets);
    }

    /** Partitions this worker no longer owns: a later owner judges their submits afresh. */
    void forget(Collection<TopicPartition> partitions) {
        acceptedUpTo.keySet().removeAll(partitions);
        handledBefore.keySet().removeAll(partitions);
    }

    private void reject(ConsumerRecord<byte[], byte[]> record, ErrorInfo error, boolean submit) {
        deadLettered.incrementAndGet();
        log.warn("{} record {}-{}@{} sent to the DLQ: {}: {}", submit ? "submit" : "cancel", record.topic(),
                record.partition(), record.offset(), error.type(), error.message());
        ProducerRecord<byte[], byte[]> deadLetter = deadLetters.record(record, error);
        publisher.sendDeadLetter(deadLetter, record.partition());
        if (!submit) {
            return;
        }
        String queryId = CommandParser.readableQueryId(record.key(), record.value());
        if (queryId != null && registry.snapshot(queryId).isEmpty()) {
            Instant now = clock.instant();
            QuerySnapshot failed = registry.restore(
                    new StartRequest(queryId, REJECTED_SQL, List.of(), QueryOptions.DEFAULTS, Map.of()),
                    new RestorePoint(QueryStatus.FAILED, 1, now, null, null, now));
            publisher.send(EventPublisher.keyed(statusTopic, queryId, codec.rejected(queryId, error, now)), record.partition());
            ownership.assign(queryId, record.partition(), null);
            state.transition(failed, ownership.get(queryId));
        }
    }
}
