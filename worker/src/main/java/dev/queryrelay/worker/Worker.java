package dev.queryrelay.worker;

import dev.queryrelay.api.ConnectionProvider;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.registry.JsonRowSizer;
import dev.queryrelay.registry.Providers;
import dev.queryrelay.registry.Deadline;
import dev.queryrelay.registry.QueryRegistry;
import dev.queryrelay.registry.RegistryMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A running QueryRelay worker: one consumer thread for commands ({@link PollLoop}), a
 * {@link QueryRegistry} for the queries, one idempotent producer for events. {@link #close()} is
 * the graceful shutdown: it stops consuming, leaves warehouse queries running, finishes publishing
 * and commits ({@link #shutDown()} is the whole sequence).
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** What leaving the group and closing the producer get at least, even once the shutdown's time is up. */
    private static final Duration LEAVE_GROUP_WAIT = Duration.ofSeconds(2);
    /** How much longer than {@code worker.shutdown-timeout-ms} {@link #close} waits for the sequence to end. */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

    private final String workerId;
    private final Duration shutdownTimeout;
    private final WorkerMetrics meters = new WorkerMetrics();
    private final HealthServer health;
    private final Thread loopThread;
    // Set once by connect(), before the consumer thread starts; the endpoint may see them null while the worker starts.
    private OwnershipLease lease;
    private Outbox outbox;
    private Rebalancer rebalancer;
    private OffsetTracker offsets;
    private Consumer<byte[], byte[]> consumer;
    private Consumer<String, byte[]> stateReader;
    private QueryRegistry registry;
    private EventPublisher publisher;
    private CommandHandler handler;
    private BackPressure gate;
    private PollLoop loop;
    private volatile boolean closed;
    private volatile HealthChecks checks;

    private Worker(WorkerConfig config, ConnectionProvider provider) {
        this.workerId = config.getString(WorkerConfig.WORKER_ID);
        this.shutdownTimeout = config.duration(WorkerConfig.SHUTDOWN_TIMEOUT_MS);
        MDC.put("worker_id", workerId);
        int httpPort = config.getInt(WorkerConfig.HTTP_PORT);
        this.health = httpPort < 0 ? null : new HealthServer(httpPort, config.isSet(WorkerConfig.HTTP_PORT),
                () -> checks, meters::scrape, this::metrics);
        try {
            this.loopThread = connect(config, provider);
        } catch (RuntimeException e) {
            if (health != null) {
                health.close();
            }
            meters.close();
            throw e;
        }
        loopThread.start();
    }

    private Thread connect(WorkerConfig config, ConnectionProvider provider) {
        WorkerTopics topics = WorkerTopics.from(config);
        KafkaSettings kafka = new KafkaSettings(config);
        TopicSetup.Limits limits;
        Duration leaseDuration;
        try (Admin admin = Admin.create(kafka.admin())) {
            limits = new TopicSetup(admin).ensure(topics, config.getInt(WorkerConfig.TOPICS_PARTITIONS),
                    config.getShort(WorkerConfig.TOPICS_REPLICATION_FACTOR), kafka.stateRetention());
            leaseDuration = GroupSession.lease(kafka.consumer(config.getString(WorkerConfig.GROUP_ID)), () -> admin,
                    config.duration(WorkerConfig.OWNERSHIP_LEASE_MS));
        }
        WarehouseConnection connection = provider.connect(config.providerSettings());
        String groupId = config.getString(WorkerConfig.GROUP_ID);
        this.lease = new OwnershipLease(leaseDuration, System::nanoTime);
        Map<String, Object> producerSettings = kafka.transactionalProducer(limits.dlqMaxBytes(), groupId);
        List<String> outputs = List.of(topics.status(), topics.results(), topics.state(), topics.dlq());
        this.outbox = new Outbox(() -> {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings);
            meters.bindProducer(producer);
            outputs.forEach(producer::partitionsFor); // fetch metadata now, not on a first send
            return producer;
        }, lease, config.duration(WorkerConfig.COMMIT_INTERVAL_MS), "queryrelay-publisher",
                Map.of("worker_id", workerId));
        EventCodec codec = new EventCodec(workerId, provider.name());
        Ownership ownership = new Ownership();
        StateStore state = new StateStore(outbox, topics.state(), workerId, ownership);
        this.publisher = new EventPublisher(outbox, codec, topics.status(), topics.results(), state, ownership,
                EventPublisher.MAX_PAGE_WAIT);
        ProviderHealth providerHealth = new ProviderHealth(provider.name(), meters.calls());
        this.registry = QueryRegistry.builder(connection)
                .listener(publisher)
                .listener(meters.queries(provider.name()))
                .callObserver(providerHealth)
                .retryRegistry(meters.retries())
                .guard(new OwnershipGuard(ownership, lease))
                .warehouseThreads(config.getInt(WorkerConfig.WAREHOUSE_THREADS))
                .maxPollInterval(config.duration(WorkerConfig.MAX_POLL_INTERVAL_MS))
                .callTimeout(config.duration(WorkerConfig.CALL_TIMEOUT_MS))
                .retryMaxAttempts(config.getInt(WorkerConfig.RETRY_MAX_ATTEMPTS))
                .retryBackoff(config.duration(WorkerConfig.RETRY_INITIAL_BACKOFF_MS),
                        config.duration(WorkerConfig.RETRY_MAX_BACKOFF_MS))
                .unknownQueryLimit(config.duration(WorkerConfig.UNKNOWN_QUERY_LIMIT_MS))
                .ttl(config.duration(WorkerConfig.TTL_MS))
                .maxFinished(config.getInt(WorkerConfig.MAX_FINISHED))
                .inlineRowLimit(0)
                .maxPageBytes(pageEnvelopeBudget(config.getInt(WorkerConfig.PAGE_MAX_BYTES)), JsonRowSizer.INSTANCE)
                .threadNamePrefix("queryrelay")
                .logContext(Map.of("worker_id", workerId))
                .build();
        this.consumer = new KafkaConsumer<>(kafka.consumer(groupId));
        meters.bindConsumer(consumer);
        this.stateReader = new KafkaConsumer<>(kafka.stateReader());
        CommandParser parser = new CommandParser(config.getInt(WorkerConfig.MAX_SQL_LENGTH));
        this.offsets = new OffsetTracker();
        this.gate = new BackPressure(topics.submit(), registry::inFlight, config.getInt(WorkerConfig.MAX_IN_FLIGHT));
        DeadLetters deadLetters = new DeadLetters(topics.dlq(), groupId, meters::deadLettered);
        this.handler = new CommandHandler(registry, parser, codec, publisher, deadLetters,
                state, ownership, topics.status(), Clock.systemUTC(), limits.commandMaxBytes());
        this.rebalancer = new Rebalancer(consumer, stateReader, registry, parser, state, ownership, gate,
                offsets, outbox, handler);
        PartitionsHealth partitions = new PartitionsHealth(rebalancer);
        this.loop = new PollLoop(consumer, topics, handler, gate, offsets, outbox, partitions, this::shutDown);
        meters.bind(handler, registry, gate, outbox, lease, partitions);
        outbox.start();
        log.info("worker {} started: provider '{}', group '{}', topics {}, max in flight {}{}", workerId,
                provider.name(), groupId, topics, config.getInt(WorkerConfig.MAX_IN_FLIGHT),
                health == null ? "" : ", http port " + health.port());
        Thread thread = new Thread(() -> {
            MDC.put("worker_id", workerId);
            loop.run();
        }, "queryrelay-consumer");
        this.checks = new HealthChecks(thread::isAlive, outbox::isAlive, partitions, providerHealth, lease::isValid);
        return thread;
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
        PollLoop running = loop;
        return !closed && running != null && running.isRunning();
    }

    public boolean isPaused() {
        BackPressure current = gate;
        return current != null && current.isPaused();
    }

    public int inFlight() {
        return registry.inFlight();
    }

    public RegistryMetrics registryMetrics() {
        return registry.metrics();
    }

    public Map<String, Object> metrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("worker", workerId);
        if (handler == null) {
            return metrics;
        }
        RegistryMetrics m = registry.metrics();
        metrics.put("in_flight", m.inFlight());
        metrics.put("paused", gate.isPaused());
        metrics.put("pauses", gate.pauses());
        metrics.put("submits_read", handler.submits.get());
        metrics.put("cancels_read", handler.cancels.get());
        metrics.put("dead_lettered", handler.deadLettered.get());
        metrics.put("submitted", m.submitted());
        metrics.put("duplicates", m.duplicates());
        metrics.put("succeeded", m.succeeded());
        metrics.put("failed", m.failed());
        metrics.put("canceled", m.canceled());
        metrics.put("timed_out", m.timedOut());
        metrics.put("retries", m.retries());
        metrics.put("send_failures", outbox.aborts.get());
        metrics.put("commits", outbox.commits.get());
        metrics.put("aborted_transactions", outbox.aborts.get());
        metrics.put("ownership_lease_valid", lease.isValid());
        return metrics;
    }

    /** Blocks until the worker's consumer thread has ended. */
    public void awaitTermination() throws InterruptedException {
        loopThread.join();
    }

    /** Graceful shutdown: asks the consumer thread to stop and waits for its {@link #shutDown()} sequence. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("worker {} shutting down with {} queries in flight (they keep running in the warehouse)",
                workerId, registry.inFlight());
        loop.stop();
        stateReader.wakeup();
        try {
            if (!loop.awaitStopped(shutdownTimeout.plus(SHUTDOWN_MARGIN))) {
                log.warn("the shutdown did not end within {}", shutdownTimeout.plus(SHUTDOWN_MARGIN));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The shutdown sequence, run once on the consumer thread when it stops polling (asked to, or
     * after an error), within {@code worker.shutdown-timeout-ms} in all: stop driving queries (they
     * keep running in the warehouse; starts in flight are waited for at most half the time), commit
     * what was published with the offsets read, leave the group (the partitions and their queries
     * move to other workers), close the producer and the endpoint.
     */
    private void shutDown() {
        Deadline deadline = Deadline.in(shutdownTimeout);
        registry.close(shutdownTimeout.dividedBy(2));
        if (!outbox.commitAndWait(offsets.all(), consumer.groupMetadata(), deadline.remaining())) {
            log.warn("the final commit failed; the partitions' next owners redo what it held");
        }
        rebalancer.shuttingDown(deadline);
        consumer.close(atLeast(deadline.remaining(), LEAVE_GROUP_WAIT));
        stateReader.close(deadline.remaining());
        outbox.close(atLeast(deadline.remaining(), LEAVE_GROUP_WAIT));
        meters.close();
        if (health != null) {
            health.close();
        }
        log.info("worker {} stopped", workerId);
    }

    private static Duration atLeast(Duration remaining, Duration least) {
        return remaining.compareTo(least) < 0 ? least : remaining;
    }

    private static long pageEnvelopeBudget(int pageMaxBytes) {
        return Math.max(512, pageMaxBytes - Math.min(100_000, pageMaxBytes / 4));
    }
}
