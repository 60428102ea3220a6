package dev.queryrelay.bench;

import dev.queryrelay.worker.WorkerConfig;

import java.time.Duration;
import java.util.Map;

/**
 * Scenarios 0 to 2: the limits (a) pipe and (b) do-nothing protocol worker, the worker's
 * sustained rate of instant queries as a ratio to (b), and submit→SUCCEEDED latency at a fixed
 * rate (half of (b)'s sustained rate, at most 10,000/s) for the pipe, (b) and the worker.
 */
final class RateScenarios {

    private final BenchContext ctx;
    private final BenchSettings settings;
    private final Report report;

    private final double givenRate;

    /** With a {@code givenRate} (> 0), only the worker is measured, at that rate: no limits, no ratios. */
    RateScenarios(BenchContext ctx, double givenRate) {
        this.ctx = ctx;
        this.givenRate = givenRate;
        this.settings = ctx.settings();
        this.report = ctx.report();
    }

    void run() throws InterruptedException {
        if (givenRate > 0) {
            workerOnly(givenRate);
            return;
        }
        Throughput pipe;
        try (Subject subject = ctx.pipe("pipe")) {
            pipe = throughput(subject, settings.pipeWindow());
        }
        report.raw("pipe.records_per_s", pipe.perSecond());
        report.row("0a", "pipe: records/s (closed loop, " + settings.pipeWindow() + " outstanding)",
                Report.rate(pipe.perSecond()), null, null, null, null);
        report.row("0a", "pipe: CPU in that loop", pipe.cpu(), null, null, null, null);

        Throughput limit;
        double rate;
        FixedRateRun limitLatency;
        try (Subject subject = ctx.nullWorker("null-worker")) {
            limit = throughput(subject, settings.workerWindow());
            rate = Math.min(settings.maxLatencyRate(), Math.floor(limit.perSecond() / 2));
            limitLatency = latency(subject, rate);
        }
        report.raw("null.commands_per_s", limit.perSecond());
        report.raw("latency.rate", rate);
        report.row("0b", "(b) do-nothing worker: commands/s (" + settings.workerWindow() + " outstanding)",
                Report.rate(limit.perSecond()), "pipe " + Report.rate(pipe.perSecond()),
                Report.percent(limit.perSecond() / pipe.perSecond()), "about 6-10% of the pipe (issue)", null);
        report.row("0b", "(b): CPU in that loop", limit.cpu(), null, null, null, null);

        FixedRateRun pipeLatency;
        try (Subject subject = ctx.pipe("pipe-latency")) {
            pipeLatency = latency(subject, rate);
        }
        report.raw("pipe.latency", pipeLatency);
        report.row("0a", "pipe: latency at " + Report.rate(rate), pipeLatency.format(), null, null, null, null);
        report.raw("null.latency", limitLatency);
        report.row("0b", "(b): submit→SUCCEEDED at " + Report.rate(rate), limitLatency.format(), null, null,
                null, null);

        Throughput worker;
        FixedRateRun workerLatency;
        try (Subject subject = ctx.worker("worker-rate", Map.of())) {
            worker = throughput(subject, settings.workerWindow());
            workerLatency = latency(subject, rate);
            report.raw("worker.rate.metrics", subject.metrics());
        }
        report.raw("worker.commands_per_s", worker.perSecond());
        double overhead = worker.perSecond() / limit.perSecond();
        report.row("1", "worker: instant mock queries, commands/s", Report.rate(worker.perSecond()),
                "(b) " + Report.rate(limit.perSecond()), Report.ratio(overhead), ">= 0.7 x (b)",
                Report.met(overhead >= 0.7));
        report.row("1", "worker: CPU in that loop", worker.cpu(), null, null, null, null);

        report.raw("worker.latency", workerLatency);
        double p99 = workerLatency.latency().p99();
        double vsLimit = p99 / limitLatency.latency().p99();
        long commitInterval = (Long) WorkerConfig.CONFIG_DEF.defaultValues().get(WorkerConfig.COMMIT_INTERVAL_MS);
        double p99Bound = 2 * limitLatency.latency().p99() + commitInterval;
        report.row("2", "worker: submit→SUCCEEDED at " + Report.rate(rate), workerLatency.format(),
                "(b) p99 " + Report.ms(limitLatency.latency().p99()),
                workerLatency.latency().count() == 0 ? null : Report.ratio(vsLimit) + " (p99)",
                "p99 <= 2 x (b) + worker.commit-interval-ms (" + Report.ms(p99Bound) + ")",
                Report.met(!workerLatency.overloaded() && p99 <= p99Bound));
        report.row("2", "CPU at " + Report.rate(rate) + ": pipe", pipeLatency.cpu(), null, null, null, null);
        report.row("2", "CPU at " + Report.rate(rate) + ": (b)", limitLatency.cpu(), null, null, null, null);
        report.row("2", "CPU at " + Report.rate(rate) + ": worker", workerLatency.cpu(), null, null, null, null);
        report.row("2", "load generator lag at most (pipe / (b) / worker)", Report.ms(pipeLatency.maxSendLagMs()) + " / "
                + Report.ms(limitLatency.maxSendLagMs()) + " / " + Report.ms(workerLatency.maxSendLagMs()),
                null, null, null, null);
    }

    private void workerOnly(double rate) throws InterruptedException {
        try (Subject subject = ctx.worker("worker-rate", Map.of())) {
            Throughput worker = throughput(subject, settings.workerWindow());
            FixedRateRun latency = latency(subject, rate);
            report.row("1", "worker: instant mock queries, commands/s", Report.rate(worker.perSecond()), null, null,
                    null, null);
            report.row("1", "worker: CPU in that loop", worker.cpu(), null, null, null, null);
            report.row("2", "worker: submit→SUCCEEDED at " + Report.rate(rate) + " (--rate)", latency.format(), null,
                    null, null, null);
            report.row("2", "CPU at " + Report.rate(rate) + ": worker", latency.cpu(), null, null, null, null);
        }
    }

    private Throughput throughput(Subject subject, int window) throws InterruptedException {
        Tracker tracker = subject.tracker("rate");
        Throughput result = ctx.load().closedLoop(subject.commandTopic(), tracker,
                i -> BenchSql.submit(tracker.key(i), BenchSql.INSTANT), window, settings.throughputWarmup(),
                settings.throughputMeasure(), ctx.cpuMeter(subject));
        System.out.printf("    %s: %s, latency in the closed loop %s; %s%n", subject.name(),
                Report.rate(result.perSecond()), result.latency().format(), result.cpu());
        return result;
    }

    private FixedRateRun latency(Subject subject, double rate) throws InterruptedException {
        Tracker tracker = subject.tracker("latency");
        Duration warmup = settings.latencyWarmup();
        FixedRateRun run = ctx.load().fixedRate(subject.commandTopic(), tracker,
                i -> BenchSql.submit(tracker.key(i), BenchSql.INSTANT), rate, warmup, settings.latencyMeasure(),
                ctx.cpuMeter(subject));
        System.out.printf("    %s at %s: %s, load generator lag at most %.1f ms; %s%n", subject.name(),
                Report.rate(rate), run.format(), run.maxSendLagMs(), run.cpu());
        return run;
    }
}
