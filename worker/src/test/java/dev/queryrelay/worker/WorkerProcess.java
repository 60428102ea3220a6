package dev.queryrelay.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A worker in a JVM of its own (as deployed), started from the test class path. */
final class WorkerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path output;

    private WorkerProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    static WorkerProcess start(String name, Map<String, String> settings) {
        return start(name, settings, Map.of());
    }

    /** A worker with {@code environment} added to this JVM's (e.g. QUERYRELAY_LOG_FORMAT). */
    static WorkerProcess start(String name, Map<String, String> settings, Map<String, String> environment) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Dlogback.configurationFile=logback.xml");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WorkerMain.class.getName());
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        command.add("--" + WorkerConfig.WORKER_ID + "=" + name);
        try {
            Path output = Files.createTempFile("queryrelay-" + name + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("QUERYRELAY_LOG_LEVEL", "INFO");
            builder.environment().putAll(environment);
            WorkerProcess worker = new WorkerProcess(name, builder.start(), output);
            await(name + " running").atMost(Duration.ofSeconds(60)).until(() -> {
                if (!worker.process.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + worker.log());
                }
                return worker.log().contains("queryrelay worker " + name + " running");
            });
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    String log() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code kill -9}: no shutdown hook, no commit, no goodbye to the group. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** {@code kill -STOP}: the process freezes (as in a long GC pause or a frozen VM) until {@link #resume()}. */
    void pause() {
        signal("STOP");
    }

    /** {@code kill -CONT}: a paused process goes on where it stopped. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code kill -TERM}: the graceful shutdown. */
    int terminate() {
        process.destroy();
        return waitForExit();
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not exit");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume();
            process.destroyForcibly();
            waitForExit();
        }
    }
}
