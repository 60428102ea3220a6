package dev.queryrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own for one part of the benchmark (broker, worker, reference worker), on the
 * bench's class path. Output goes to {@code NAME.log} and GC events to {@code NAME-gc.log} in the
 * run directory. {@link #close()} sends SIGTERM and, after 15 s, SIGKILL; every child still alive
 * when the bench exits is killed.
 */
final class ChildJvm implements AutoCloseable {

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(child -> child.process.destroyForcibly()),
                "bench-children-kill"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Path gcLog;

    private ChildJvm(String name, Process process, Path log, Path gcLog) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.gcLog = gcLog;
    }

    static ChildJvm start(String name, Path dir, List<String> jvmOptions, String mainClass, List<String> args,
                          Map<String, String> env) {
        return start(name, dir, jvmOptions, null, mainClass, args, env);
    }

    /** As above, with {@code classesFirst} (a directory of classes, or null) ahead of the bench's class path. */
    static ChildJvm start(String name, Path dir, List<String> jvmOptions, Path classesFirst, String mainClass,
                          List<String> args, Map<String, String> env) {
        String classpath = System.getProperty("java.class.path");
        Path log = dir.resolve(name + ".log");
        Path gcLog = dir.resolve(name + "-gc.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Xlog:gc:file=" + gcLog + ":uptime");
        command.add("-cp");
        command.add(classesFirst == null ? classpath
                : classesFirst.toAbsolutePath() + java.io.File.pathSeparator + classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            Files.writeString(dir.resolve(name + ".cmd"), String.join(" ", command)
                    .replace(classpath, "$CLASSPATH") + "\n");
            ChildJvm child = new ChildJvm(name, builder.start(), log, gcLog);
            LIVE.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path gcLog() {
        return gcLog;
    }

    /** The first output line that starts with {@code prefix}; fails if the process ends first. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " printed no line '" + prefix + "...' within " + timeout + ": " + tail());
    }

    /** Waits for the process to end by itself and returns its exit code; kills it after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IllegalStateException(name + " did not end within " + timeout + ": " + tail());
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail());
        }
    }

    /** The last lines of the output, for error messages. */
    String tail() {
        List<String> lines = lines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private List<String> lines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }
}
