package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The one back-pressure gate: a submit read while {@code worker.max-in-flight} queries are in
 * flight is held back (read again later) and the submit partitions are paused (cancels keep
 * flowing and the consumer keeps polling, so the group keeps its member); below the cap they
 * resume. Reaching the cap alone pauses nothing: a paused partition is fetched again only after
 * the fetch in flight returns (up to {@code fetch.max.wait.ms}), so a pause that was not needed
 * would only delay the next submits. Used by the consumer thread only.
 */
final class BackPressure {

    private static final Logger log = LoggerFactory.getLogger(BackPressure.class);

    private final String submitTopic;
    private final IntSupplier inFlight;
    private final int cap;
    private volatile boolean paused;
    private volatile long pauses;

    BackPressure(String submitTopic, IntSupplier inFlight, int cap) {
        this.submitTopic = submitTopic;
        this.inFlight = inFlight;
        this.cap = cap;
    }

    /** Whether one more submit may be accepted now. */
    boolean admits() {
        return inFlight.getAsInt() < cap;
    }

    /** A submit read past the cap: read it again once the gate opens. */
    void holdBack(Consumer<?, ?> consumer, TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        pause(consumer);
    }

    /** Called once per loop turn: resume below the cap. */
    void apply(Consumer<?, ?> consumer) {
        if (paused && admits()) {
            Set<TopicPartition> submits = submitPartitions(consumer.assignment());
            consumer.resume(submits);
            paused = false;
            log.info("resumed {} submit partitions ({} queries in flight, cap {})", submits.size(), inFlight.getAsInt(), cap);
        }
    }

    /** Newly assigned submit partitions stay paused while the gate is closed. */
    void onAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (paused) {
            consumer.pause(submitPartitions(partitions));
        }
    }

    boolean isPaused() {
        return paused;
    }

    long pauses() {
        return pauses;
    }

    Set<TopicPartition> submitPartitions(Collection<TopicPartition> partitions) {
        Set<TopicPartition> result = new HashSet<>();
        for (TopicPartition partition : partitions) {
            if (partition.topic().equals(submitTopic)) {
                result.add(partition);
            }
        }
        return result;
    }

    private void pause(Consumer<?, ?> consumer) {
        Set<TopicPartition> submits = submitPartitions(consumer.assignment());
        consumer.pause(submits);
        if (!paused) {
            paused = true;
            pauses++;
            log.info("paused {} submit partitions at the in-flight cap ({} queries in flight, cap {})", submits.size(),
                    inFlight.getAsInt(), cap);
        }
    }
}
