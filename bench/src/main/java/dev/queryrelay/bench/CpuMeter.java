package dev.queryrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * CPU time (user + system, from {@code /proc/PID/stat}) that named processes spend between
 * {@link #start()} and {@link #stop()}: where the machine's cores go during a measuring window.
 */
final class CpuMeter {

    /** Linux clock ticks per second ({@code getconf CLK_TCK}), 100 on every common kernel. */
    static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final Map<String, Long> startTicks = new LinkedHashMap<>();
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long startNanos;
    private double wallSeconds;

    CpuMeter process(String name, long pid) {
        pids.put(Objects.requireNonNull(name, "name"), pid);
        return this;
    }

    void start() {
        startNanos = System.nanoTime();
        pids.forEach((name, pid) -> startTicks.put(name, ticks(pid)));
    }

    void stop() {
        wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        pids.forEach((name, pid) -> seconds.put(name, (ticks(pid) - startTicks.get(name)) / TICKS_PER_SECOND));
    }

    /** The processes measured. */
    Collection<Long> pids() {
        return List.copyOf(pids.values());
    }

    /** CPU seconds of each process in the window. */
    Map<String, Double> seconds() {
        return Map.copyOf(seconds);
    }

    double wallSeconds() {
        return wallSeconds;
    }

    /** Microseconds of CPU per command, per process, e.g. {@code worker 95, broker 60, load 40 (µs CPU/command)}. */
    String perCommand(long commands) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Double> entry : seconds.entrySet()) {
            out.append(out.length() == 0 ? "" : ", ").append(entry.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%.1f", entry.getValue() * 1e6 / Math.max(1, commands)));
        }
        return out + " µs CPU/command";
    }

    static long ticks(long pid) {
        try {
            return ticksOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** utime + stime of a {@code /proc/PID/stat} or {@code /proc/PID/task/TID/stat} line. */
    static long ticksOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
