package dev.queryrelay.worker;

import dev.queryrelay.api.ConnectionProvider;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.registry.Providers;
import dev.queryrelay.registry.QueryRegistry;
import dev.queryrelay.registry.RegistryMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A running QueryRelay worker: one consumer thread for commands, a {@link QueryRegistry} for the
 * queries, one idempotent producer for events. {@link #close()} is the graceful shutdown: it stops
 * consuming, leaves warehouse queries running, finishes publishing and commits.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final String workerId;
    private final KafkaProducer<String, byte[]> producer;
    private final QueryRegistry registry;
    private final CommandLoop loop;
    private final Thread loopThread;
    private final SendFailures failures = new SendFailures();
    private final EventPublisher publisher;
    private final HealthServer health;
    private final Duration shutdownTimeout;
    private volatile boolean closed;

    private Worker(WorkerConfig config, ConnectionProvider provider) {
        this.config = config;
        this.workerId = config.getString(WorkerConfig.WORKER_ID);
        this.shutdownTimeout = config.duration(WorkerConfig.SHUTDOWN_TIMEOUT_MS);
        MDC.put("worker_id", workerId);
        WorkerTopics topics = WorkerTopics.from(config);
        try (Admin admin = Admin.create(clientSettings())) {
            TopicSetup.ensure(admin, topics, config.getInt(WorkerConfig.TOPICS_PARTITIONS),
                    config.getShort(WorkerConfig.TOPICS_REPLICATION_FACTOR), stateRetention(config));
        }
        WarehouseConnection connection = provider.connect(config.providerSettings());
        this.producer = new KafkaProducer<>(producerSettings());
        for (String topic : List.of(topics.status(), topics.results(), topics.state(), topics.dlq())) {
            producer.partitionsFor(topic); // fetch metadata now: a first send would wait for it, after the sends before it
        }
        EventCodec codec = new EventCodec(workerId, provider.name());
        Ownership ownership = new Ownership();
        StateStore state = new StateStore(producer, topics.state(), workerId, failures, ownership);
        this.publisher = new EventPublisher(producer, codec, topics.status(), topics.results(), failures,
                state, Duration.ofMinutes(3), EventPublisher.MAX_PAGE_WAIT);
        int pageMaxBytes = config.getInt(WorkerConfig.PAGE_MAX_BYTES);
        this.registry = QueryRegistry.builder(connection)
                .listener(publisher)
                .warehouseThreads(config.getInt(WorkerConfig.WAREHOUSE_THREADS))
                .maxPollInterval(config.duration(WorkerConfig.MAX_POLL_INTERVAL_MS))
                .retryMaxAttempts(config.getInt(WorkerConfig.RETRY_MAX_ATTEMPTS))
                .retryBackoff(config.duration(WorkerConfig.RETRY_INITIAL_BACKOFF_MS),
                        config.duration(WorkerConfig.RETRY_MAX_BACKOFF_MS))
                .unknownQueryLimit(config.duration(WorkerConfig.UNKNOWN_QUERY_LIMIT_MS))
                .ttl(config.duration(WorkerConfig.TTL_MS))
                .maxFinished(config.getInt(WorkerConfig.MAX_FINISHED))
                .inlineRowLimit(0)
                .maxPageBytes(pageEnvelopeBudget(pageMaxBytes), dev.queryrelay.registry.JsonRowSizer.INSTANCE)
                .threadNamePrefix("queryrelay")
                .logContext(Map.of("worker_id", workerId))
                .build();
        String groupId = config.getString(WorkerConfig.GROUP_ID);
        this.loop = new CommandLoop(new KafkaConsumer<>(consumerSettings(groupId)), new KafkaConsumer<>(readerSettings()),
                producer, registry, new CommandParser(config.getInt(WorkerConfig.MAX_SQL_LENGTH)), codec, publisher,
                new DeadLetters(topics.dlq(), groupId, pageMaxBytes), failures, state, ownership, topics,
                config.getInt(WorkerConfig.MAX_IN_FLIGHT), config.duration(WorkerConfig.COMMIT_INTERVAL_MS),
                Clock.systemUTC(), this::stopDrivingQueries);
        this.loopThread = new Thread(() -> {
            MDC.put("worker_id", workerId);
            loop.run();
        }, "queryrelay-consumer");
        int httpPort = config.getInt(WorkerConfig.HTTP_PORT);
        this.health = httpPort < 0 ? null : new HealthServer(httpPort, this::isHealthy, this::metrics);
        loopThread.start();
        log.info("worker {} started: provider '{}', group '{}', topics {}, max in flight {}{}", workerId,
                provider.name(), groupId, topics, config.getInt(WorkerConfig.MAX_IN_FLIGHT),
                health == null ? "" : ", http port " + health.port());
    }

    /** Starts a worker with the provider named by the {@code provider} setting. */
    public static Worker start(WorkerConfig config) {
        Objects.requireNonNull(config, "config");
        ConnectionProvider provider = Providers.load(config.getString(WorkerConfig.PROVIDER));
        if (provider.name().equals("mock")) {
            log.warn("provider 'mock' is a simulated warehouse: queries are scripted, not executed; "
                    + "set provider=snowflake for a real one");
        }
        return new Worker(config, provider);
    }

    public String id() {
        return workerId;
    }

    /** The health endpoint's port, or -1 when it is disabled. */
    public int httpPort() {
        return health == null ? -1 : health.port();
    }

    /** Whether {@link #close()} was called (false after the consumer thread died of an error). */
    public boolean isClosed() {
        return closed;
    }

    public boolean isHealthy() {
        return !closed && loop.isRunning();
    }

    public boolean isPaused() {
        return loop.isPaused();
    }

    public int inFlight() {
        return registry.inFlight();
    }

    public RegistryMetrics registryMetrics() {
        return registry.metrics();
    }

    public Map<String, Object> metrics() {
        RegistryMetrics m = registry.metrics();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("worker", workerId);
        metrics.put("in_flight", m.inFlight());
        metrics.put("paused", loop.isPaused());
        metrics.put("pauses", loop.pauses.get());
        metrics.put("submits_read", loop.submits.get());
        metrics.put("cancels_read", loop.cancels.get());
        metrics.put("dead_lettered", loop.deadLettered.get());
        metrics.put("submitted", m.submitted());
        metrics.put("duplicates", m.duplicates());
        metrics.put("succeeded", m.succeeded());
        metrics.put("failed", m.failed());
        metrics.put("canceled", m.canceled());
        metrics.put("timed_out", m.timedOut());
        metrics.put("retries", m.retries());
        metrics.put("send_failures", failures.total());
        return metrics;
    }

    /** Blocks until the worker's consumer thread has ended. */
    public void awaitTermination() throws InterruptedException {
        loopThread.join();
    }

    /** Graceful shutdown: stop consuming, leave warehouse queries running, finish publishing, commit. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("worker {} shutting down with {} queries in flight (they keep running in the warehouse)",
                workerId, registry.inFlight());
        loop.stop();
        try {
            if (!loop.awaitStopped(shutdownTimeout)) {
                log.warn("consumer thread did not stop within {}", shutdownTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopDrivingQueries();
        producer.flush();
        producer.close(shutdownTimeout);
        if (health != null) {
            health.close();
        }
        log.info("worker {} stopped", workerId);
    }

    /** Stops the registry (queries keep running in the warehouse) and sends the final events still waiting for pages. */
    private void stopDrivingQueries() {
        registry.close();
        publisher.close();
    }

    private static long pageEnvelopeBudget(int pageMaxBytes) {
        return Math.max(512, pageMaxBytes - Math.min(100_000, pageMaxBytes / 4));
    }

    private static Duration stateRetention(WorkerConfig config) {
        Duration ttl = config.duration(WorkerConfig.TTL_MS);
        Duration week = Duration.ofDays(7);
        return ttl.compareTo(week) > 0 ? ttl : week;
    }

    private Map<String, Object> readerSettings() {
        Map<String, Object> settings = new HashMap<>(clientSettings());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-state-reader");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    private Map<String, Object> clientSettings() {
        Map<String, Object> settings = new HashMap<>(config.kafkaClientSettings());
        settings.remove("group.id");
        return settings;
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 65_536);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, workerId + "-producer");
        settings.putAll(clientSettings());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return settings;
    }

    private Map<String, Object> consumerSettings(String groupId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-consumer");
        settings.putAll(clientSettings());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }
}
