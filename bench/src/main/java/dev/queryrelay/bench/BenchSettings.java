package dev.queryrelay.bench;

import java.time.Duration;
import java.util.List;

/**
 * The sizes of one benchmark run: {@link #fullRun()} is the documented run, {@link #quickRun()} a
 * scaled-down smoke run of a few minutes whose figures are not comparable with the targets.
 */
record BenchSettings(
        boolean quick,
        Duration throughputWarmup,
        Duration throughputMeasure,
        int pipeWindow,
        int workerWindow,
        Duration latencyWarmup,
        Duration latencyMeasure,
        double maxLatencyRate,
        List<Integer> inFlightCounts,
        long inFlightQueryMs,
        Duration inFlightBound,
        int blockingQueries,
        long blockingQueryMs,
        List<Long> streamingRows,
        int cancelBackground,
        int cancelTargets,
        double cancelRate,
        List<String> jmhOptions) {

    BenchSettings {
        inFlightCounts = List.copyOf(inFlightCounts);
        streamingRows = List.copyOf(streamingRows);
        jmhOptions = List.copyOf(jmhOptions);
    }

    static BenchSettings fullRun() {
        return new BenchSettings(false, Duration.ofSeconds(10), Duration.ofSeconds(30), 10_000, 1_000,
                Duration.ofSeconds(20), Duration.ofSeconds(60), 10_000,
                List.of(10_000, 100_000), 30_000, Duration.ofSeconds(40),
                200, 2_000,
                List.of(100_000L, 1_000_000L),
                1_000, 500, 50,
                List.of("-f", "1", "-wi", "3", "-w", "2s", "-i", "5", "-r", "2s"));
    }

    static BenchSettings quickRun() {
        return new BenchSettings(true, Duration.ofSeconds(2), Duration.ofSeconds(5), 10_000, 1_000,
                Duration.ofSeconds(3), Duration.ofSeconds(6), 10_000,
                List.of(1_000, 5_000), 5_000, Duration.ofSeconds(15),
                20, 500,
                List.of(50_000L, 200_000L),
                200, 50, 25,
                List.of("-f", "1", "-wi", "1", "-w", "1s", "-i", "2", "-r", "1s"));
    }
}
