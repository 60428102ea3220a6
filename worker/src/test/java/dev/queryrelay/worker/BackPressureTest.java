package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-flight gate on Kafka's MockConsumer: when the submit partitions pause and resume. */
class BackPressureTest {

    private static final TopicPartition SUBMIT_0 = new TopicPartition("submit", 0);
    private static final TopicPartition SUBMIT_1 = new TopicPartition("submit", 1);
    private static final TopicPartition CANCEL_0 = new TopicPartition("cancel", 0);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final BackPressure gate = new BackPressure("submit", inFlight::get, 2);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

    BackPressureTest() {
        consumer.assign(List.of(SUBMIT_0, SUBMIT_1, CANCEL_0));
    }

    @Test
    void reachingTheCapPausesNothingUntilASubmitIsHeldBack() {
        inFlight.set(2);
        gate.apply(consumer);
        assertFalse(gate.admits());
        assertFalse(gate.isPaused(), "at the cap, with nothing read beyond it");
        assertEquals(Set.of(), consumer.paused());

        gate.holdBack(consumer, SUBMIT_1, 7);
        assertTrue(gate.isPaused());
        assertEquals(Set.of(SUBMIT_0, SUBMIT_1), consumer.paused(), "every submit partition, no cancel partition");
        assertEquals(7, consumer.position(SUBMIT_1), "the held-back submit is read again");
        assertEquals(1, gate.pauses());

        gate.apply(consumer);
        assertTrue(gate.isPaused(), "still at the cap");

        inFlight.set(1);
        gate.apply(consumer);
        assertFalse(gate.isPaused());
        assertEquals(Set.of(), consumer.paused(), "resumed below the cap");
    }
}
