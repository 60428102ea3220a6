package dev.queryrelay.worker;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records Kafka refused for what they are (too large, invalid), which no retry would change: a
 * transaction holding one can never commit, so before the {@link Outbox} sends an aborted
 * transaction's records again, each refused one is replaced by its fallback (a dead letter without
 * its value), or dropped, instead of every partition stalling on it. Producer callbacks
 * {@linkplain #refused report} them; the outbox's thread {@linkplain #replaceIn replaces} them.
 */
final class RefusedRecords {

    private static final Logger log = LoggerFactory.getLogger(RefusedRecords.class);

    private final Queue<Refusal> refused = new ConcurrentLinkedQueue<>();
    final AtomicLong dropped = new AtomicLong();

    /** A record Kafka refused, and why. */
    private record Refusal(OutboxRecord outgoing, Exception error) {
    }

    /** A send of {@code outgoing} failed with {@code error}; kept when no retry could succeed. */
    void refused(OutboxRecord outgoing, Exception error) {
        if (error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException) {
            refused.add(new Refusal(outgoing, error));
        }
    }

    /** Replaces each refused record in {@code uncommitted} by its fallback, or removes it (its commit callback run); each logged at ERROR. */
    void replaceIn(List<OutboxRecord> uncommitted) {
        for (Refusal refusal = refused.poll(); refusal != null; refusal = refused.poll()) {
            OutboxRecord gone = refusal.outgoing();
            int at = indexOf(uncommitted, gone);
            if (at < 0) {
                continue;
            }
            byte[] value = gone.record().value();
            log.error("Kafka refused a record of {} bytes for topic {} ({}); {}", value == null ? 0 : value.length,
                    gone.record().topic(), refusal.error().toString(),
                    gone.fallback() != null ? "it is sent without its value" : "it is dropped");
            dropped.incrementAndGet();
            if (gone.fallback() != null) {
                uncommitted.set(at, new OutboxRecord(gone.fallback().apply(refusal.error()), gone.partition(), gone.onCommit()));
            } else {
                uncommitted.remove(at);
                if (gone.onCommit() != null) {
                    gone.onCommit().run();
                }
            }
        }
    }

    private static int indexOf(List<OutboxRecord> records, OutboxRecord wanted) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == wanted) {
                return i;
            }
        }
        return -1;
    }
}
