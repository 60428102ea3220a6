package dev.queryrelay.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario 4: the same batch of mock queries, submitted at once, through a worker and through
 * the loop a user would write by hand (one query to completion, then the next); both wall times
 * from the first submit to the last SUCCEEDED, and their ratio.
 */
final class BlockingLoopScenario {

    private final BenchContext ctx;
    private final BenchSettings settings;
    private final Report report;

    BlockingLoopScenario(BenchContext ctx) {
        this.ctx = ctx;
        this.settings = ctx.settings();
        this.report = ctx.report();
    }

    void run() throws InterruptedException {
        int count = settings.blockingQueries();
        long queryMs = settings.blockingQueryMs();
        String sql = BenchSql.mock(queryMs, 1);
        double worker;
        try (Subject subject = ctx.worker("worker-batch", Map.of())) {
            worker = batch(subject, sql, count, Duration.ofMillis(queryMs).plusMinutes(2));
        }
        double blocking;
        try (Subject subject = ctx.blockingLoop("blocking-loop")) {
            blocking = batch(subject, sql, count, Duration.ofMillis(queryMs * count * 2).plusMinutes(2));
        }
        String label = String.format(Locale.ROOT, "%d x %.1f s", count, queryMs / 1000.0);
        report.raw("batch.worker_s", worker);
        report.raw("batch.blocking_s", blocking);
        report.row("4", label + ": worker, wall time", Report.seconds(worker),
                "one query " + Report.seconds(queryMs / 1000.0), Report.ratio(worker / (queryMs / 1000.0)), null, null);
        report.row("4", label + ": blocking loop, wall time", Report.seconds(blocking),
                "sum of queries " + Report.seconds(count * queryMs / 1000.0),
                Report.ratio(blocking / (count * queryMs / 1000.0)), null, null);
        report.row("4", "blocking loop / worker", String.format(Locale.ROOT, "%.1f x faster", blocking / worker), null,
                null, null, null);
    }

    private double batch(Subject subject, String sql, int count, Duration timeout) throws InterruptedException {
        Tracker tracker = subject.tracker("batch");
        double seconds = ctx.load().burst(subject.commandTopic(), tracker, i -> BenchSql.submit(tracker.key(i), sql),
                count, timeout);
        System.out.printf(Locale.ROOT, "    %s: %d queries in %.1f s%n", subject.name(), count, seconds);
        return seconds;
    }
}
