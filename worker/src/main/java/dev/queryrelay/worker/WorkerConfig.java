package dev.queryrelay.worker;

import dev.queryrelay.protocol.TopicNames;
import dev.queryrelay.registry.EngineDefaults;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The worker's settings, declared once with type, default, validator and documentation
 * ({@link #CONFIG_DEF}); {@code docs/configuration.md} is generated from this table. Two prefixes
 * pass through: {@code kafka.*} goes to every Kafka client, {@code provider.*} to the provider.
 * The defaults of the engine settings come from the registry's {@link EngineDefaults}, not from here.
 */
public final class WorkerConfig extends AbstractConfig {

    public static final String KAFKA_PREFIX = "kafka.";
    public static final String PROVIDER_PREFIX = "provider.";

    public static final String PROVIDER = "provider";
    public static final String TOPICS_SUBMIT = "topics.submit";
    public static final String TOPICS_CANCEL = "topics.cancel";
    public static final String TOPICS_STATUS = "topics.status";
    public static final String TOPICS_RESULTS = "topics.results";
    public static final String TOPICS_DLQ = "topics.dlq";
    public static final String TOPICS_STATE = "topics.state";
    public static final String TOPICS_PARTITIONS = "topics.partitions";
    public static final String TOPICS_REPLICATION_FACTOR = "topics.replication-factor";
    public static final String WORKER_ID = "worker.id";
    public static final String MAX_IN_FLIGHT = "worker.max-in-flight";
    public static final String PAGE_MAX_BYTES = "worker.page-max-bytes";
    public static final String MAX_SQL_LENGTH = "worker.max-sql-length";
    public static final String WAREHOUSE_THREADS = "worker.warehouse-threads";
    public static final String MAX_POLL_INTERVAL_MS = "worker.max-poll-interval-ms";
    public static final String RETRY_MAX_ATTEMPTS = "worker.retry.max-attempts";
    public static final String RETRY_INITIAL_BACKOFF_MS = "worker.retry.initial-backoff-ms";
    public static final String RETRY_MAX_BACKOFF_MS = "worker.retry.max-backoff-ms";
    public static final String UNKNOWN_QUERY_LIMIT_MS = "worker.unknown-query-limit-ms";
    public static final String TTL_MS = "worker.ttl-ms";
    public static final String MAX_FINISHED = "worker.max-finished";
    public static final String COMMIT_INTERVAL_MS = "worker.commit-interval-ms";
    public static final String SHUTDOWN_TIMEOUT_MS = "worker.shutdown-timeout-ms";
    public static final String OWNERSHIP_LEASE_MS = "worker.ownership-lease-ms";
    public static final String CALL_TIMEOUT_MS = "worker.call-timeout-ms";
    public static final String HTTP_PORT = "http.port";
    public static final String GROUP_ID = "kafka.group.id";
    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, "Kafka bootstrap servers (host:port,...). Not needed with --embedded-kafka. "
                            + "Every other kafka.* key is passed to the Kafka clients unchanged (SASL, SSL, ...).")
            .define(GROUP_ID, Type.STRING, "queryrelay", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Consumer group of the workers; every worker of one deployment uses the same.")
            .define(PROVIDER, Type.STRING, "mock", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Warehouse provider name, found with ServiceLoader (shipped: snowflake, mock). "
                            + "Every provider.* key is passed to the provider without the prefix.")
            .define(TOPICS_SUBMIT, Type.STRING, TopicNames.defaults().submit(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Topic of submit commands.")
            .define(TOPICS_CANCEL, Type.STRING, TopicNames.defaults().cancel(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Topic of cancel commands; created with the submit topic's partition count.")
            .define(TOPICS_STATUS, Type.STRING, TopicNames.defaults().status(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Topic of status events.")
            .define(TOPICS_RESULTS, Type.STRING, TopicNames.defaults().results(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Topic of result pages.")
            .define(TOPICS_DLQ, Type.STRING, TopicNames.defaults().dlq(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Dead-letter topic for records that cannot be processed.")
            .define(TOPICS_STATE, Type.STRING, TopicNames.DEFAULT_PREFIX + "state", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Internal compacted topic where workers record each query's state, so that a partition's new "
                            + "owner takes its queries over; created with the submit topic's partition count.")
            .define(TOPICS_PARTITIONS, Type.INT, -1, Range.between(-1, 10_000), Importance.LOW,
                    "Partitions of topics the worker creates; -1 uses the broker's default.")
            .define(TOPICS_REPLICATION_FACTOR, Type.SHORT, (short) -1, Range.between(-1, 100), Importance.LOW,
                    "Replication factor of topics the worker creates; -1 uses the broker's default.")
            .define(WORKER_ID, Type.STRING, defaultWorkerId(), new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "This worker's id, published in every status event. Default: host name and process id.")
            .define(MAX_IN_FLIGHT, Type.INT, 1000, Range.atLeast(1), Importance.MEDIUM,
                    "Queries in flight at most; a submit read at the cap is held back and the worker pauses the submit "
                            + "topic until a query ends (cancels still flow).")
            .define(PAGE_MAX_BYTES, Type.INT, 900_000, Range.between(1024, 100_000_000), Importance.MEDIUM,
                    "Byte bound of one result page; keep it below the broker's message.max.bytes and the producer's "
                            + "max.request.size.")
            .define(MAX_SQL_LENGTH, Type.INT, 100_000, Range.atLeast(1), Importance.LOW,
                    "Longest SQL text accepted, in characters.")
            .define(WAREHOUSE_THREADS, Type.INT, EngineDefaults.WAREHOUSE_THREADS, Range.between(1, 1000), Importance.LOW,
                    "Threads for warehouse calls and result streaming.")
            .define(CALL_TIMEOUT_MS, Type.LONG, EngineDefaults.CALL_TIMEOUT.toMillis(), Range.atLeast(1), Importance.LOW,
                    "How long one warehouse call (start, look-up, status, a page of results, cancel) may take before it "
                            + "counts as a retryable TIMEOUT failure: the attempt fails then and its thread is interrupted (a driver that "
                            + "ignores the interrupt keeps its thread until the call returns).")
            .define(MAX_POLL_INTERVAL_MS, Type.LONG, EngineDefaults.MAX_POLL_INTERVAL.toMillis(), Range.atLeast(1), Importance.LOW,
                    "Cap of the adaptive status poll interval (a query whose poll_interval_ms is longer keeps its own).")
            .define(RETRY_MAX_ATTEMPTS, Type.INT, EngineDefaults.RETRY_MAX_ATTEMPTS, Range.atLeast(1), Importance.LOW,
                    "Attempts per warehouse call for retryable (network) errors, the first included.")
            .define(RETRY_INITIAL_BACKOFF_MS, Type.LONG, EngineDefaults.RETRY_INITIAL_BACKOFF.toMillis(), Range.atLeast(1), Importance.LOW,
                    "First wait between attempts; grows exponentially with jitter.")
            .define(RETRY_MAX_BACKOFF_MS, Type.LONG, EngineDefaults.RETRY_MAX_BACKOFF.toMillis(), Range.atLeast(1), Importance.LOW,
                    "Longest wait between attempts.")
            .define(UNKNOWN_QUERY_LIMIT_MS, Type.LONG, EngineDefaults.UNKNOWN_QUERY_LIMIT.toMillis(), Range.atLeast(0), Importance.LOW,
                    "How long the warehouse may report a started query as unknown before it fails (NOT_FOUND).")
            .define(TTL_MS, Type.LONG, EngineDefaults.TTL.toMillis(), Range.atLeast(1), Importance.LOW,
                    "How long finished queries (for duplicate detection) and early cancels are remembered.")
            .define(MAX_FINISHED, Type.INT, EngineDefaults.MAX_FINISHED, Range.atLeast(1), Importance.LOW,
                    "How many queries that finished on this worker are remembered at most (for duplicate "
                            + "detection); beyond it the oldest are forgotten before worker.ttl-ms, so memory stays "
                            + "bounded at any query rate (about 0.5 KB each plus the SQL text).")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.between(1, 5_000), Importance.LOW,
                    "How long after the first change a transaction commits: everything the worker publishes (events, "
                            + "pages, state records, dead letters) and the offsets it read become visible together then, "
                            + "so read_committed readers see events up to this much later (a query's terminal event and "
                            + "a result page wait for their commit: then it comes within 20 ms, or a fifth of this "
                            + "interval if that is less).")
            .define(OWNERSHIP_LEASE_MS, Type.LONG, 15_000L, Range.atLeast(100), Importance.LOW,
                    "How long after its last successful commit a worker still starts or cancels queries in the "
                            + "warehouse; a worker that stalled longer (GC pause, frozen VM, SIGSTOP) does nothing there "
                            + "until a commit proves it is still in the group. The worker caps it at half the group's session timeout "
                            + "(the broker's group.consumer.session.timeout.ms, 45 s by default; with the classic protocol "
                            + "the consumer's session.timeout.ms).")
            .define(SHUTDOWN_TIMEOUT_MS, Type.LONG, 30_000L, Range.between(1, 3_600_000), Importance.LOW,
                    "How long a graceful shutdown takes at most: waiting for start calls in flight (at most half of it), "
                            + "the final commit, leaving the group and closing the producer.")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(-1, 65_535), Importance.LOW,
                    "Port of the health and metrics endpoint (GET /health/live, /health/ready, /metrics); 0 picks a free port, "
                            + "-1 disables it. When left at the default and 8080 is taken (another worker on the host), "
                            + "the worker warns and listens on a free port; a port that is set must be free.");

    private final Map<String, String> raw;

    public WorkerConfig(Map<String, String> settings) {
        super(CONFIG_DEF, settings, false);
        this.raw = Map.copyOf(settings);
    }

    /** The {@code kafka.*} settings without the prefix. */
    public Map<String, Object> kafkaClientSettings() {
        return withPrefix(KAFKA_PREFIX);
    }

    /** The {@code provider.*} settings without the prefix. */
    public Map<String, String> providerSettings() {
        Map<String, String> settings = new TreeMap<>();
        withPrefix(PROVIDER_PREFIX).forEach((key, value) -> settings.put(key, String.valueOf(value)));
        return settings;
    }

    private Map<String, Object> withPrefix(String prefix) {
        Map<String, Object> settings = new HashMap<>();
        raw.forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                settings.put(key.substring(prefix.length()), value);
            }
        });
        return settings;
    }

    /** Whether the user gave {@code key} (rather than its default applying). */
    public boolean isSet(String key) {
        return raw.containsKey(key);
    }

    public Duration duration(String key) {
        return Duration.ofMillis(getLong(key));
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
