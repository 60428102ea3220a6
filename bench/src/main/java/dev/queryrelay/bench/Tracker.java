package dev.queryrelay.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Follows the commands of one run, keyed {@code PREFIX-INDEX}: when each was sent (by the load
 * generator) and when its completion event arrived (seen by an {@link EventWatcher}, on the same
 * clock). A completion is a status event with the tracker's status, or any record when that
 * status is null (the pipe). Duplicates (events are at-least-once) count once; an event with one
 * of the error statuses counts as an error.
 */
final class Tracker {

    private static final int CHUNK_BITS = 16;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MAX_CHUNKS = 1 << 12;
    private static final byte[] STATUS_FIELD = "\"status\":\"".getBytes(StandardCharsets.US_ASCII);

    private final String prefix;
    private final String completion;
    private final Set<String> errorStatuses;
    private final AtomicReferenceArray<AtomicLongArray> sentAt = new AtomicReferenceArray<>(MAX_CHUNKS);
    private final BitSet done = new BitSet();
    private final Recorder recorder = new Recorder(3_600_000_000L, 3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile long measureFrom;
    private volatile long measureTo = Long.MAX_VALUE;
    private volatile long lastCompletionNanos;
    private volatile String firstError;
    private volatile byte[] lastCompletionValue;
    private volatile Runnable onComplete;

    Tracker(String prefix, String completion, Set<String> errorStatuses) {
        this.prefix = Objects.requireNonNull(prefix, "prefix") + "-";
        this.completion = completion;
        this.errorStatuses = Set.copyOf(errorStatuses);
    }

    /** A tracker whose completion is {@code SUCCEEDED}; FAILED, CANCELED and TIMEOUT are errors. */
    static Tracker succeeded(String prefix) {
        return new Tracker(prefix, "SUCCEEDED", Set.of("FAILED", "CANCELED", "TIMEOUT"));
    }

    String key(long index) {
        return prefix + index;
    }

    void sent(long index, long nanos) {
        int chunk = (int) (index >>> CHUNK_BITS);
        AtomicLongArray times = sentAt.get(chunk);
        if (times == null) {
            sentAt.compareAndSet(chunk, null, new AtomicLongArray(CHUNK));
            times = sentAt.get(chunk);
        }
        times.set((int) (index & (CHUNK - 1)), nanos);
    }

    /** Only commands with {@code from <= index < to} have their latency recorded. */
    void measure(long from, long to) {
        measureFrom = from;
        measureTo = to;
    }

    void onComplete(Runnable action) {
        onComplete = action;
    }

    /** Called by the watcher thread for every record of the topic. */
    void accept(String key, byte[] value, long arrivalNanos) {
        if (key == null || !key.startsWith(prefix)) {
            return;
        }
        if (completion != null) {
            String status = statusOf(value);
            if (status == null || !status.equals(completion)) {
                if (status != null && errorStatuses.contains(status)) {
                    errors.incrementAndGet();
                    if (firstError == null) {
                        firstError = new String(value, StandardCharsets.UTF_8);
                    }
                }
                return;
            }
        }
        long index;
        try {
            index = Long.parseLong(key, prefix.length(), key.length(), 10);
        } catch (NumberFormatException e) {
            return;
        }
        if (index > Integer.MAX_VALUE || done.get((int) index)) {
            return;
        }
        done.set((int) index);
        AtomicLongArray times = sentAt.get((int) (index >>> CHUNK_BITS));
        long sent = times == null ? 0 : times.get((int) (index & (CHUNK - 1)));
        if (sent != 0 && index >= measureFrom && index < measureTo) {
            recorder.recordValue(Math.max(0, (arrivalNanos - sent) / 1000));
        }
        lastCompletionNanos = arrivalNanos;
        lastCompletionValue = value;
        completed.incrementAndGet();
        Runnable action = onComplete;
        if (action != null) {
            action.run();
        }
    }

    long completed() {
        return completed.get();
    }

    long errors() {
        return errors.get();
    }

    String firstError() {
        return firstError;
    }

    long lastCompletionNanos() {
        return lastCompletionNanos;
    }

    byte[] lastCompletionValue() {
        return lastCompletionValue;
    }

    /** The latencies recorded since the last call (microseconds). */
    Histogram takeLatencies() {
        return recorder.getIntervalHistogram();
    }

    /** Waits until {@code count} commands have completed; false on timeout. Fails fast on errors. */
    boolean awaitCompleted(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completed.get() < count) {
            if (errors.get() > 0) {
                throw new IllegalStateException(errors.get() + " commands of " + prefix + "* ended in error, e.g. "
                        + firstError);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    static String statusOf(byte[] value) {
        if (value == null) {
            return null;
        }
        int at = indexOf(value, STATUS_FIELD);
        if (at < 0) {
            return null;
        }
        int start = at + STATUS_FIELD.length;
        for (int i = start; i < value.length; i++) {
            if (value[i] == '"') {
                return new String(value, start, i - start, StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
