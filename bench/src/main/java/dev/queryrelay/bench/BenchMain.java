package dev.queryrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark run of docs/performance.md: starts a Kafka broker in a JVM of its own, then runs
 * scenarios 0 to 6 and the JMH benchmark in order, each subject in a JVM of its own with this JVM
 * as the load generator, and prints a summary (also written to {@code summary.md} and
 * {@code results.json} in the run directory).
 *
 * <pre>bench/run.sh [--quick] [--only=limits,3,4,5,6,jmh] [--out=DIR] [--profile] [--patch=DIR]
 *              [--worker-jvm="OPTIONS"] [--worker-config=key=value,...] [--rate=N]</pre>
 *
 * {@code limits} is scenarios 0, 1 and 2 (they share the fixed rate); {@code --quick} scales every
 * scenario down to a smoke run of a few minutes; {@code --profile} records a JFR profile of every
 * JVM but the load generator ({@code NAME.jfr} in the run directory); {@code --patch=DIR} puts a
 * directory of compiled classes ahead of the worker jar in the subjects' JVMs, to measure a change
 * to the worker before it is installed; {@code --worker-jvm} and {@code --worker-config} add JVM
 * options and settings to every QueryRelay worker (to measure a deployment choice); {@code --rate=N}
 * measures only the worker in {@code limits}, at N commands/s (no limits, no ratios).
 */
public final class BenchMain {

    private static final List<String> STEPS = List.of("limits", "3", "4", "5", "6", "jmh");

    private BenchMain() {
    }

    public static void main(String[] arguments) throws Exception {
        Args args;
        try {
            args = Args.parse(arguments, Set.of("quick", "only", "out", "profile", "patch", "worker-jvm", "worker-config",
                    "rate"));
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println("usage: bench/run.sh [--quick] [--only=" + String.join(",", STEPS)
                    + "] [--out=DIR] [--profile] [--patch=DIR] [--worker-jvm=\"OPTIONS\"] [--worker-config=k=v,...]");
            System.exit(2);
            return;
        }
        BenchSettings settings = args.flag("quick") ? BenchSettings.quickRun() : BenchSettings.fullRun();
        Set<String> steps = new LinkedHashSet<>(Arrays.asList(args.get("only", String.join(",", STEPS)).split(",")));
        if (!STEPS.containsAll(steps)) {
            System.err.println("bench: --only takes " + STEPS + ", got " + steps);
            System.exit(2);
            return;
        }
        WorkerOverrides overrides;
        try {
            overrides = WorkerOverrides.parse(args.get("worker-jvm", null), args.get("worker-config", null));
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = prepare(Path.of(args.get("out", "bench/target/bench-run")));
        Report report = new Report();
        header(report, settings, arguments);
        if (!overrides.isEmpty()) {
            report.header("- every worker with " + overrides);
        }
        System.out.println(String.join("\n", List.of(report.markdown().split("\n\n")[0])));
        System.out.println("run directory: " + dir.toAbsolutePath());
        boolean failed = false;
        try (BenchContext ctx = BenchContext.start(settings, dir, report, args.flag("profile"),
                args.get("patch", null) == null ? null : Path.of(args.get("patch", null)), overrides)) {
            for (String step : steps) {
                failed |= !run(step, ctx, args.number("rate", 0));
            }
        }
        report.header("- load average at the end (1/5/15 min): " + loadAverage());
        report.write(dir);
        System.out.println();
        System.out.println(report.markdown());
        System.out.println("written to " + dir.resolve("summary.md").toAbsolutePath());
        System.exit(failed ? 1 : 0);
    }

    private static boolean run(String step, BenchContext ctx, long rate) {
        System.out.println("== " + step + " ==");
        try {
            switch (step) {
                case "limits" -> new RateScenarios(ctx, rate).run();
                case "3" -> new InFlightScenario(ctx).run();
                case "4" -> new BlockingLoopScenario(ctx).run();
                case "5" -> new StreamingScenario(ctx).run();
                case "6" -> new CancelScenario(ctx).run();
                case "jmh" -> new JmhScenario(ctx).run();
                default -> throw new IllegalArgumentException(step);
            }
            return true;
        } catch (Exception e) {
            System.out.println("step " + step + " failed: " + e);
            e.printStackTrace(System.out);
            ctx.report().row(step, "FAILED", e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
                    .orElse(""), null, null, null, "NO");
            return false;
        }
    }

    private static void header(Report report, BenchSettings settings, String[] arguments) {
        report.header("# QueryRelay benchmark "
                + (settings.quick() ? "(--quick: scaled down, not comparable with the targets)" : "(full run)"));
        report.header("");
        report.header("- date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.header("- command: bench/run.sh " + String.join(" ", arguments));
        report.header(String.format(Locale.ROOT, "- machine: %d cores, %s memory, %s %s, JDK %s (%s)",
                Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name")));
        report.header("- load average at the start (1/5/15 min): " + loadAverage());
        report.header("- processes: broker, each subject and the load generator in JVMs of their own, on one machine");
    }

    private static String memory() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(line -> line.startsWith("MemTotal:")).findFirst()
                    .map(line -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0))
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static Path prepare(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
