package dev.queryrelay.bench;

import dev.queryrelay.worker.WorkerConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Scenarios 0 to 2: the limits (a) pipe and (b) do-nothing protocol worker, the worker's
 * sustained rate of instant queries as a ratio to (b), and submit→SUCCEEDED latency at a fixed
 * rate (half of (b)'s sustained rate, at most 10,000/s) for the pipe, (b) and the worker. (b) and
 * the worker run side by side and their closed loops alternate ((b), worker, (b), worker), so that
 * a change of the machine's speed during the run weighs on both rates alike.
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
            pipe = throughput(subject, settings.pipeWindow(), "rate");
        }
        report.raw("pipe.records_per_s", pipe.perSecond());
        report.row("0a", "pipe: records/s (closed loop, " + settings.pipeWindow() + " outstanding)",
                Report.rate(pipe.perSecond()), null, null, null, null);
        report.row("0a", "pipe: CPU in that loop", pipe.cpu(), null, null, null, null);

        Throughput[] limit = new Throughput[2];
        Throughput[] worker = new Throughput[2];
        double rate;
        FixedRateRun limitLatency;
        FixedRateRun workerLatency;
        try (Subject nullWorker = ctx.nullWorker("null-worker");
             Subject subject = ctx.worker("worker-rate", Map.of())) {
            for (int round = 0; round < 2; round++) {
                String tracker = round == 0 ? "rate" : "rate-" + (round + 1);
                limit[round] = throughput(nullWorker, settings.workerWindow(), tracker);
                worker[round] = throughput(subject, settings.workerWindow(), tracker);
            }
            rate = Math.min(settings.maxLatencyRate(), Math.floor(perSecond(limit) / 2));
            limitLatency = latency(nullWorker, rate);
            workerLatency = latency(subject, rate);
            report.raw("worker.rate.metrics", subject.metrics());
        }
        double limitRate = perSecond(limit);
        double workerRate = perSecond(worker);
        report.raw("null.commands_per_s", limitRate);
        report.raw("null.commands_per_s.rounds", rates(limit));
        report.raw("latency.rate", rate);
        report.row("0b", "(b) do-nothing worker: commands/s (" + settings.workerWindow()
                        + " outstanding; two windows, alternating with the worker's)",
                Report.rate(limitRate) + rounds(limit), "pipe " + Report.rate(pipe.perSecond()),
                Report.percent(limitRate / pipe.perSecond()), "about 6-10% of the pipe (issue)", null);
        report.row("0b", "(b): CPU in those windows", cpus(limit), null, null, null, null);

        FixedRateRun pipeLatency;
        try (Subject subject = ctx.pipe("pipe-latency")) {
            pipeLatency = latency(subject, rate);
        }
        report.raw("pipe.latency", pipeLatency);
        report.row("0a", "pipe: latency at " + Report.rate(rate), pipeLatency.format(), null, null, null, null);
        report.raw("null.latency", limitLatency);
        report.row("0b", "(b): submit→SUCCEEDED at " + Report.rate(rate), limitLatency.format(), null, null,
                null, null);

        report.raw("worker.commands_per_s", workerRate);
        report.raw("worker.commands_per_s.rounds", rates(worker));
        double overhead = workerRate / limitRate;
        report.row("1", "worker: instant mock queries, commands/s (two windows, alternating with (b)'s)",
                Report.rate(workerRate) + rounds(worker), "(b) " + Report.rate(limitRate), Report.ratio(overhead),
                ">= 0.7 x (b)", Report.met(overhead >= 0.7));
        report.row("1", "worker: CPU in those windows", cpus(worker), null, null, null, null);

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
            Throughput worker = throughput(subject, settings.workerWindow(), "rate");
            FixedRateRun latency = latency(subject, rate);
            report.row("1", "worker: instant mock queries, commands/s", Report.rate(worker.perSecond()), null, null,
                    null, null);
            report.row("1", "worker: CPU in that loop", worker.cpu(), null, null, null, null);
            report.row("2", "worker: submit→SUCCEEDED at " + Report.rate(rate) + " (--rate)", latency.format(), null,
                    null, null, null);
            report.row("2", "CPU at " + Report.rate(rate) + ": worker", latency.cpu(), null, null, null, null);
        }
    }

    /** Completions per second over all the windows. */
    private static double perSecond(Throughput[] windows) {
        long completions = 0;
        double seconds = 0;
        for (Throughput window : windows) {
            completions += window.completions();
            seconds += window.seconds();
        }
        return completions / seconds;
    }

    private static String rounds(Throughput[] windows) {
        return " (" + Report.rate(windows[0].perSecond()) + ", then " + Report.rate(windows[1].perSecond()) + ")";
    }

    private static double[] rates(Throughput[] windows) {
        return Arrays.stream(windows).mapToDouble(Throughput::perSecond).toArray();
    }

    private static String cpus(Throughput[] windows) {
        return windows[0].cpu() + "; " + windows[1].cpu();
    }

    private Throughput throughput(Subject subject, int window, String trackerName) throws InterruptedException {
        Tracker tracker = subject.tracker(trackerName);
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
