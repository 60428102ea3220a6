package dev.queryrelay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 5: one mock query with many rows streamed to the results topic, on a fresh worker per
 * size. First an undisturbed run for rows/s (submit to the SUCCEEDED event, which follows every
 * page's acknowledgement) and the GC log's heap figures; then the same query again while the live
 * heap (after a full GC, by jcmd) is sampled back to back, for the peak live heap, which must not
 * grow with the row count.
 */
final class StreamingScenario {

    private static final double TARGET_ROWS_PER_S = 250_000;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final BenchContext ctx;
    private final BenchSettings settings;
    private final Report report;

    StreamingScenario(BenchContext ctx) {
        this.ctx = ctx;
        this.settings = ctx.settings();
        this.report = ctx.report();
    }

    private record Run(long rows, double seconds, long pages, long idleHeap, JvmProbe.GcPeaks gc, long liveHeap,
                       int liveSamples) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    void run() throws InterruptedException {
        List<Run> runs = new ArrayList<>();
        for (long rows : settings.streamingRows()) {
            runs.add(run(rows));
        }
        Run largest = runs.get(runs.size() - 1);
        for (Run run : runs) {
            String label = String.format(Locale.ROOT, "%,d rows", run.rows());
            boolean reference = run == largest;
            report.row("5", label + ": rows/s to the results topic", Report.rate(run.rowsPerSecond())
                            + String.format(Locale.ROOT, " (%.2f s, %,d pages)", run.seconds(), run.pages()),
                    "JMH pageRecord (below)", null, reference ? ">= 250,000/s" : null,
                    reference ? Report.met(run.rowsPerSecond() >= TARGET_ROWS_PER_S) : null);
            report.row("5", label + ": worker heap while streaming", String.format(Locale.ROOT,
                            "live (after full GC) at most %s in %d samples; GC log: at most %d MiB after / %d MiB before "
                                    + "a young GC (%d pauses); idle live %s",
                            Report.mib(run.liveHeap()), run.liveSamples(), run.gc().maxAfterMb(), run.gc().maxBeforeMb(),
                            run.gc().pauses(), Report.mib(run.idleHeap())),
                    null, null, null, null);
        }
        Run smallest = runs.get(0);
        if (smallest.liveSamples() == 0 || largest.liveSamples() == 0) {
            report.row("5", "live heap, largest vs smallest", "no live heap sample during a query", null, null,
                    "does not grow with rows", null);
            return;
        }
        double growth = (double) largest.liveHeap() / smallest.liveHeap();
        report.row("5", String.format(Locale.ROOT, "peak live heap, %,d vs %,d rows", largest.rows(), smallest.rows()),
                Report.mib(largest.liveHeap()) + " vs " + Report.mib(smallest.liveHeap()), null, Report.ratio(growth),
                "does not grow with rows (<= 1.25 x)", Report.met(growth <= 1.25));
    }

    private void saveHistogram(String file, String histogram) {
        try {
            Files.writeString(ctx.dir().resolve(file), histogram);
        } catch (java.io.IOException e) {
            System.out.println("    cannot write " + file + ": " + e);
        }
    }

    private Run run(long rows) throws InterruptedException {
        try (Subject worker = ctx.worker("worker-stream-" + rows, Map.of())) {
            long idleHeap = JvmProbe.liveHeapBytes(worker.pid());
            int mark = JvmProbe.gcLogLines(worker.jvm().gcLog());
            Tracker tracker = worker.tracker("stream");
            double seconds = ctx.load().burst(worker.commandTopic(), tracker,
                    i -> BenchSql.submit(tracker.key(i), BenchSql.mock(0, rows)), 1, TIMEOUT);
            JvmProbe.GcPeaks gc = JvmProbe.gcPeaks(worker.jvm().gcLog(), mark);
            long pages = checkSucceeded(tracker, rows).path("pages").asLong();

            Tracker sampled = worker.tracker("sampled");
            long liveHeap;
            int liveSamples;
            try (JvmProbe.LiveHeapSampler sampler = new JvmProbe.LiveHeapSampler(worker.pid()).start()) {
                ctx.load().burst(worker.commandTopic(), sampled,
                        i -> BenchSql.submit(sampled.key(i), BenchSql.mock(0, rows)), 1, TIMEOUT);
                sampler.close();
                liveHeap = sampler.maxBytes();
                liveSamples = sampler.samples();
                if (sampler.skipped() > 0) {
                    System.out.printf(Locale.ROOT, "    %d heap samples left out: the JVM skipped their full GC (GC locker held)%n",
                            sampler.skipped());
                }
                saveHistogram(worker.name() + "-heap-peak-histogram.txt", sampler.largestHistogram());
            }
            checkSucceeded(sampled, rows);

            Run run = new Run(rows, seconds, pages, idleHeap, gc, liveHeap, liveSamples);
            System.out.printf(Locale.ROOT, "    %,d rows in %.2f s = %s, %s, live heap at most %s (%d samples)%n", rows,
                    seconds, Report.rate(run.rowsPerSecond()), gc, Report.mib(liveHeap), liveSamples);
            Map<String, Object> raw = new LinkedHashMap<>();
            raw.put("seconds", seconds);
            raw.put("rows_per_s", run.rowsPerSecond());
            raw.put("pages", pages);
            raw.put("idle_live_heap_bytes", idleHeap);
            raw.put("max_live_heap_bytes", liveHeap);
            raw.put("live_heap_samples", liveSamples);
            raw.put("gc_pauses", gc.pauses());
            raw.put("gc_max_after_mb", gc.maxAfterMb());
            raw.put("gc_max_before_mb", gc.maxBeforeMb());
            report.raw("stream." + rows, raw);
            report.raw("stream.rows_per_s", run.rowsPerSecond());
            return run;
        }
    }

    private static JsonNode checkSucceeded(Tracker tracker, long rows) {
        JsonNode event = json(tracker.lastCompletionValue());
        long rowCount = event.path("row_count").asLong(-1);
        if (rowCount != rows) {
            throw new IllegalStateException("SUCCEEDED reports " + rowCount + " rows, expected " + rows + ": " + event);
        }
        return event;
    }

    private static JsonNode json(byte[] value) {
        try {
            return new ObjectMapper().readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
