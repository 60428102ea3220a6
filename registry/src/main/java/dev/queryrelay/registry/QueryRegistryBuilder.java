package dev.queryrelay.registry;

import dev.queryrelay.api.WarehouseConnection;
import io.github.resilience4j.retry.RetryRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link QueryRegistry}, from {@link QueryRegistry#builder}; each starts from its
 * {@link EngineDefaults} value, and every setter validates and names the bad value. It succeeds the
 * nested {@code QueryRegistry.Builder}: code that chains the calls is unchanged.
 */
public final class QueryRegistryBuilder {
    // read by QueryRegistry's constructor
    final WarehouseConnection connection;
    boolean closeConnection = true;
    Clock clock = Clock.systemUTC();
    Scheduler scheduler;
    final List<QueryListener> listeners = new ArrayList<>();
    int warehouseThreads = EngineDefaults.WAREHOUSE_THREADS;
    Duration callTimeout = EngineDefaults.CALL_TIMEOUT;
    SideEffectGuard guard = SideEffectGuard.NONE;
    Duration maxPollInterval = EngineDefaults.MAX_POLL_INTERVAL;
    double pollBackoffMultiplier = EngineDefaults.POLL_BACKOFF_MULTIPLIER;
    Duration unknownQueryLimit = EngineDefaults.UNKNOWN_QUERY_LIMIT;
    Duration ttl = EngineDefaults.TTL;
    int maxFinished = EngineDefaults.MAX_FINISHED;
    Duration pruneInterval = EngineDefaults.PRUNE_INTERVAL;
    int inlineRowLimit = EngineDefaults.INLINE_ROW_LIMIT;
    long maxPageBytes = EngineDefaults.MAX_PAGE_BYTES;
    PageSizer pageSizer = JsonRowSizer.INSTANCE;
    int retryMaxAttempts = EngineDefaults.RETRY_MAX_ATTEMPTS;
    Duration retryInitialBackoff = EngineDefaults.RETRY_INITIAL_BACKOFF;
    Duration retryMaxBackoff = EngineDefaults.RETRY_MAX_BACKOFF;
    String threadNamePrefix = EngineDefaults.THREAD_NAME_PREFIX;
    Map<String, String> logContext = Map.of();
    CallObserver callObserver = CallObserver.NONE;
    RetryRegistry retryRegistry;

    QueryRegistryBuilder(WarehouseConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /** Whether {@link QueryRegistry#close()} closes the connection (default true). */
    public QueryRegistryBuilder closeConnection(boolean value) {
        this.closeConnection = value;
        return this;
    }

    /** The time of snapshots, the TTL and the unknown-id limit (default the system's UTC clock). */
    public QueryRegistryBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /**
     * What the registry waits with: polls, timeouts, retry back-off, call deadlines, pruning
     * (default: a scheduler thread of its own, stopped by {@link QueryRegistry#close()}). Give
     * one that keeps the same time as the {@link #clock}; a given scheduler is not shut down.
     */
    public QueryRegistryBuilder scheduler(Scheduler value) {
        this.scheduler = Objects.requireNonNull(value, "scheduler");
        return this;
    }

    /** Asked before each start and cancel in the warehouse (default {@link SideEffectGuard#NONE}). */
    public QueryRegistryBuilder guard(SideEffectGuard value) {
        this.guard = Objects.requireNonNull(value, "guard");
        return this;
    }

    public QueryRegistryBuilder listener(QueryListener value) {
        this.listeners.add(Objects.requireNonNull(value, "listener"));
        return this;
    }

    /** Threads for warehouse calls and result streaming (default 8). */
    public QueryRegistryBuilder warehouseThreads(int value) {
        this.warehouseThreads = positive(value, "warehouseThreads");
        return this;
    }

    /**
     * The deadline of each warehouse call (default 60 s): past it the call counts as a
     * retryable {@code TIMEOUT} failure, and its thread is interrupted.
     */
    public QueryRegistryBuilder callTimeout(Duration value) {
        this.callTimeout = positive(value, "callTimeout");
        return this;
    }

    /** The cap of the adaptive poll interval (default 5 s). */
    public QueryRegistryBuilder maxPollInterval(Duration value) {
        this.maxPollInterval = positive(value, "maxPollInterval");
        return this;
    }

    /** The factor by which the poll interval grows after each poll (default 1.5). */
    public QueryRegistryBuilder pollBackoffMultiplier(double value) {
        if (!(value >= 1.0)) {
            throw new IllegalArgumentException("pollBackoffMultiplier must be at least 1.0, got " + value);
        }
        this.pollBackoffMultiplier = value;
        return this;
    }

    /** How long the warehouse may report a started query as unknown before it fails (default 60 s). */
    public QueryRegistryBuilder unknownQueryLimit(Duration value) {
        this.unknownQueryLimit = Objects.requireNonNull(value, "unknownQueryLimit");
        if (value.isNegative()) {
            throw new IllegalArgumentException("unknownQueryLimit must not be negative, got " + value);
        }
        return this;
    }

    /** How long finished queries and early cancels are kept (default 24 h). */
    public QueryRegistryBuilder ttl(Duration value) {
        this.ttl = positive(value, "ttl");
        return this;
    }

    /**
     * How many queries that finished here are remembered at most (default 10,000): beyond it
     * the oldest are forgotten before their TTL, so memory stays bounded at any query rate.
     * Queries {@linkplain QueryRegistry#restore restored} finished are kept for the TTL.
     */
    public QueryRegistryBuilder maxFinished(int value) {
        this.maxFinished = positive(value, "maxFinished");
        return this;
    }

    /** How often expired queries are pruned in the background (default 1 min). */
    public QueryRegistryBuilder pruneInterval(Duration value) {
        this.pruneInterval = positive(value, "pruneInterval");
        return this;
    }

    /** Rows kept in memory per query for {@link QueryRegistry#results} (default 10,000; 0 keeps none). */
    public QueryRegistryBuilder inlineRowLimit(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("inlineRowLimit must not be negative, got " + value);
        }
        this.inlineRowLimit = value;
        return this;
    }

    /** The byte bound of one page, as estimated by the page sizer (default 1,000,000 by {@link JsonRowSizer}). */
    public QueryRegistryBuilder maxPageBytes(long value, PageSizer sizer) {
        if (value < 1) {
            throw new IllegalArgumentException("maxPageBytes must be positive, got " + value);
        }
        this.maxPageBytes = value;
        this.pageSizer = Objects.requireNonNull(sizer, "sizer");
        return this;
    }

    /** Attempts per warehouse call for retryable errors, the first included (default 5). */
    public QueryRegistryBuilder retryMaxAttempts(int value) {
        this.retryMaxAttempts = positive(value, "retryMaxAttempts");
        return this;
    }

    /** Exponential back-off with jitter between attempts: first wait and cap (default 200 ms, 10 s). */
    public QueryRegistryBuilder retryBackoff(Duration initial, Duration max) {
        this.retryInitialBackoff = positive(initial, "retry initial backoff");
        this.retryMaxBackoff = positive(max, "retry max backoff");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("retry max backoff " + max + " is below the initial " + initial);
        }
        return this;
    }

    /** Prefix of the registry's thread names (default "queryrelay"). */
    public QueryRegistryBuilder threadNamePrefix(String value) {
        this.threadNamePrefix = Objects.requireNonNull(value, "threadNamePrefix");
        return this;
    }

    /** SLF4J MDC entries set on every registry thread (e.g. a worker id). */
    public QueryRegistryBuilder logContext(Map<String, String> value) {
        this.logContext = Map.copyOf(Objects.requireNonNull(value, "logContext"));
        return this;
    }

    /** Told of every warehouse call attempt, with its operation, duration and outcome (default none). */
    public QueryRegistryBuilder callObserver(CallObserver value) {
        this.callObserver = Objects.requireNonNull(value, "callObserver");
        return this;
    }

    /**
     * Where the warehouse calls' resilience4j {@code Retry} is created, named
     * {@code <threadNamePrefix>-warehouse}, e.g. to bind its metrics (default: a registry of its
     * own). The name must not be taken in it yet.
     */
    public QueryRegistryBuilder retryRegistry(RetryRegistry value) {
        this.retryRegistry = Objects.requireNonNull(value, "retryRegistry");
        return this;
    }

    public QueryRegistry build() {
        return QueryRegistry.create(this);
    }

    private static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
