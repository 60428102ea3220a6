package dev.queryrelay.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), running
 * in this JVM from the Maven Central {@code kafka_2.13} jar. Meant for tests and local runs.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *     broker.createTopics(3, "orders");
 *     try (var producer = broker.producer()) { ... }
 * }
 * }</pre>
 *
 * <p>The broker listens on {@code 127.0.0.1}; {@link #bootstrapServers()} is fixed for the life
 * of the object, also across {@link #restart()}, which keeps the data. Automatic topic creation
 * is off: create topics with {@link #createTopics}, which returns only once every partition has a
 * leader that serves requests. A fatal broker error does not end the JVM (as Kafka would): it is
 * logged and, while starting, thrown. The methods are thread-safe.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    private final BrokerSettings settings;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private volatile int port;
    private KafkaRaftServer server;
    private Admin topicAdmin;
    private boolean closed;

    private EmbeddedKafkaBroker(BrokerSettings settings) throws IOException {
        this.settings = settings;
        this.ownsDataDir = settings.logDir() == null;
        this.dataDir = ownsDataDir
                ? Files.createTempDirectory("queryrelay-kafka-")
                : Files.createDirectories(settings.logDir().toAbsolutePath());
        this.port = settings.port();
    }

    /** Starts a broker on a free port with a temporary data directory and default settings. */
    public static EmbeddedKafkaBroker start() {
        return builder().start();
    }

    /** A builder for a broker with a fixed port, a data directory or other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code bootstrap.servers} value for clients, {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return BrokerSettings.HOST + ":" + port;
    }

    /** The client listener port. */
    public int port() {
        return port;
    }

    /** The broker's data directory (log and metadata). */
    public Path logDir() {
        return dataDir;
    }

    /** Whether the broker is serving (started and not stopped). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Creates topics with replication factor 1 and waits until every partition of them has a
     * leader that answers a ListOffsets request. Topics that already exist are left as they are
     * (also their partition count) but are waited for too.
     *
     * @throws IllegalStateException if the broker is not running or a topic cannot be created
     * @throws org.awaitility.core.ConditionTimeoutException if partitions are not ready in 60 s
     */
    public void createTopics(int partitions, String... names) {
        Topics.create(runningAdmin(), Topics.newTopics(partitions, names));
    }

    /**
     * Creates topics as described (e.g. with configs such as {@code cleanup.policy=compact}), then
     * waits as {@link #createTopics(int, String...)} does.
     */
    public void createTopics(Collection<NewTopic> topics) {
        Topics.create(runningAdmin(), topics);
    }

    /**
     * Waits until every partition of the given existing topics (e.g. created by the code under
     * test) has a leader that answers a ListOffsets request; use it before producing to them.
     * Topics that do not exist yet are waited for, up to 60 s.
     */
    public void awaitTopicsReady(String... names) {
        Topics.awaitReady(runningAdmin(), Arrays.asList(names), Topics.TIMEOUT);
    }

    /** Producer settings from {@link KafkaTestClients#producerConfig(String)} for this broker. */
    public Map<String, Object> producerConfig() {
        return KafkaTestClients.producerConfig(bootstrapServers());
    }

    /** Consumer settings from {@link KafkaTestClients#consumerConfig(String, String)}. */
    public Map<String, Object> consumerConfig(String groupId) {
        return KafkaTestClients.consumerConfig(bootstrapServers(), groupId);
    }

    /** A new idempotent string producer for this broker; the caller closes it. */
    public KafkaProducer<String, String> producer() {
        return KafkaTestClients.producer(bootstrapServers());
    }

    /** A new string consumer in the given group, from the earliest offset; the caller closes it. */
    public KafkaConsumer<String, String> consumer(String groupId) {
        return KafkaTestClients.consumer(bootstrapServers(), groupId);
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return KafkaTestClients.admin(bootstrapServers());
    }

    /** Starts a {@link TopicRecorder} of the given topics on this broker; the caller closes it. */
    public TopicRecorder record(String... topics) {
        return TopicRecorder.start(bootstrapServers(), topics);
    }

    /**
     * Stops the broker if it runs and starts it again on the same port with the same data.
     * Clients that stay open reconnect by themselves.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("The broker is closed");
        }
        stop();
        startServer();
    }

    /** Stops the broker and keeps its data, so that {@link #restart()} can start it again. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long begin = System.nanoTime();
        topicAdmin.close(Duration.ofSeconds(5));
        topicAdmin = null;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            server = null;
        }
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), millisSince(begin));
    }

    /** Stops the broker and deletes its data directory if it is a temporary one. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (ownsDataDir) {
                LocalResources.deleteRecursively(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
    }

    private synchronized Admin runningAdmin() {
        if (server == null) {
            throw new IllegalStateException("The broker is not running");
        }
        return topicAdmin;
    }

    private synchronized void startServer() {
        long begin = System.nanoTime();
        if (settings.guardJvm()) {
            FatalFaultGuard.install();
        }
        long faultsBefore = FatalFaultGuard.faults();
        formatIfNeeded();
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int clientPort = port != 0 ? port : LocalResources.freePort(-1);
            int controllerPort = LocalResources.freePort(clientPort);
            KafkaConfig config = KafkaConfig.fromProps(
                    settings.serverProperties(clientPort, controllerPort, dataDir), false);
            KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                candidate.startup();
                server = candidate;
                port = clientPort;
                break;
            } catch (RuntimeException e) {
                shutdownQuietly(candidate);
                failure = e;
                if (!LocalResources.causedByBindFailure(e)) {
                    break;
                }
                LOG.warn("Kafka broker could not bind port {} or {} (attempt {}): {}",
                        clientPort, controllerPort, attempt, e.toString());
            }
        }
        if (server == null) {
            throw new IllegalStateException("Kafka broker did not start in " + dataDir, failure);
        }
        topicAdmin = KafkaTestClients.admin(bootstrapServers());
        awaitServing();
        if (FatalFaultGuard.faults() != faultsBefore) {
            stop();
            throw new IllegalStateException("Kafka broker in " + dataDir
                    + " hit a fatal error while starting; see Kafka's error in the log");
        }
        LOG.info("Kafka broker started on {} in {} ms (data in {})",
                bootstrapServers(), millisSince(begin), dataDir);
    }

    private void awaitServing() {
        Admin admin = topicAdmin;
        Awaitility.await("Kafka broker on " + bootstrapServers() + " answering describeCluster")
                .atMost(READY_TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
    }

    private void formatIfNeeded() {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        String dir = dataDir.toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(BrokerSettings.NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(true)
                    .setControllerListenerName(BrokerSettings.CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dir)
                    .addDirectory(dir)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + dir, e);
        }
        LOG.debug("Formatted Kafka storage in {}", dir);
    }

    private static void shutdownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring failure while shutting down a broker that did not start", e);
        }
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }

    /** Options for {@link EmbeddedKafkaBroker}; {@link #start()} starts the broker. */
    public static final class Builder {

        private int port;
        private Path logDir;
        private int partitions = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private boolean guardJvm = true;

        private Builder() {
        }

        /** Whether a fatal broker fault may not end the JVM; off only for a broker-only process. */
        Builder guardJvm(boolean guard) {
            this.guardJvm = guard;
            return this;
        }

        /**
         * The client listener port; 0 (the default) picks a free port at the first start and
         * keeps it across restarts.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The data directory. An existing broker directory is reused with its topics and
         * records; a new or empty one is formatted. It is never deleted. Without it, a
         * temporary directory is used and deleted by {@link EmbeddedKafkaBroker#close()}.
         */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** The default partition count of new topics ({@code num.partitions}), 1 by default. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** A broker setting that replaces the testkit's default, e.g. {@code message.max.bytes}. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A broker setting written as {@code key=value}. */
        public Builder brokerProperty(String keyValue) {
            Map.Entry<String, String> entry = BrokerSettings.parseProperty(keyValue);
            return brokerProperty(entry.getKey(), entry.getValue());
        }

        /** Several broker settings; see {@link #brokerProperty(String, String)}. */
        public Builder brokerProperties(Map<String, String> properties) {
            Objects.requireNonNull(properties, "properties").forEach(this::brokerProperty);
            return this;
        }

        /** Formats the data directory if needed and starts the broker; returns once it serves. */
        public EmbeddedKafkaBroker start() {
            BrokerSettings settings = settings();
            EmbeddedKafkaBroker broker;
            try {
                broker = new EmbeddedKafkaBroker(settings);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not prepare the Kafka data directory", e);
            }
            try {
                broker.startServer();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        }

        BrokerSettings settings() {
            return new BrokerSettings(port, logDir, partitions, brokerProperties, guardJvm);
        }
    }
}
