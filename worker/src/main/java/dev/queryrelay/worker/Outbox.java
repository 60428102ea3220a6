package dev.queryrelay.worker;

import dev.queryrelay.registry.Deadline;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The one owner of the worker's transactional producer, on a thread of its own: every record the
 * worker publishes (events, pages, state records, dead letters) and the consumed offsets go
 * through it, and become visible together when a transaction commits. A transaction's offsets carry
 * the consumer group's metadata, so the group coordinator refuses the commit of a worker whose
 * membership has moved on (KIP-447): nothing such a worker sent becomes visible. Each commit that
 * succeeds renews the {@link OwnershipLease}.
 *
 * <p>Other threads only enqueue, never wait (except {@link #commitNow}, for rebalances and
 * shutdown). A transaction that cannot commit is aborted and its records are sent again in the
 * next one, unless their partition was {@linkplain #purge purged} meanwhile (it moved to another
 * worker, whose state wins).
 */
final class Outbox implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_BACKOFF_MILLIS = 1_000;
    /** Items taken in a row at most before a due commit: a steady stream must not hold the commit back. */
    private static final int MAX_TAKEN_BEFORE_COMMIT = 256;
    /** An {@code onCommit} that does nothing: it marks a record someone waits for (a query's terminal event). */
    static final Runnable AWAITED = () -> { };

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Map<String, String> mdc;
    private final OwnershipLease lease;
    private final CommitPacing pacing;
    private final Inbox<OutboxItem> queue = new Inbox<>();
    private final List<OutboxRecord> uncommitted = new ArrayList<>();
    private final LatestByKey latest = new LatestByKey();
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    final RefusedRecords refused = new RefusedRecords();
    private final Thread thread;
    private volatile Producer<byte[], byte[]> producer;
    private ConsumerGroupMetadata group;
    private boolean inTransaction;
    private boolean mustReplay;
    private long backoffMillis;
    private volatile boolean closing;
    /** Set by {@link #close(Duration)} before {@code closing}: how long the closing commit and the producer's close may take. */
    private volatile Deadline closeBy;

    final AtomicLong commits = new AtomicLong();
    final AtomicLong aborts = new AtomicLong();

    Outbox(Supplier<Producer<byte[], byte[]>> producers, OwnershipLease lease, Duration interval,
           String threadName, Map<String, String> mdc) {
        this.mdc = Map.copyOf(mdc);
        this.producers = producers;
        this.lease = lease;
        this.pacing = new CommitPacing(interval, lease);
        this.producer = newProducer();
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Publishes a record in the current or next transaction; never blocks. */
    void send(ProducerRecord<byte[], byte[]> record, int partition, Runnable onCommit) {
        send(new OutboxRecord(record, partition, onCommit));
    }

    /** Publishes a record in the current or next transaction; never blocks. */
    void send(OutboxRecord record) {
        queue.add(Objects.requireNonNull(record, "record"));
    }

    /**
     * Publishes a record when the transaction commits, unless a later one with its topic and key replaces it
     * first (no reader could have seen it); never blocks. A record {@linkplain #send sent} with that topic and
     * key first sends the one held, so their order stays.
     */
    void sendLatest(LatestRecord record) {
        queue.add(record);
    }

    /** {@link #send} of {@code record}, then {@link #sendLatest} of {@code latest}, queued together; never blocks. */
    void send(OutboxRecord record, LatestRecord latest) {
        queue.add(new OutboxItem.RecordThenLatest(Objects.requireNonNull(record, "record"), Objects.requireNonNull(latest, "latest")));
    }

    /** The offsets and group metadata the consumer has reached; committed with the records sent before them. */
    void offsets(Map<TopicPartition, OffsetAndMetadata> next, ConsumerGroupMetadata metadata) {
        queue.add(new OutboxItem.Offsets(Map.copyOf(next), metadata));
    }

    /**
     * Commits what was sent so far together with {@code next} offsets and waits for it, at most
     * {@code wait} (a rebalance, the shutdown); false when it failed or did not end in time.
     */
    boolean commitAndWait(Map<TopicPartition, OffsetAndMetadata> next, ConsumerGroupMetadata metadata, Duration wait) {
        offsets(next, metadata);
        try {
            return commitNow().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Commits what was sent so far; completes with whether the commit succeeded. */
    CompletableFuture<Boolean> commitNow() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        queue.add(new OutboxItem.CommitRequest(done));
        return done;
    }

    /**
     * Drops every record not committed yet that belongs to {@code partitions} (command partition
     * numbers), and stops committing offsets of {@code offsetPartitions}: they moved to another worker.
     */
    CompletableFuture<Void> purge(Set<Integer> partitions, Set<TopicPartition> offsetPartitions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new OutboxItem.Purge(Set.copyOf(partitions), Set.copyOf(offsetPartitions), done));
        return done;
    }

    @Override
    public void run() {
        mdc.forEach(MDC::put);
        try {
            while ((!closing || !queue.isEmpty()) && !Thread.currentThread().isInterrupted()) {
                OutboxItem item = queue.poll(pacing.waitMillis(!offsets.isEmpty(), mustReplay, backoffMillis),
                        TimeUnit.MILLISECONDS);
                if (item != null) {
                    pacing.active();
                }
                for (int taken = 1; item != null; taken++) {
                    accept(item);
                    item = taken < MAX_TAKEN_BEFORE_COMMIT ? queue.poll() : null;
                }
                if (pacing.due(!offsets.isEmpty(), mustReplay)) {
                    commit();
                }
            }
            if (!Thread.currentThread().isInterrupted()
                    && (inTransaction || !uncommitted.isEmpty() || !latest.isEmpty())) {
                commit();
            }
        } catch (RuntimeException e) {
            log.error("the publisher thread failed; nothing more is published", e);
        } finally {
            if (closing) {
                producer.close(closeBy.remaining());
            }
        }
    }

    private void accept(OutboxItem item) {
        if (item instanceof OutboxRecord outgoing) {
            LatestRecord held = latest.take(outgoing);
            if (held != null) {
                enlist(held.encode());
            }
            enlist(outgoing);
            pacing.changed(outgoing.onCommit() != null);
        } else if (item instanceof LatestRecord held) {
            latest.put(held);
            pacing.changed(false);
        } else if (item instanceof OutboxItem.RecordThenLatest pair) {
            accept(pair.record());
            accept(pair.latest());
        } else if (item instanceof OutboxItem.Offsets next) {
            offsets.putAll(next.offsets());
            group = next.group();
            pacing.changed(false);
        } else if (item instanceof OutboxItem.CommitRequest request) {
            request.done().complete(commit());
        } else if (item instanceof OutboxItem.Purge purge) {
            int before = uncommitted.size();
            uncommitted.removeIf(outgoing -> purge.partitions().contains(outgoing.partition()));
            latest.drop(purge.partitions());
            offsets.keySet().removeAll(purge.offsets());
            if (uncommitted.size() != before && inTransaction) {
                abort("records of partitions " + purge.partitions() + " that moved to another worker");
            }
            purge.done().complete(null);
        }
    }

    /** Adds a record to the open transaction: sent now, or with the others when they are sent again. */
    private void enlist(OutboxRecord outgoing) {
        uncommitted.add(outgoing);
        if (!mustReplay) {
            produce(outgoing);
        }
    }

    private void produce(OutboxRecord outgoing) {
        try {
            beginIfNeeded();
            producer.send(outgoing.record(), failures(outgoing));
        } catch (KafkaException | IllegalStateException e) {
            log.warn("send to {} failed, the transaction will be retried: {}", outgoing.record().topic(), e.toString());
            mustReplay = true;
        }
    }

    /** Logs a send's failure; a record refused for what it is is reported to {@link #refused}. */
    private Callback failures(OutboxRecord outgoing) {
        return (metadata, error) -> {
            if (error != null && !(error instanceof RetriableException)) {
                log.debug("send to {} failed: {}", outgoing.record().topic(), error.toString());
                refused.refused(outgoing, error);
            }
        };
    }

    private void beginIfNeeded() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    /** Commits the open transaction (or an empty one that renews the lease); false when it could not. */
    private boolean commit() {
        if (mustReplay && !replay()) {
            return false;
        }
        if (offsets.isEmpty()) {
            if (uncommitted.isEmpty() && latest.isEmpty()) {
                pacing.clean();
                return true;
            }
            log.debug("{} records wait for the offsets of a partition they belong to", uncommitted.size());
            return false;
        }
        latest.drain().forEach(held -> enlist(held.encode()));
        if (mustReplay) {
            abort("a held record could not be sent");
            return false;
        }
        long startedAt = pacing.committing();
        try {
            beginIfNeeded();
            producer.sendOffsetsToTransaction(offsets, group);
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | UnsupportedVersionException | AuthorizationException e) {
            lease.expire();
            aborts.incrementAndGet();
            replaceProducer(e);
            return false;
        } catch (KafkaException | IllegalStateException e) {
            lease.expire();
            abort("commit failed: " + e);
            return false;
        }
        inTransaction = false;
        pacing.clean();
        backoffMillis = 0;
        commits.incrementAndGet();
        lease.renew(startedAt);
        for (OutboxRecord outgoing : uncommitted) {
            if (outgoing.onCommit() != null) {
                runQuietly(outgoing.onCommit());
            }
        }
        uncommitted.clear();
        return true;
    }

    /** Sends the records of an aborted transaction again, in a new one. */
    private boolean replay() {
        mustReplay = false;
        refused.replaceIn(uncommitted);
        try {
            for (OutboxRecord outgoing : uncommitted) {
                beginIfNeeded();
                producer.send(outgoing.record(), failures(outgoing));
            }
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            aborts.incrementAndGet();
            replaceProducer(e);
            return false;
        } catch (KafkaException | IllegalStateException e) {
            abort("resending failed: " + e);
            return false;
        }
    }

    private void abort(String why) {
        aborts.incrementAndGet();
        log.warn("transaction aborted: {}; its {} records will be sent again unless their partition moved", why,
                uncommitted.size());
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (KafkaException | IllegalStateException e) {
            replaceProducer(e);
            return;
        }
        inTransaction = false;
        scheduleReplay();
    }

    private void replaceProducer(Exception cause) {
        log.warn("replacing the transactional producer after {}", cause.toString());
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("closing the old producer failed: {}", e.toString());
        }
        inTransaction = false;
        if (closing) {
            return;
        }
        producer = newProducer();
        scheduleReplay();
    }

    private void scheduleReplay() {
        mustReplay = true;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoffMillis * 2));
    }

    private Producer<byte[], byte[]> newProducer() {
        Producer<byte[], byte[]> created = producers.get();
        created.initTransactions();
        return created;
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("a commit callback failed", e);
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Commits what is queued, then closes the producer. */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /** As {@link #close()}, within {@code wait}: the outbox's thread commits and closes its producer, else it is interrupted. */
    void close(Duration wait) {
        closeBy = Deadline.in(wait);
        closing = true;
        commitNow();
        try {
            thread.join(Math.max(1, closeBy.remaining().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("the publisher thread did not end within {} ms; its producer is closed now", wait.toMillis());
            thread.interrupt();
            producer.close(Duration.ZERO);
        }
    }
}
