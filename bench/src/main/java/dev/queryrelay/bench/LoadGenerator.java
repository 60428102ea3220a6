package dev.queryrelay.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Sends commands in three shapes: a closed loop at saturation (sustained rate), an open loop at
 * a fixed rate (latency), and a burst (everything at once). Each command is timestamped in its
 * {@link Tracker} just before it is handed to the producer; a failed send stops the run.
 */
final class LoadGenerator implements AutoCloseable {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    static final int MAX_BACKLOG_SECONDS = 5;

    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong failures = new AtomicLong();
    private volatile String firstFailure;

    LoadGenerator(String bootstrap) {
        this.producer = new KafkaProducer<>(ClientSettings.loadProducer(bootstrap));
    }

    void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null && failures.incrementAndGet() == 1) {
                firstFailure = key + ": " + error;
            }
        });
    }

    void flush() {
        producer.flush();
        checkNoFailures();
    }

    private void checkNoFailures() {
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " sends failed, first " + firstFailure);
        }
    }

    /**
     * Keeps {@code window} commands outstanding; the rate is measured after the warm-up, which lasts
     * {@code warmup} and then until the JIT compilers of the processes in {@code cpu} are quiet
     * ({@link JitWatch}), at most {@link JitWatch#MAX_WARMUP_FACTOR} times {@code warmup}.
     */
    Throughput closedLoop(String topic, Tracker tracker, LongFunction<byte[]> payload, int window, Duration warmup,
                          Duration measure, CpuMeter cpu) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        tracker.onComplete(permits::release);
        long start = System.nanoTime();
        JitWatch.Warmup warmingUp = new JitWatch(cpu.pids()).warmup(start, warmup);
        long end = Long.MAX_VALUE;
        long index = 0;
        long firstMeasured = -1;
        long completedAtStart = 0;
        long windowStart = 0;
        while (true) {
            long now = System.nanoTime();
            if (firstMeasured < 0 && warmingUp.over(now)) {
                firstMeasured = index;
                completedAtStart = tracker.completed();
                windowStart = now;
                end = now + measure.toNanos();
                tracker.measure(firstMeasured, Long.MAX_VALUE);
                cpu.start();
            }
            if (now >= end) {
                cpu.stop();
                break;
            }
            if (!permits.tryAcquire(5, TimeUnit.MILLISECONDS)) {
                continue;
            }
            tracker.sent(index, System.nanoTime());
            send(topic, tracker.key(index), payload.apply(index));
            index++;
            checkNoFailures();
        }
        long completions = tracker.completed() - completedAtStart;
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        tracker.measure(firstMeasured, index);
        drain(tracker, index);
        tracker.onComplete(null);
        return new Throughput(completions / seconds, completions, seconds, LatencySummary.of(tracker.takeLatencies()),
                String.format("%s (warm-up %.0f s)", cpu.perCommand(completions), (windowStart - start) / 1e9));
    }

    /**
     * Sends at {@code rate} per second; latencies of the commands scheduled after the warm-up.
     * Stops early when more than {@link #MAX_BACKLOG_SECONDS} of commands are outstanding: the
     * subject cannot sustain the rate.
     */
    FixedRateRun fixedRate(String topic, Tracker tracker, LongFunction<byte[]> payload, double rate, Duration warmup,
                           Duration measure, CpuMeter cpu) throws InterruptedException {
        long total = Math.round(rate * (warmup.toNanos() + measure.toNanos()) / 1e9);
        long firstMeasured = Math.round(rate * warmup.toNanos() / 1e9);
        tracker.measure(firstMeasured, total);
        tracker.takeLatencies();
        double interval = 1e9 / rate;
        long start = System.nanoTime() + 1_000_000;
        long maxLag = 0;
        long maxBacklog = Math.max(1000, Math.round(rate * MAX_BACKLOG_SECONDS));
        long sent = 0;
        boolean overloaded = false;
        for (long i = 0; i < total; i++) {
            long scheduled = start + (long) (i * interval);
            long now = System.nanoTime();
            if (now < scheduled) {
                LockSupport.parkNanos(scheduled - now);
                now = System.nanoTime();
            }
            if (i == firstMeasured) {
                cpu.start();
            }
            if (i >= firstMeasured) {
                maxLag = Math.max(maxLag, now - scheduled);
            }
            tracker.sent(i, scheduled);
            send(topic, tracker.key(i), payload.apply(i));
            sent++;
            if ((i & 255) == 0) {
                checkNoFailures();
                if (sent - tracker.completed() > maxBacklog) {
                    overloaded = true;
                    break;
                }
            }
        }
        if (sent > firstMeasured) {
            cpu.stop();
        }
        drain(tracker, sent);
        return new FixedRateRun(rate, LatencySummary.of(tracker.takeLatencies()), maxLag / 1e6, overloaded, sent,
                sent > firstMeasured ? cpu.perCommand(sent - firstMeasured) : "not measured (stopped in the warm-up)");
    }

    /** Sends {@code count} commands as fast as possible; returns seconds from the first send to the last completion. */
    double burst(String topic, Tracker tracker, LongFunction<byte[]> payload, int count, Duration timeout)
            throws InterruptedException {
        tracker.measure(0, count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            tracker.sent(i, System.nanoTime());
            send(topic, tracker.key(i), payload.apply(i));
        }
        producer.flush();
        checkNoFailures();
        if (!tracker.awaitCompleted(count, timeout)) {
            throw new IllegalStateException("only " + tracker.completed() + " of " + count + " commands completed within "
                    + timeout.toSeconds() + " s");
        }
        return (tracker.lastCompletionNanos() - start) / 1e9;
    }

    private void drain(Tracker tracker, long sent) throws InterruptedException {
        producer.flush();
        checkNoFailures();
        if (!tracker.awaitCompleted(sent, DRAIN_TIMEOUT)) {
            throw new IllegalStateException("only " + tracker.completed() + " of " + sent + " commands completed within "
                    + DRAIN_TIMEOUT.toSeconds() + " s after the run");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
