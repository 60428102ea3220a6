package dev.queryrelay.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 3: N long mock queries submitted at once to one fresh worker. Reports the time until
 * all have SUCCEEDED, the worker's thread count (largest seen), and its live heap (after a full
 * GC) at the peak minus the same worker's idle heap, per query in flight.
 */
final class InFlightScenario {

    private static final int MAX_THREADS = 100;
    private static final long MAX_BYTES_PER_QUERY = 4096;

    private final BenchContext ctx;
    private final BenchSettings settings;
    private final Report report;

    InFlightScenario(BenchContext ctx) {
        this.ctx = ctx;
        this.settings = ctx.settings();
        this.report = ctx.report();
    }

    void run() throws InterruptedException {
        for (int count : settings.inFlightCounts()) {
            run(count);
        }
    }

    private void run(int count) throws InterruptedException {
        long queryMs = settings.inFlightQueryMs();
        String label = String.format(Locale.ROOT, "%,d x %d s", count, queryMs / 1000);
        Map<String, String> workerSettings = Map.of("worker.max-in-flight", Integer.toString(count + count / 10 + 10));
        try (Subject worker = ctx.worker("worker-inflight-" + count, workerSettings)) {
            long idleHeap = JvmProbe.liveHeapBytes(worker.pid());
            int idleThreads = JvmProbe.threads(worker.pid());
            Tracker done = worker.tracker("q");
            Tracker running = worker.tracker("q", "RUNNING", Set.of("FAILED", "CANCELED", "TIMEOUT"));
            String sql = BenchSql.mock(queryMs, 1);
            long peakHeap;
            long inFlightAtPeak;
            int threadsAtPeak;
            double allRunningSeconds;
            double wall;
            int maxThreads;
            try (JvmProbe.ThreadSampler sampler = new JvmProbe.ThreadSampler(worker.pid())) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    long now = System.nanoTime();
                    done.sent(i, now);
                    running.sent(i, now);
                    ctx.load().send(worker.commandTopic(), done.key(i), BenchSql.submit(done.key(i), sql));
                }
                ctx.load().flush();
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                Duration timeout = Duration.ofMillis(queryMs).plusMinutes(5);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (running.completed() < count && done.completed() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    worker.jvm().checkAlive();
                }
                allRunningSeconds = running.completed() == count ? (running.lastCompletionNanos() - start) / 1e9 : Double.NaN;
                inFlightAtPeak = worker.metric("in_flight");
                threadsAtPeak = JvmProbe.threads(worker.pid());
                peakHeap = JvmProbe.liveHeapBytes(worker.pid());
                System.out.printf(Locale.ROOT, "    %s: sent in %.1f s, all RUNNING after %.1f s, %,d in flight, "
                        + "live heap %s%n", label, sendSeconds, allRunningSeconds, inFlightAtPeak, Report.mib(peakHeap));
                if (!done.awaitCompleted(count, timeout)) {
                    throw new IllegalStateException("only " + done.completed() + " of " + count + " queries SUCCEEDED within "
                            + timeout.toSeconds() + " s");
                }
                wall = (done.lastCompletionNanos() - start) / 1e9;
                maxThreads = Math.max(sampler.max(), threadsAtPeak);
            }
            double bytesPerQuery = (double) (peakHeap - idleHeap) / inFlightAtPeak;
            String prefix = "inflight." + count + ".";
            report.raw(prefix + "wall_s", wall);
            report.raw(prefix + "all_running_s", allRunningSeconds);
            report.raw(prefix + "in_flight_at_peak", inFlightAtPeak);
            report.raw(prefix + "idle_heap_bytes", idleHeap);
            report.raw(prefix + "peak_heap_bytes", peakHeap);
            report.raw(prefix + "bytes_per_query", bytesPerQuery);
            report.raw(prefix + "idle_threads", idleThreads);
            report.raw(prefix + "max_threads", maxThreads);
            boolean reference = count == settings.inFlightCounts().get(0);
            double bound = settings.inFlightBound().toMillis() / 1000.0;
            report.row("3", label + ": submit all → all SUCCEEDED", Report.seconds(wall)
                            + String.format(Locale.ROOT, " (all RUNNING after %.1f s)", allRunningSeconds),
                    "query duration " + Report.seconds(queryMs / 1000.0), Report.ratio(wall / (queryMs / 1000.0)),
                    reference ? "<= " + Report.seconds(bound) : "report", reference ? Report.met(wall <= bound) : "-");
            report.row("3", label + ": worker threads (largest seen; idle " + idleThreads + ")",
                    Integer.toString(maxThreads), null, null, "< " + MAX_THREADS, Report.met(maxThreads < MAX_THREADS));
            report.row("3", label + ": heap per query in flight", String.format(Locale.ROOT,
                            "%,.0f B (live heap %s at %,d in flight, idle %s)", bytesPerQuery, Report.mib(peakHeap),
                            inFlightAtPeak, Report.mib(idleHeap)),
                    null, null, "< 4 KB", Report.met(bytesPerQuery < MAX_BYTES_PER_QUERY));
        }
    }
}
