package dev.queryrelay.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The load generator's reader of one event topic: one thread, every partition assigned (no
 * group, so no rebalance), starting at the end offsets of the moment it is created. Hands each
 * record, with its arrival time, to every {@link Tracker} attached.
 */
final class EventWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventWatcher.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Tracker> trackers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    EventWatcher(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(ClientSettings.watcherConsumer(bootstrap, "bench-watch-" + topic));
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(partitions, Duration.ofSeconds(30)).entrySet()) {
            consumer.seek(end.getKey(), end.getValue());
        }
        thread = new Thread(this::run, "bench-watch-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    Tracker attach(Tracker tracker) {
        trackers.add(tracker);
        return tracker;
    }

    void detach(Tracker tracker) {
        trackers.remove(tracker);
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    for (Tracker tracker : trackers) {
                        tracker.accept(record.key(), record.value(), now);
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("event watcher woken up unexpectedly", e);
            }
        } catch (RuntimeException e) {
            log.error("event watcher failed", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
