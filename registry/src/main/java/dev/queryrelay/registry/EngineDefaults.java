package dev.queryrelay.registry;

import java.time.Duration;

/**
 * The one table of the registry's defaults: {@link QueryRegistryBuilder} starts from these, and
 * the worker's configuration declares its {@code worker.*} engine settings with them, so a default
 * is changed here and nowhere else.
 */
public final class EngineDefaults {

    /** Threads for warehouse calls and result streaming. */
    public static final int WAREHOUSE_THREADS = 8;
    /**
     * How long one warehouse call (start, findStarted, status, results and a page's reads, cancel)
     * may take before it counts as a retryable {@code TIMEOUT} failure and its thread is interrupted.
     */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** The cap of the adaptive status poll interval. */
    public static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(5);
    /** The factor by which the poll interval grows after each poll. */
    public static final double POLL_BACKOFF_MULTIPLIER = 1.5;
    /** How long the warehouse may report a started query as unknown before it fails with NOT_FOUND. */
    public static final Duration UNKNOWN_QUERY_LIMIT = Duration.ofSeconds(60);
    /** How long finished queries and early cancels are remembered. */
    public static final Duration TTL = Duration.ofHours(24);
    /** How many queries that finished here are remembered at most. */
    public static final int MAX_FINISHED = 10_000;
    /** How often expired queries are pruned in the background. */
    public static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);
    /** Rows kept in memory per query for {@link QueryRegistry#results}. */
    public static final int INLINE_ROW_LIMIT = 10_000;
    /** The byte bound of one result page, as the page sizer estimates it. */
    public static final long MAX_PAGE_BYTES = 1_000_000;
    /** Attempts per warehouse call for retryable errors, the first included. */
    public static final int RETRY_MAX_ATTEMPTS = 5;
    /** The first wait between attempts; it grows exponentially with jitter. */
    public static final Duration RETRY_INITIAL_BACKOFF = Duration.ofMillis(200);
    /** The longest wait between attempts. */
    public static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long {@link QueryRegistry#forget} and {@link QueryRegistry#close} wait for a start in flight. */
    public static final Duration HANDOVER_WAIT = Duration.ofSeconds(30);
    /** How long the registry waits before asking its {@link SideEffectGuard} again after a refusal. */
    public static final Duration GUARD_RETRY = Duration.ofMillis(200);
    /** Prefix of the registry's thread names. */
    public static final String THREAD_NAME_PREFIX = "queryrelay";

    private EngineDefaults() {
    }
}
