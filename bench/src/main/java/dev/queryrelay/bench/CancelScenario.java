package dev.queryrelay.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 6: with long mock queries running on one worker, cancel some of them at a steady rate
 * and measure each cancel command's send to its CANCELED event. The other queries keep running
 * throughout, so at least {@code cancelBackground} queries are in flight the whole time.
 */
final class CancelScenario {

    private static final long QUERY_MS = 600_000;

    private final BenchContext ctx;
    private final BenchSettings settings;
    private final Report report;

    CancelScenario(BenchContext ctx) {
        this.ctx = ctx;
        this.settings = ctx.settings();
        this.report = ctx.report();
    }

    void run() throws InterruptedException {
        int background = settings.cancelBackground();
        int targets = settings.cancelTargets();
        Map<String, String> workerSettings = Map.of("worker.max-in-flight", Integer.toString(background + targets + 100));
        FixedRateRun run;
        long inFlight;
        try (Subject worker = ctx.worker("worker-cancel", workerSettings)) {
            Set<String> failures = Set.of("FAILED", "TIMEOUT", "SUCCEEDED");
            Tracker backgroundRunning = worker.tracker("bg", "RUNNING", failures);
            Tracker targetRunning = worker.tracker("t", "RUNNING", failures);
            Tracker canceled = worker.tracker("t", "CANCELED", failures);
            String sql = BenchSql.mock(QUERY_MS, 1);
            submit(backgroundRunning, background, sql, worker);
            submit(targetRunning, targets, sql, worker);
            ctx.load().flush();
            Duration timeout = Duration.ofMinutes(2);
            if (!backgroundRunning.awaitCompleted(background, timeout) || !targetRunning.awaitCompleted(targets, timeout)) {
                throw new IllegalStateException("queries not RUNNING within " + timeout.toSeconds() + " s");
            }
            inFlight = worker.metric("in_flight");
            Duration length = Duration.ofMillis(Math.round(targets * 1000 / settings.cancelRate()));
            run = ctx.load().fixedRate(worker.topics().cancel(), canceled, i -> BenchSql.cancel(canceled.key(i)),
                    settings.cancelRate(), Duration.ZERO, length, ctx.cpuMeter(worker));
            long after = worker.metric("in_flight");
            System.out.printf(Locale.ROOT, "    %,d in flight before, %,d after: %s%n", inFlight, after,
                    run.format());
        }
        report.raw("cancel.latency", run);
        Object pipe = report.raw("pipe.latency");
        String limit = pipe instanceof FixedRateRun p ? "pipe p99 " + Report.ms(p.latency().p99()) : null;
        String ratio = pipe instanceof FixedRateRun p ? Report.ratio(run.latency().p99() / p.latency().p99()) + " (p99)"
                : null;
        report.row("6", String.format(Locale.ROOT, "cancel→CANCELED, %d cancels at %s, %,d queries in flight",
                        targets, Report.rate(settings.cancelRate()), inFlight),
                run.format(), limit, ratio, "p99 < 100 ms", Report.met(!run.overloaded() && run.latency().p99() < 100));
    }

    private void submit(Tracker tracker, int count, String sql, Subject worker) {
        for (int i = 0; i < count; i++) {
            tracker.sent(i, System.nanoTime());
            ctx.load().send(worker.commandTopic(), tracker.key(i), BenchSql.submit(tracker.key(i), sql));
        }
    }
}
