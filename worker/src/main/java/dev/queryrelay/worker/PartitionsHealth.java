package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Wraps the worker's rebalance listener to know, from any thread, how many command partitions this
 * worker owns and whether it is still taking some over (the wrapped listener restores their queries
 * inside {@code onPartitionsAssigned}). Its callbacks run on the consumer thread.
 */
final class PartitionsHealth implements ConsumerRebalanceListener, HealthChecks.Check {

    private final ConsumerRebalanceListener delegate;
    private final Set<TopicPartition> owned = new HashSet<>();
    private volatile int ownedCount;
    private volatile int takingOver;

    PartitionsHealth(ConsumerRebalanceListener delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        takingOver = partitions.size();
        try {
            delegate.onPartitionsAssigned(partitions);
            owned.addAll(partitions);
            ownedCount = owned.size();
        } finally {
            takingOver = 0;
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        ownedCount = owned.size();
        delegate.onPartitionsRevoked(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        ownedCount = owned.size();
        delegate.onPartitionsLost(partitions);
    }

    int owned() {
        return ownedCount;
    }

    @Override
    public String problem() {
        int pending = takingOver;
        if (pending > 0) {
            return "taking over " + pending + " newly assigned partitions";
        }
        return ownedCount == 0 ? "no command partition assigned" : null;
    }
}
