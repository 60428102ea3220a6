package dev.queryrelay.worker;

import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.registry.QueryRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Moves queries with their partitions: on revocation this worker stops driving the queries of the
 * submit partitions it gives up (they keep running in the warehouse) after committing; on
 * assignment it takes over the queries of each new submit partition from the state topic before
 * reading any command of it. Runs on the consumer thread, inside {@code poll}.
 */
final class Rebalancer implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);
    private static final Duration STATE_READ_TIMEOUT = Duration.ofSeconds(60);

    private final Consumer<byte[], byte[]> consumer;
    private final Consumer<String, byte[]> stateReader;
    private final QueryRegistry registry;
    private final CommandParser parser;
    private final StateStore state;
    private final Ownership ownership;
    private final BackPressure gate;
    private final OffsetTracker offsets;
    private final Committer committer;
    private final CommandHandler handler;

    Rebalancer(Consumer<byte[], byte[]> consumer, Consumer<String, byte[]> stateReader, QueryRegistry registry,
               CommandParser parser, StateStore state, Ownership ownership, BackPressure gate, OffsetTracker offsets,
               Committer committer, CommandHandler handler) {
        this.consumer = consumer;
        this.stateReader = stateReader;
        this.registry = registry;
        this.parser = parser;
        this.state = state;
        this.ownership = ownership;
        this.gate = gate;
        this.offsets = offsets;
        this.committer = committer;
        this.handler = handler;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        log.info("partitions revoked: {}", partitions);
        state.writePending();
        handOver(partitions);
        committer.commitNow();
        handler.forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        log.info("partitions assigned: {}", partitions);
        for (TopicPartition partition : gate.submitPartitions(partitions)) {
            takeOver(partition.partition());
        }
        gate.onAssigned(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        log.warn("partitions lost: {}", partitions);
        handOver(partitions);
        handler.forget(partitions);
        offsets.drop(partitions);
    }

    /** Stops driving the queries of revoked submit partitions; their new owner takes them over. */
    private void handOver(Collection<TopicPartition> partitions) {
        int count = 0;
        for (TopicPartition partition : gate.submitPartitions(partitions)) {
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
        Map<String, QueryState> states = state.read(stateReader, partition, STATE_READ_TIMEOUT);
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
