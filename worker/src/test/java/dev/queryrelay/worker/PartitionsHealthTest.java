package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PartitionsHealthTest {

    private static final TopicPartition SUBMIT_0 = new TopicPartition("submit", 0);
    private static final TopicPartition SUBMIT_1 = new TopicPartition("submit", 1);
    private static final TopicPartition CANCEL_0 = new TopicPartition("cancel", 0);

    /** A rebalance listener that records its calls and what the health said during a take-over. */
    private static final class Recording implements ConsumerRebalanceListener {
        final List<String> calls = new ArrayList<>();
        final List<String> seenDuringTakeOver = new ArrayList<>();
        PartitionsHealth health;
        RuntimeException failAssignment;

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            calls.add("assigned " + partitions.size());
            seenDuringTakeOver.add(health.problem());
            if (failAssignment != null) {
                throw failAssignment;
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            calls.add("revoked " + partitions.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            calls.add("lost " + partitions.size());
        }
    }

    private final Recording rebalancer = new Recording();
    private final PartitionsHealth health = new PartitionsHealth(rebalancer);

    {
        rebalancer.health = health;
    }

    @Test
    void readyOnceAssignedPartitionsAreTakenOver() {
        assertEquals("no command partition assigned", health.problem());
        health.onPartitionsAssigned(Set.of(SUBMIT_0, CANCEL_0));
        assertEquals(List.of("taking over 2 newly assigned partitions"), rebalancer.seenDuringTakeOver);
        assertNull(health.problem());
        assertEquals(2, health.owned());
        assertEquals(List.of("assigned 2"), rebalancer.calls);
    }

    @Test
    void revokedAndLostPartitionsAreNoLongerOwned() {
        health.onPartitionsAssigned(Set.of(SUBMIT_0, SUBMIT_1, CANCEL_0));
        health.onPartitionsRevoked(Set.of(SUBMIT_1));
        assertEquals(2, health.owned());
        health.onPartitionsLost(Set.of(SUBMIT_0, CANCEL_0));
        assertEquals(0, health.owned());
        assertEquals("no command partition assigned", health.problem());
        assertEquals(List.of("assigned 3", "revoked 1", "lost 2"), rebalancer.calls);
    }

    @Test
    void aFailedTakeOverOwnsNothingNew() {
        rebalancer.failAssignment = new IllegalStateException("state topic unreadable");
        assertThrows(IllegalStateException.class, () -> health.onPartitionsAssigned(Set.of(SUBMIT_0)));
        assertEquals(0, health.owned());
        assertEquals("no command partition assigned", health.problem());
    }
}
