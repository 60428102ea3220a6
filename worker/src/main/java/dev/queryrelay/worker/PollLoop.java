package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The consumer thread: polls the cancel and submit topics, hands cancels first and then submits
 * to the {@link CommandHandler} (a submit past the in-flight cap is read again later), applies
 * back-pressure and passes the offsets it reached, with the group's metadata, to the
 * {@link Outbox} that commits them: it never waits for a send or a commit. When it stops, by
 * {@link #stop()} or by an error, it runs the worker's shutdown sequence on this thread, the one
 * that owns the consumer.
 */
final class PollLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** While the submits are paused at the in-flight cap: how soon the loop looks again whether they may resume. */
    private static final Duration PAUSED_POLL_TIMEOUT = Duration.ofMillis(5);

    private final Consumer<byte[], byte[]> consumer;
    private final WorkerTopics topics;
    private final CommandHandler handler;
    private final BackPressure gate;
    private final OffsetTracker offsets;
    private final Outbox outbox;
    private final ConsumerRebalanceListener rebalancer;
    private final Runnable shutdown;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private ConsumerGroupMetadata lastMetadata;

    PollLoop(Consumer<byte[], byte[]> consumer, WorkerTopics topics, CommandHandler handler, BackPressure gate,
             OffsetTracker offsets, Outbox outbox, ConsumerRebalanceListener rebalancer, Runnable shutdown) {
        this.consumer = consumer;
        this.topics = topics;
        this.handler = handler;
        this.gate = gate;
        this.offsets = offsets;
        this.outbox = outbox;
        this.rebalancer = rebalancer;
        this.shutdown = shutdown;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topics.cancel(), topics.submit()), rebalancer);
            while (running) {
                handle(consumer.poll(gate.isPaused() ? PAUSED_POLL_TIMEOUT : POLL_TIMEOUT));
                gate.apply(consumer);
                passOffsets();
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("command loop woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("command loop failed", e);
        } finally {
            running = false;
            try {
                shutdown.run();
            } finally {
                stopped.countDown();
                log.info("command loop stopped");
            }
        }
    }

    /** Asks the loop to stop; safe from any thread. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Hands the offsets reached (and the group metadata that fences them) to the outbox, when they changed. */
    void passOffsets() {
        ConsumerGroupMetadata metadata = consumer.groupMetadata();
        Map<TopicPartition, OffsetAndMetadata> changed = offsets.takeChanged();
        if (changed != null || !metadata.equals(lastMetadata)) {
            outbox.offsets(changed != null ? changed : offsets.all(), metadata);
            lastMetadata = metadata;
        }
    }

    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isRunning() {
        return running;
    }

    void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            if (partition.topic().equals(topics.cancel())) {
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    handler.cancel(record);
                    offsets.processed(record);
                }
            }
        }
        for (TopicPartition partition : records.partitions()) {
            if (!partition.topic().equals(topics.submit())) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (!gate.admits()) {
                    gate.holdBack(consumer, partition, record.offset());
                    break;
                }
                handler.submit(record);
                offsets.processed(record);
            }
        }
    }
}
