package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The one owner of the worker's transactional producers, on a thread of its own: every record the
 * worker publishes (events, pages, state records, dead letters) and the consumed offsets go
 * through it, and become visible together when a transaction commits. A transaction's offsets carry
 * the consumer group's metadata, so the group coordinator refuses the commit of a worker whose
 * membership has moved on (KIP-447): nothing such a worker sent becomes visible. Each commit that
 * succeeds renews the {@link OwnershipLease}.
 *
 * <p>Two {@link TransactionSlot}s take turns: when a commit is due, the open slot's records are
 * flushed (so that everything sent later follows them in every partition) and its commit runs on
 * the committer thread while new records fill the other slot's transaction. Commits follow each
 * other strictly: the next begins only once the previous one succeeded. A transaction that cannot
 * commit is aborted together with the one filling behind it, and their records are sent again, in
 * order, in the next one, unless their partition was {@linkplain #purge purged} meanwhile (it moved
 * to another worker, whose state wins).
 *
 * <p>Other threads only enqueue, never wait (except {@link #commitNow}, for rebalances and shutdown).
 */
final class Outbox implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    /**
     * A record to publish. {@code partition} is the number of the command partition the record
     * belongs to (-1: none); {@code onCommit} runs on this thread once its transaction committed.
     */
    record Outgoing(ProducerRecord<byte[], byte[]> record, int partition, Runnable onCommit) implements Item {
        Outgoing {
            Objects.requireNonNull(record, "record");
        }
    }

    /** The offsets to commit next (every owned command partition) and the group metadata that fences them. */
    record Offsets(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) implements Item {
    }

    private record CommitRequest(CompletableFuture<Boolean> done) implements Item {
    }

    private record Purge(Set<Integer> partitions, Set<TopicPartition> offsets, CompletableFuture<Void> done) implements Item {
    }

    /** The committer thread finished a commit. */
    private record CommitEnded() implements Item {
    }

    private sealed interface Item permits Outgoing, Offsets, CommitRequest, Purge, CommitEnded {
    }

    /** A commit on the committer thread: its slot, when it began, and its failure (null: committed). */
    private record InFlight(TransactionSlot slot, long startedAt, CompletableFuture<RuntimeException> outcome) {
    }

    private final Map<String, String> mdc;
    private final OwnershipLease lease;
    private final CommitPacing pacing;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private final TransactionSlot[] slots;
    private final ExecutorService committer;
    private final Thread thread;
    private TransactionSlot open;
    private InFlight inFlight;
    private ConsumerGroupMetadata group;
    private boolean mustReplay;
    private long backoffMillis;
    private volatile boolean closing;

    final AtomicLong commits = new AtomicLong();
    final AtomicLong aborts = new AtomicLong();

    /** {@code producers} makes the producer of slot 0 or 1, each with a transactional id of its own. */
    Outbox(IntFunction<Producer<byte[], byte[]>> producers, OwnershipLease lease, Duration interval,
           String threadName, Map<String, String> mdc) {
        this.mdc = Map.copyOf(mdc);
        this.lease = lease;
        this.pacing = new CommitPacing(interval, lease);
        this.slots = new TransactionSlot[] {new TransactionSlot(0, producers), new TransactionSlot(1, producers)};
        this.open = slots[0];
        this.committer = Executors.newSingleThreadExecutor(runnable -> {
            Thread committing = new Thread(() -> {
                this.mdc.forEach(MDC::put);
                runnable.run();
            }, threadName + "-commit");
            committing.setDaemon(true);
            return committing;
        });
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Publishes a record in the current or next transaction; never blocks. */
    void send(ProducerRecord<byte[], byte[]> record, int partition, Runnable onCommit) {
        queue.add(new Outgoing(record, partition, onCommit));
    }

    /** The offsets and group metadata the consumer has reached; committed with the records sent before them. */
    void offsets(Map<TopicPartition, OffsetAndMetadata> next, ConsumerGroupMetadata metadata) {
        queue.add(new Offsets(Map.copyOf(next), metadata));
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
        queue.add(new CommitRequest(done));
        return done;
    }

    /**
     * Drops every record not committed yet that belongs to {@code partitions} (command partition
     * numbers), and stops committing offsets of {@code offsetPartitions}: they moved to another worker.
     */
    CompletableFuture<Void> purge(Set<Integer> partitions, Set<TopicPartition> offsetPartitions) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Purge(Set.copyOf(partitions), Set.copyOf(offsetPartitions), done));
        return done;
    }

    @Override
    public void run() {
        mdc.forEach(MDC::put);
        try {
            while (!closing || !queue.isEmpty()) {
                Item item = queue.poll(inFlight != null ? CommitPacing.IDLE_WAKE_UP_MILLIS
                        : pacing.waitMillis(!offsets.isEmpty(), mustReplay, backoffMillis), TimeUnit.MILLISECONDS);
                for (; item != null; item = queue.poll()) {
                    accept(item);
                }
                if (inFlight != null && inFlight.outcome().isDone()) {
                    finishCommit();
                }
                if (inFlight == null && pacing.due(!offsets.isEmpty(), mustReplay)) {
                    startCommit();
                }
            }
            commitEverything();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("the publisher thread failed; nothing more is published", e);
        }
    }

    private void accept(Item item) {
        if (item instanceof Outgoing outgoing) {
            open.records.add(outgoing);
            pacing.changed(outgoing.onCommit() != null);
            if (!mustReplay) {
                send(outgoing);
            }
        } else if (item instanceof Offsets next) {
            offsets.putAll(next.offsets());
            group = next.group();
            pacing.changed(false);
        } else if (item instanceof CommitRequest request) {
            request.done().complete(commitEverything());
        } else if (item instanceof Purge purge) {
            if (inFlight != null) {
                finishCommit();
            }
            int before = open.records.size();
            open.records.removeIf(outgoing -> purge.partitions().contains(outgoing.partition()));
            offsets.keySet().removeAll(purge.offsets());
            if (open.records.size() != before && open.inTransaction()) {
                abort("records of partitions " + purge.partitions() + " that moved to another worker");
            }
            purge.done().complete(null);
        }
    }

    private void send(Outgoing outgoing) {
        try {
            open.send(outgoing, (metadata, error) -> {
                if (error != null && !(error instanceof RetriableException)) {
                    log.debug("send to {} failed: {}", outgoing.record().topic(), error.toString());
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            log.warn("send to {} failed, the transaction will be retried: {}", outgoing.record().topic(), e.toString());
            mustReplay = true;
        }
    }

    /** Waits for the commit in flight, then commits the open transaction and waits for it. */
    private boolean commitEverything() {
        if (inFlight != null) {
            finishCommit();
        }
        return startCommit() && (inFlight == null || finishCommit());
    }

    /**
     * Hands the open transaction to the committer and opens the other slot; true when it began or
     * there was nothing to commit, false when it could not begin.
     */
    private boolean startCommit() {
        if (mustReplay && !replay()) {
            return false;
        }
        if (offsets.isEmpty()) {
            if (open.records.isEmpty()) {
                pacing.clean();
                return true;
            }
            log.debug("{} records wait for the offsets of a partition they belong to", open.records.size());
            return false;
        }
        TransactionSlot slot = open;
        long startedAt = pacing.committing();
        try {
            slot.flush();
        } catch (KafkaException | IllegalStateException e) {
            lease.expire();
            abort("flush failed: " + e);
            return false;
        }
        pacing.clean();
        open = slot == slots[0] ? slots[1] : slots[0];
        Map<TopicPartition, OffsetAndMetadata> committed = Map.copyOf(offsets);
        ConsumerGroupMetadata fencedBy = group;
        CompletableFuture<RuntimeException> outcome = new CompletableFuture<>();
        inFlight = new InFlight(slot, startedAt, outcome);
        committer.execute(() -> {
            try {
                slot.commit(committed, fencedBy);
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(e);
            } finally {
                queue.add(new CommitEnded());
            }
        });
        return true;
    }

    /** Waits for the commit in flight and takes its outcome; false when it failed. */
    private boolean finishCommit() {
        InFlight ended = inFlight;
        inFlight = null;
        RuntimeException failure = ended.outcome().join();
        TransactionSlot slot = ended.slot();
        if (failure == null) {
            backoffMillis = 0;
            commits.incrementAndGet();
            lease.renew(ended.startedAt());
            for (Outgoing outgoing : slot.records) {
                if (outgoing.onCommit() != null) {
                    runQuietly(outgoing.onCommit());
                }
            }
            slot.records.clear();
            return true;
        }
        lease.expire();
        if (failure instanceof ProducerFencedException || failure instanceof InvalidProducerEpochException
                || failure instanceof OutOfOrderSequenceException || failure instanceof UnsupportedVersionException
                || failure instanceof AuthorizationException) {
            slot.replace(failure);
        } else {
            aborts.incrementAndGet();
            log.warn("transaction aborted: commit failed: {}; its {} records will be sent again unless their partition moved",
                    failure.toString(), slot.records.size());
            slot.abort();
        }
        open.abort();
        slot.records.addAll(open.records);
        open.records.clear();
        open = slot;
        scheduleReplay();
        return false;
    }

    /** Sends the records of aborted transactions again, in order, in a new one. */
    private boolean replay() {
        mustReplay = false;
        try {
            for (Outgoing outgoing : open.records) {
                open.send(outgoing, null);
            }
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            open.replace(e);
            scheduleReplay();
            return false;
        } catch (KafkaException | IllegalStateException e) {
            abort("resending failed: " + e);
            return false;
        }
    }

    private void abort(String why) {
        aborts.incrementAndGet();
        log.warn("transaction aborted: {}; its {} records will be sent again unless their partition moved", why,
                open.records.size());
        open.abort();
        scheduleReplay();
    }

    private void scheduleReplay() {
        mustReplay = true;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoffMillis * 2));
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

    /** Commits what is queued, then closes the producers. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        committer.shutdownNow();
        for (TransactionSlot slot : slots) {
            slot.close(CLOSE_TIMEOUT);
        }
    }
}
