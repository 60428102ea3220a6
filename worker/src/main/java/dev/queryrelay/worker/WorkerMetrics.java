package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.registry.CallObserver;
import dev.queryrelay.registry.QueryListener;
import dev.queryrelay.registry.QueryRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The worker's meters, in a Prometheus registry of its own ({@link #scrape()} is {@code GET /metrics}):
 * the {@code queryrelay_*} meters listed in docs/operations.md, the Kafka clients', the JVM's and
 * the warehouse retry's. The registry and the engine feed it through {@link #queries},
 * {@link #calls} and {@link #retries}; the rest is read from the worker's parts when scraped.
 */
final class WorkerMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);
    private static final Duration[] QUERY_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
            1800, 3600, 4 * 3600);
    private static final Duration[] CALL_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            30, 60, 120);

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RetryRegistry retries = RetryRegistry.ofDefaults();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private KafkaClientMetrics consumerMetrics;
    private KafkaClientMetrics producerMetrics;

    WorkerMetrics() {
        new JvmMemoryMetrics().bindTo(meters);
        gc.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    }

    MeterRegistry registry() {
        return meters;
    }

    /** The registry the engine creates its warehouse retry in, bound to {@code resilience4j_retry_calls_total}. */
    RetryRegistry retries() {
        return retries;
    }

    /** The Prometheus text exposition of every meter. */
    String scrape() {
        return meters.scrape();
    }

    /** Counts and times the queries of {@code provider} as they end. */
    QueryListener queries(String provider) {
        Map<QueryStatus, Counter> finished = new EnumMap<>(QueryStatus.class);
        Map<QueryStatus, Timer> durations = new EnumMap<>(QueryStatus.class);
        for (QueryStatus status : QueryStatus.values()) {
            if (status.isTerminal()) {
                finished.put(status, Counter.builder("queryrelay.queries.finished")
                        .description("Queries that reached a terminal status")
                        .tags("status", status.name(), "provider", provider).register(meters));
                durations.put(status, Timer.builder("queryrelay.query.duration")
                        .description("From a query's submit to its terminal status")
                        .tags("status", status.name(), "provider", provider).serviceLevelObjectives(QUERY_BUCKETS)
                        .register(meters));
            }
        }
        return new QueryListener() {
            @Override
            public void onTransition(QuerySnapshot snapshot) {
                if (!snapshot.status().isTerminal()) {
                    return;
                }
                finished.get(snapshot.status()).increment();
                Duration took = Duration.between(snapshot.createdAt(), snapshot.updatedAt());
                durations.get(snapshot.status()).record(took.isNegative() ? Duration.ZERO : took);
            }
        };
    }

    /** Times every warehouse call attempt by operation and outcome. */
    CallObserver calls() {
        Map<String, Timer> successes = new ConcurrentHashMap<>();
        Map<String, Timer> failures = new ConcurrentHashMap<>();
        return (operation, took, failure) -> {
            Map<String, Timer> timers = failure == null ? successes : failures;
            timers.computeIfAbsent(operation, key -> Timer.builder("queryrelay.warehouse.call")
                    .description("Warehouse call attempts, from their hand-off to the warehouse pool")
                    .tags("operation", operation, "outcome", failure == null ? "success" : "failure")
                    .serviceLevelObjectives(CALL_BUCKETS).register(meters)).record(took);
        };
    }

    void deadLettered(ErrorType type) {
        Counter.builder("queryrelay.dead.letters").description("Command records sent to the dead-letter topic")
                .tag("error_type", type.name()).register(meters).increment();
    }

    /** Meters read from the worker's parts at each scrape. */
    void bind(CommandHandler handler, QueryRegistry registry, BackPressure gate, Outbox outbox,
              OwnershipLease lease, PartitionsHealth partitions) {
        counter("queryrelay.commands.read", "Command records read", handler, h -> h.submits.get(), "topic", "submit");
        counter("queryrelay.commands.read", "Command records read", handler, h -> h.cancels.get(), "topic", "cancel");
        counter("queryrelay.queries.submitted", "Queries accepted (duplicates not counted)", registry,
                r -> r.metrics().submitted());
        counter("queryrelay.submits.duplicate", "Submits ignored because their query id was known", registry,
                r -> r.metrics().duplicates());
        counter("queryrelay.warehouse.retries", "Warehouse calls attempted again after a retryable error", registry,
                r -> r.metrics().retries());
        counter("queryrelay.consumer.pauses", "Times the submit partitions were paused at the in-flight cap", gate,
                BackPressure::pauses);
        counter("queryrelay.send.failures", "Failed sends and aborted transactions", outbox, o -> o.aborts.get());
        counter("queryrelay.transactions.committed", "Transactions committed", outbox, o -> o.commits.get());
        counter("queryrelay.transactions.aborted", "Transactions aborted (their records are sent again)", outbox,
                o -> o.aborts.get());
        Gauge.builder("queryrelay.queries.in.flight", registry, QueryRegistry::inFlight)
                .description("Queries not yet in a terminal status").register(meters);
        Gauge.builder("queryrelay.consumer.paused", gate, g -> g.isPaused() ? 1 : 0)
                .description("1 while the submit partitions are paused at the in-flight cap").register(meters);
        Gauge.builder("queryrelay.ownership.lease.valid", lease, l -> l.isValid() ? 1 : 0)
                .description("1 while the ownership lease is valid (starts and cancels are allowed)").register(meters);
        Gauge.builder("queryrelay.partitions.assigned", partitions, PartitionsHealth::owned)
                .description("Command partitions assigned to this worker and taken over").register(meters);
    }

    private <T> void counter(String name, String description, T source, ToDoubleFunction<T> count, String... tags) {
        FunctionCounter.builder(name, source, count).description(description).tags(tags).register(meters);
    }

    synchronized void bindConsumer(Consumer<?, ?> consumer) {
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(meters);
    }

    /** Binds the metrics of the outbox's current producer, unbinding those of the one it replaced. */
    synchronized void bindProducer(Producer<?, ?> producer) {
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(meters);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable binder : new AutoCloseable[] {consumerMetrics, producerMetrics, gc}) {
            try {
                if (binder != null) {
                    binder.close();
                }
            } catch (Exception e) {
                log.debug("closing a metrics binder failed: {}", e.toString());
            }
        }
    }

    private static Duration[] seconds(double... values) {
        Duration[] buckets = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            buckets[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return buckets;
    }
}
