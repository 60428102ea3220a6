package dev.queryrelay.bench;

import dev.queryrelay.embedded.KafkaTestClients;
import org.apache.kafka.clients.admin.Admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One benchmark run: the broker in its own JVM, the load generator (this JVM), and the factory
 * of the subjects under measurement, each in a JVM of its own with fresh topics.
 */
final class BenchContext implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** The subjects run with the worker's defaults (log level INFO included), as users run it. */
    static final Map<String, String> CHILD_ENV = Map.of();
    /** Partitions of every topic: users run several, and one hides the cost of spreading work. */
    static final int PARTITIONS = 6;
    /** Kafka's own kafka-server-start.sh heap and GC settings. */
    static final List<String> BROKER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

    private final BenchSettings settings;
    private final Path dir;
    private final Report report;
    private final ChildJvm broker;
    private final String bootstrap;
    private final Admin admin;
    private final LoadGenerator load;
    private final boolean profile;
    private final Path patch;
    private final WorkerOverrides overrides;

    private BenchContext(BenchSettings settings, Path dir, Report report, ChildJvm broker, String bootstrap,
                         boolean profile, Path patch, WorkerOverrides overrides) {
        this.settings = settings;
        this.profile = profile;
        this.patch = patch;
        this.overrides = overrides;
        this.dir = dir;
        this.report = report;
        this.broker = broker;
        this.bootstrap = bootstrap;
        this.admin = KafkaTestClients.admin(bootstrap);
        this.load = new LoadGenerator(bootstrap);
    }

    /**
     * Starts the broker. With {@code profile}, every JVM but the load generator records a JFR
     * profile, written to {@code NAME.jfr} in the run directory when it ends. {@code patch} (or
     * null) is a directory of classes put ahead of the worker jar in every subject's JVM, to measure
     * a change to the worker before it is installed; {@code overrides} adds JVM options and
     * settings to every QueryRelay worker.
     */
    static BenchContext start(BenchSettings settings, Path dir, Report report, boolean profile, Path patch,
                              WorkerOverrides overrides) throws InterruptedException {
        List<String> options = new ArrayList<>(BROKER_JVM);
        options.addAll(profiling(profile, dir, "broker"));
        ChildJvm broker = ChildJvm.start("broker", dir, options, "dev.queryrelay.embedded.KafkaBrokerMain",
                List.of("--partitions", Integer.toString(PARTITIONS)), CHILD_ENV);
        String line = broker.awaitLine("bootstrap.servers=", READY_TIMEOUT);
        return new BenchContext(settings, dir, report, broker, line.substring("bootstrap.servers=".length()).trim(),
                profile, patch, overrides);
    }

    private static List<String> profiling(boolean profile, Path dir, String name) {
        return profile ? List.of("-XX:StartFlightRecording=filename=" + dir.resolve(name + ".jfr")
                + ",settings=profile,dumponexit=true") : List.of();
    }

    BenchSettings settings() {
        return settings;
    }

    Report report() {
        return report;
    }

    LoadGenerator load() {
        return load;
    }

    Path dir() {
        return dir;
    }

    /** A meter of the CPU that the subject, the broker and this load generator spend. */
    CpuMeter cpuMeter(Subject subject) {
        return new CpuMeter().process(subject.name(), subject.pid()).process("broker", broker.pid())
                .process("load generator", ProcessHandle.current().pid());
    }

    /** The do-nothing consumer→producer, limit (a). */
    Subject pipe(String name) throws InterruptedException {
        BenchTopics topics = createTopics(name);
        ChildJvm jvm = ChildJvm.start(name, dir, profiling(profile, dir, name), patch,
                PipeMain.class.getName(), List.of(
                "--bootstrap=" + bootstrap, "--in=" + topics.submit(), "--out=" + topics.status(), "--group=" + name),
                CHILD_ENV);
        return ready(new Subject(name, jvm, topics, topics.submit(), new EventWatcher(bootstrap, topics.status()),
                null, -1));
    }

    /** The do-nothing protocol worker, limit (b). */
    Subject nullWorker(String name) throws InterruptedException {
        return referenceWorker(name, "dev.queryrelay.bench.NullProtocolWorker");
    }

    /** The hand-written blocking loop of scenario 4. */
    Subject blockingLoop(String name) throws InterruptedException {
        return referenceWorker(name, "dev.queryrelay.bench.BlockingLoopWorker");
    }

    private Subject referenceWorker(String name, String mainClass) throws InterruptedException {
        BenchTopics topics = createTopics(name);
        ChildJvm jvm = ChildJvm.start(name, dir, profiling(profile, dir, name), patch,
                mainClass, List.of("--bootstrap=" + bootstrap,
                "--submit=" + topics.submit(), "--status=" + topics.status(), "--results=" + topics.results(),
                "--group=" + name), CHILD_ENV);
        return ready(new Subject(name, jvm, topics, topics.submit(), new EventWatcher(bootstrap, topics.status()),
                "SUCCEEDED", -1));
    }

    /** A QueryRelay worker, {@code WorkerMain} with the mock provider and the given extra settings. */
    Subject worker(String name, Map<String, String> settings) throws InterruptedException {
        BenchTopics topics = createTopics(name);
        int httpPort = freePort();
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + bootstrap,
                "--topics.submit=" + topics.submit(), "--topics.cancel=" + topics.cancel(),
                "--topics.status=" + topics.status(), "--topics.results=" + topics.results(),
                "--topics.dlq=" + topics.dlq(), "--topics.state=" + topics.state(), "--kafka.group.id=" + name,
                "--worker.id=" + name,
                "--http.port=" + httpPort, "--provider=mock"));
        Map<String, String> all = new java.util.LinkedHashMap<>(settings);
        all.putAll(overrides.settings());
        all.forEach((key, value) -> args.add("--" + key + "=" + value));
        List<String> options = new ArrayList<>(overrides.jvmOptions());
        options.addAll(profiling(profile, dir, name));
        ChildJvm jvm = ChildJvm.start(name, dir, options, patch,
                "dev.queryrelay.worker.WorkerMain", args, CHILD_ENV);
        return ready(new Subject(name, jvm, topics, topics.submit(), new EventWatcher(bootstrap, topics.status()),
                "SUCCEEDED", httpPort));
    }

    private Subject ready(Subject subject) throws InterruptedException {
        try {
            subject.awaitReady(load, READY_TIMEOUT);
            return subject;
        } catch (RuntimeException | InterruptedException e) {
            subject.close();
            throw e;
        }
    }

    private BenchTopics createTopics(String prefix) {
        BenchTopics topics = BenchTopics.named(prefix);
        KafkaTestClients.createTopics(admin, PARTITIONS, topics.all().toArray(String[]::new));
        return topics;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        load.close();
        admin.close(Duration.ofSeconds(5));
        broker.close();
    }
}
