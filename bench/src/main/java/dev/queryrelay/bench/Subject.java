package dev.queryrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Something under measurement, in a JVM of its own: the pipe, the do-nothing worker, a real
 * worker or the blocking loop. Commands go to {@link #commandTopic()}; completions are read
 * from its event topic by the load generator's {@link EventWatcher}.
 */
final class Subject implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final ChildJvm jvm;
    private final BenchTopics topics;
    private final String commandTopic;
    private final EventWatcher events;
    private final String completion;
    private final int httpPort;
    private int probes;

    Subject(String name, ChildJvm jvm, BenchTopics topics, String commandTopic, EventWatcher events, String completion,
            int httpPort) {
        this.name = name;
        this.jvm = jvm;
        this.topics = topics;
        this.commandTopic = commandTopic;
        this.events = events;
        this.completion = completion;
        this.httpPort = httpPort;
    }

    String name() {
        return name;
    }

    long pid() {
        return jvm.pid();
    }

    ChildJvm jvm() {
        return jvm;
    }

    BenchTopics topics() {
        return topics;
    }

    String commandTopic() {
        return commandTopic;
    }

    /** A tracker of this subject's completions for keys {@code PREFIX-INDEX}. */
    Tracker tracker(String prefix) {
        return events.attach(completion == null ? new Tracker(prefix, null, Set.of()) : Tracker.succeeded(prefix));
    }

    /** A tracker of status events with {@code status} (e.g. RUNNING, CANCELED); the given statuses are errors. */
    Tracker tracker(String prefix, String status, Set<String> errors) {
        return events.attach(new Tracker(prefix, status, errors));
    }

    /** Waits until one instant command has made the whole round trip (topics, group, JVM up). */
    void awaitReady(LoadGenerator load, Duration timeout) throws InterruptedException {
        Tracker probe = tracker("probe" + (++probes));
        try {
            load.burst(commandTopic, probe, i -> BenchSql.submit(probe.key(i), BenchSql.INSTANT), 1, timeout);
        } catch (IllegalStateException e) {
            jvm.checkAlive();
            throw new IllegalStateException(name + " did not answer a probe: " + e.getMessage() + "\n" + jvm.tail(), e);
        }
    }

    /** The worker's {@code GET /metrics.json}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> metrics() {
        if (httpPort < 0) {
            throw new IllegalStateException(name + " has no metrics endpoint");
        }
        try {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/metrics.json")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return JSON.readValue(response.body(), Map.class);
        } catch (IOException e) {
            throw new IllegalStateException("GET /metrics.json of " + name + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    long metric(String key) {
        return ((Number) metrics().get(key)).longValue();
    }

    @Override
    public void close() {
        events.close();
        jvm.close();
    }
}
