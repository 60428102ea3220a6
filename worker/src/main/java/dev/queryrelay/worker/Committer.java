package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commits consumed offsets once what their records caused is published: every interval (and on
 * demand), it writes pending state records, flushes the producer and commits; when a send failed
 * since the last commit it commits nothing and rewinds to the committed offsets instead, so the
 * records are read again. Consumer thread only.
 */
final class Committer {

    private static final Logger log = LoggerFactory.getLogger(Committer.class);

    private final Consumer<?, ?> consumer;
    private final Producer<?, ?> producer;
    private final StateStore state;
    private final SendFailures failures;
    private final OffsetTracker offsets;
    private final Duration interval;
    private final Clock clock;
    private long lastCommitMillis;
    private long failuresAtLastCommit;

    Committer(Consumer<?, ?> consumer, Producer<?, ?> producer, StateStore state, SendFailures failures,
              OffsetTracker offsets, Duration interval, Clock clock) {
        this.consumer = consumer;
        this.producer = producer;
        this.state = state;
        this.failures = failures;
        this.offsets = offsets;
        this.interval = interval;
        this.clock = clock;
        this.lastCommitMillis = clock.millis();
    }

    /** Commits asynchronously when the interval has passed. */
    void maybeCommit() {
        if (clock.millis() - lastCommitMillis >= interval.toMillis()) {
            commit(false);
        }
    }

    /** Commits now and waits for the broker's answer (rebalance, shutdown). */
    void commitNow() {
        commit(true);
    }

    private void commit(boolean sync) {
        lastCommitMillis = clock.millis();
        if (offsets.isEmpty() && !sync) {
            return;
        }
        state.writePending();
        producer.flush();
        if (offsets.isEmpty()) {
            return;
        }
        long failed = failures.total();
        if (failed != failuresAtLastCommit) {
            failuresAtLastCommit = failed;
            log.error("{} sends failed since the last commit; offsets not committed, records will be read again", failed);
            rewind();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = offsets.drain();
        if (sync) {
            consumer.commitSync(committed);
        } else {
            consumer.commitAsync(committed, (done, error) -> {
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
        offsets.clear();
    }
}
