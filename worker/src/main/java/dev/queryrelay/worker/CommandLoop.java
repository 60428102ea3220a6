package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.registry.QueryRegistry;
import dev.queryrelay.registry.RestorePoint;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that owns the consumer: reads cancels first, then submits, hands them to the
 * registry, pauses the submit topic at the in-flight cap (cancels keep flowing), sends bad
 * records to the DLQ, and commits offsets once the producer has flushed what they caused.
 */
final class CommandLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(CommandLoop.class);
    /** The SQL recorded for a rejected submit, whose query id is used up by its FAILED event. */
    static final String REJECTED_SQL = "-- rejected submit";

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final QueryRegistry registry;
    private final CommandParser parser;
    private final EventCodec codec;
    private final EventPublisher publisher;
    private final DeadLetters deadLetters;
    private final SendFailures failures;
    private final StateStore state;
    private final Ownership ownership;
    private final Consumer<String, byte[]> stateReader;
    private final Runnable beforeLeaving;
    private final String submitTopic;
    private final String cancelTopic;
    private final String statusTopic;
    private final int maxInFlight;
    private final Duration commitInterval;
    private final Clock clock;

    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    /**
     * Per submit partition, the offset after the last submit accepted since this worker got the
     * partition: a submit read again below it (after a rewind) was accepted here, even if the
     * registry has forgotten its query since (it keeps a bounded number of finished ones).
     */
    private final Map<TopicPartition, Long> acceptedUpTo = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean paused;
    private long lastCommitMillis;
    private long failuresAtLastCommit;

    final AtomicLong submits = new AtomicLong();
    final AtomicLong cancels = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong pauses = new AtomicLong();

    CommandLoop(Consumer<String, byte[]> consumer, Consumer<String, byte[]> stateReader, Producer<String, byte[]> producer,
                QueryRegistry registry, CommandParser parser, EventCodec codec, EventPublisher publisher,
                DeadLetters deadLetters, SendFailures failures, StateStore state, Ownership ownership,
                WorkerTopics topics, int maxInFlight, Duration commitInterval, Clock clock, Runnable beforeLeaving) {
        this.consumer = consumer;
        this.producer = producer;
        this.registry = registry;
        this.parser = parser;
        this.codec = codec;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.failures = failures;
        this.state = state;
        this.ownership = ownership;
        this.stateReader = stateReader;
        this.beforeLeaving = beforeLeaving;
        this.submitTopic = topics.submit();
        this.cancelTopic = topics.cancel();
        this.statusTopic = topics.status();
        this.maxInFlight = maxInFlight;
        this.commitInterval = commitInterval;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(cancelTopic, submitTopic), new Rebalance());
            lastCommitMillis = clock.millis();
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                handle(records);
                applyBackPressure();
                if (clock.millis() - lastCommitMillis >= commitInterval.toMillis()) {
                    commit(false);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("command loop failed", e);
            throw e;
        } finally {
            try {
                beforeLeaving.run();
                commit(true);
            } catch (RuntimeException e) {
                log.warn("final commit failed: {}", e.toString());
            }
            consumer.close(Duration.ofSeconds(10));
            stateReader.close(Duration.ofSeconds(5));
            stopped.countDown();
            log.info("command loop stopped");
        }
    }

    /** Asks the loop to stop; safe from any thread. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    boolean isRunning() {
        return running && stopped.getCount() > 0;
    }

    boolean isPaused() {
        return paused;
    }

    void handle(ConsumerRecords<String, byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            if (partition.topic().equals(cancelTopic)) {
                for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                    handleCancel(record);
                    markProcessed(record);
                }
            }
        }
        Set<TopicPartition> deferred = new HashSet<>();
        for (TopicPartition partition : records.partitions()) {
            if (!partition.topic().equals(submitTopic)) {
                continue;
            }
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (registry.inFlight() >= maxInFlight) {
                    consumer.seek(partition, record.offset());
                    deferred.add(partition);
                    break;
                }
                handleSubmit(record);
                markProcessed(record);
            }
        }
        if (!deferred.isEmpty()) {
            pause();
        }
    }

    private void handleSubmit(ConsumerRecord<String, byte[]> record) {
        submits.incrementAndGet();
        SubmitCommand command;
        try {
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
            registry.submit(command.request());
            acceptedUpTo.merge(partition, record.offset() + 1, Math::max);
        } catch (QueryRelayException e) {
            reject(record, e.error(), true);
        }
    }

    private void handleCancel(ConsumerRecord<String, byte[]> record) {
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

    private void reject(ConsumerRecord<String, byte[]> record, ErrorInfo error, boolean submit) {
        deadLettered.incrementAndGet();
        log.warn("{} record {}-{}@{} sent to the DLQ: {}: {}", submit ? "submit" : "cancel", record.topic(),
                record.partition(), record.offset(), error.type(), error.message());
        publisher.send(deadLetters.record(record, error), "dead letter");
        if (!submit) {
            return;
        }
        String queryId = CommandParser.readableQueryId(record.key(), record.value());
        if (queryId != null && registry.snapshot(queryId).isEmpty()) {
            Instant now = clock.instant();
            QuerySnapshot failed = registry.restore(
                    new StartRequest(queryId, REJECTED_SQL, List.of(), QueryOptions.DEFAULTS, Map.of()),
                    new RestorePoint(QueryStatus.FAILED, 1, now, null, null, now));
            publisher.send(new ProducerRecord<>(statusTopic, queryId, codec.rejected(queryId, error, now)),
                    "status FAILED");
            ownership.assign(queryId, record.partition(), null);
            state.transition(failed);
        }
    }

    private void markProcessed(ConsumerRecord<String, byte[]> record) {
        processed.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    }

    private void applyBackPressure() {
        if (!paused && registry.inFlight() >= maxInFlight) {
            pause();
        } else if (paused && registry.inFlight() < maxInFlight) {
            Set<TopicPartition> submitPartitions = submitPartitions(consumer.assignment());
            consumer.resume(submitPartitions);
            paused = false;
            log.info("resumed {} submit partitions ({} queries in flight, cap {})", submitPartitions.size(),
                    registry.inFlight(), maxInFlight);
        }
    }

    private void pause() {
        Set<TopicPartition> submitPartitions = submitPartitions(consumer.assignment());
        consumer.pause(submitPartitions);
        if (!paused) {
            paused = true;
            pauses.incrementAndGet();
            log.info("paused {} submit partitions at the in-flight cap ({} queries in flight, cap {})",
                    submitPartitions.size(), registry.inFlight(), maxInFlight);
        }
    }

    private Set<TopicPartition> submitPartitions(Collection<TopicPartition> partitions) {
        Set<TopicPartition> result = new HashSet<>();
        for (TopicPartition partition : partitions) {
            if (partition.topic().equals(submitTopic)) {
                result.add(partition);
            }
        }
        return result;
    }

    private void commit(boolean sync) {
        lastCommitMillis = clock.millis();
        if (processed.isEmpty() && !sync) {
            return;
        }
        state.writePending();
        producer.flush();
        if (processed.isEmpty()) {
            return;
        }
        long failed = failures.total();
        if (failed != failuresAtLastCommit) {
            failuresAtLastCommit = failed;
            log.error("{} sends failed since the last commit; offsets not committed, records will be read again",
                    failed);
            rewind();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(processed);
        processed.clear();
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("offset commit failed (the next one covers it): {}", error.toString());
                }
            });
        }
    }

    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        processed.clear();
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            log.info("partitions revoked: {}", partitions);
            state.writePending();
            handOver(partitions);
            commit(true);
            acceptedUpTo.keySet().removeAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("partitions assigned: {}", partitions);
            for (TopicPartition partition : submitPartitions(partitions)) {
                takeOver(partition.partition());
            }
            if (paused) {
                consumer.pause(submitPartitions(partitions));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("partitions lost: {}", partitions);
            handOver(partitions);
            acceptedUpTo.keySet().removeAll(partitions);
            processed.keySet().removeAll(partitions);
        }
    }

    /** Stops driving the queries of revoked submit partitions; their new owner takes them over. */
    private void handOver(Collection<TopicPartition> partitions) {
        int count = 0;
        for (TopicPartition partition : submitPartitions(partitions)) {
            for (String queryId : ownership.queriesOf(partition.partition())) {
                if (registry.forget(queryId)) {
                    count++;
                }
                state.dropPending(queryId);
                ownership.release(queryId);
            }
        }
        if (count > 0) {
            log.info("handed over {} queries in flight", count);
        }
    }

    /** Restores the queries of a newly assigned submit partition from the state topic. */
    private void takeOver(int partition) {
        Map<String, QueryState> states = state.read(stateReader, partition, Duration.ofSeconds(60));
        int resumed = 0;
        for (QueryState entry : states.values()) {
            try {
                if (entry.isCancelOnly()) {
                    registry.cancel(entry.queryId(), entry.cancelReason());
                    continue;
                }
                if (!entry.status().isTerminal()) {
                    ownership.assign(entry.queryId(), partition, entry.submit());
                    resumed++;
                }
                registry.restore(entry.request(parser), entry.restorePoint());
                if (entry.cancelReason() != null && !entry.status().isTerminal()) {
                    registry.cancel(entry.queryId(), entry.cancelReason().isEmpty() ? null : entry.cancelReason());
                }
            } catch (RuntimeException e) {
                log.error("cannot take over query {} from the state topic: {}", entry.queryId(), e.toString());
            }
        }
        if (resumed > 0) {
            log.info("took over {} queries in flight of submit partition {}", resumed, partition);
        }
    }
}
