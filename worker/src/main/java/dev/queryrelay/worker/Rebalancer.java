package dev.queryrelay.worker;

import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.registry.Deadline;
import dev.queryrelay.registry.QueryRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Moves queries with their partitions; only the partitions that move (the consumer group protocol
 * assigns incrementally). On revocation this worker stops driving the queries of the partitions it
 * gives up (they keep running in the warehouse) and commits what it published for them; when
 * partitions are lost (its membership expired) it drops what it had not committed, which its
 * successor will redo; on assignment it takes over the queries of each new submit partition from
 * the state topic before reading any command of it. Runs on the consumer thread, inside {@code poll}.
 */
final class Rebalancer implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);
    private static final Duration STATE_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final Consumer<String, byte[]> stateReader;
    private final QueryRegistry registry;
    private final CommandParser parser;
    private final StateStore state;
    private final Ownership ownership;
    private final BackPressure gate;
    private final OffsetTracker offsets;
    private final Outbox outbox;
    private final CommandHandler handler;
    /** Set when the worker shuts down: the revoke's waits then share what is left of its time. */
    private Deadline shutdown;

    Rebalancer(Consumer<byte[], byte[]> consumer, Consumer<String, byte[]> stateReader, QueryRegistry registry,
               CommandParser parser, StateStore state, Ownership ownership, BackPressure gate,
               OffsetTracker offsets, Outbox outbox, CommandHandler handler) {
        this.consumer = consumer;
        this.stateReader = stateReader;
        this.registry = registry;
        this.parser = parser;
        this.state = state;
        this.ownership = ownership;
        this.gate = gate;
        this.offsets = offsets;
        this.outbox = outbox;
        this.handler = handler;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        log.info("partitions revoked: {}", partitions);
        handOver(partitions);
        if (!outbox.commitAndWait(offsets.all(), consumer.groupMetadata(), commitWait())) {
            log.warn("the commit before giving up {} failed; their new owner redoes what was not committed", partitions);
        }
        leave(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        log.warn("partitions lost (this worker's group membership expired): {}", partitions);
        handOver(partitions);
        leave(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        log.info("partitions assigned: {}", partitions);
        offsets.assigned(consumer, partitions);
        outbox.offsets(offsets.all(), consumer.groupMetadata());
        Set<TopicPartition> submits = gate.submitPartitions(partitions);
        handler.mayHaveBeenHandled(consumer.endOffsets(submits));
        for (TopicPartition partition : gate.submitPartitions(partitions)) {
            takeOver(partition.partition());
        }
        gate.onAssigned(consumer, partitions);
    }

    /** Stops driving the queries of revoked submit partitions; their new owner takes them over. */
    private void handOver(Collection<TopicPartition> partitions) {
        int count = 0;
        for (int partition : numbers(gate.submitPartitions(partitions))) {
            for (String queryId : ownership.queriesOf(partition)) {
                // forget first: it waits for a start in flight, whose RUNNING record is published while still owned;
                // a query whose end is not committed is forgotten too: its next owner learns the end from the state topic
                registry.forget(queryId);
                if (ownership.release(queryId) != null) {
                    count++;
                }
            }
        }
        if (count > 0) {
            log.info("handed over {} queries in flight", count);
        }
    }

    /** Drops what was not committed for the partitions and stops committing their offsets. */
    private void leave(Collection<TopicPartition> partitions) {
        await(outbox.purge(numbers(partitions), Set.copyOf(partitions)));
        offsets.drop(partitions);
        handler.forget(partitions);
    }

    /** Restores the queries of a newly assigned submit partition from the state topic. */
    private void takeOver(int partition) {
        Map<String, QueryState> states = readState(partition);
        int resumed = 0;
        for (QueryState entry : states.values()) {
            try {
                if (entry.isCancelOnly()) {
                    registry.cancel(entry.queryId(), entry.cancelReason());
                    continue;
                }
                boolean inFlight = !entry.status().isTerminal();
                if (inFlight) {
                    ownership.assign(entry.queryId(), partition, entry.submit());
                    if (entry.cancelReason() != null) {
                        // remembered before the restore, which applies it first: it wins over a deadline passed since
                        registry.cancel(entry.queryId(), entry.cancelReason());
                    }
                }
                QuerySnapshot restored = registry.restore(entry.request(parser), entry.restorePoint());
                if (inFlight && !restored.status().isTerminal()) {
                    resumed++;
                }
            } catch (RuntimeException e) {
                log.error("cannot take over query {} from the state topic: {}", entry.queryId(), e.toString());
            }
        }
        if (resumed > 0) {
            log.info("took over {} queries in flight of submit partition {}", resumed, partition);
        }
    }

    /** The partition's state, read whole: until it is, none of its commands is read (the worker's shutdown wakes the reader). */
    private Map<String, QueryState> readState(int partition) {
        for (int attempt = 1; ; attempt++) {
            try {
                return state.read(stateReader, partition, STATE_READ_TIMEOUT);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("state partition {} not read yet (attempt {}): {}; reading it again", partition, attempt,
                        e.getMessage());
            }
        }
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** The worker shuts down: the partitions revoked from now on wait for commits only until {@code deadline}. */
    void shuttingDown(Deadline deadline) {
        this.shutdown = deadline;
    }

    private Duration commitWait() {
        return shutdown == null ? COMMIT_WAIT : shutdown.remaining();
    }

    private void await(CompletableFuture<Void> done) {
        try {
            done.get(commitWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("dropping what was not committed for moved partitions did not end: {}", e.toString());
        }
    }
}
