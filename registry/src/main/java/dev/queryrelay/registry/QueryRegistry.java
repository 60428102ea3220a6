package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Drives the lifecycle of asynchronous warehouse queries: start, poll with back-off, stream the
 * result in pages, cancel, time out, retry retryable errors, and forget finished queries after a
 * TTL. A small bounded pool makes every warehouse call, each with a deadline; waiting is done by
 * a {@link Scheduler}; no method of this class blocks on the warehouse. Listeners are called
 * outside every lock, in order per query (see {@link QueryListener}).
 *
 * <p>This class is the facade: each query's state is owned by its {@link QueryLifecycle}, and
 * the work is done by {@link Launcher}, {@link Starter}, {@link Poller}, {@link ResultStreamer},
 * {@link Stopper}, {@link Timeouts}, {@link EarlyCancels} and {@link Retention} over {@link WarehouseCalls}.
 *
 * <pre>{@code
 * WarehouseConnection connection = Providers.load("mock").connect(Map.of());
 * try (QueryRegistry registry = QueryRegistry.builder(connection).listener(myListener).build()) {
 *     registry.submit(new StartRequest("q1", "SELECT 1", List.of(), QueryOptions.DEFAULTS, Map.of()));
 * }
 * }</pre>
 */
public final class QueryRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryRegistry.class);

    private final WarehouseConnection connection;
    private final boolean closeConnection;
    private final Clock clock;
    private final int inlineRowLimit;
    private final Duration pruneInterval;
    private final ConcurrentHashMap<String, QueryLifecycle> queries = new ConcurrentHashMap<>();
    private final Counters counters = new Counters();
    private final Listeners listeners;
    private final WarehouseCalls calls;
    private final ScheduledThreadPoolExecutor ownScheduler;
    private final Scheduler scheduler;
    private final EarlyCancels earlyCancels;
    private final Retention retention;
    private final Stopper stopper;
    private final Launcher launcher;
    private volatile boolean closed;

    private QueryRegistry(QueryRegistryBuilder s) {
        this.connection = s.connection;
        this.closeConnection = s.closeConnection;
        this.clock = s.clock;
        this.inlineRowLimit = s.inlineRowLimit;
        this.pruneInterval = s.pruneInterval;
        this.listeners = new Listeners(s.listeners);
        if (s.scheduler == null) {
            this.ownScheduler = new ScheduledThreadPoolExecutor(1,
                    new RegistryThreads(s.threadNamePrefix + "-scheduler", s.logContext));
            this.ownScheduler.setRemoveOnCancelPolicy(true);
            this.ownScheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            this.scheduler = Scheduler.of(ownScheduler);
        } else {
            this.ownScheduler = null;
            this.scheduler = s.scheduler;
        }
        this.calls = WarehouseCalls.of(s, scheduler, counters.retries);
        this.earlyCancels = new EarlyCancels(s.clock);
        this.retention = new Retention(queries, s.ttl, s.maxFinished);
        this.stopper = new Stopper(connection, calls, s.guard, scheduler);
        Timeouts timeouts = new Timeouts(s.clock, scheduler, calls, stopper);
        Poller poller = new Poller(connection, calls, scheduler, s.clock,
                new ResultStreamer(connection, calls, s.pageSizer, s.maxPageBytes),
                s.pollBackoffMultiplier, s.maxPollInterval, s.unknownQueryLimit);
        this.launcher = new Launcher(earlyCancels, timeouts, stopper,
                new Starter(connection, calls, poller, stopper, s.guard, scheduler), poller);
        schedulePrune();
    }

    /** A builder for a registry that runs queries on {@code connection}. */
    public static QueryRegistryBuilder builder(WarehouseConnection connection) {
        return new QueryRegistryBuilder(connection);
    }

    static QueryRegistry create(QueryRegistryBuilder settings) {
        return new QueryRegistry(settings);
    }

    /**
     * Accepts a query and returns at once with its {@code PENDING} snapshot (its listeners have
     * had it by then); the query is started in the background. Submitting a query id that is
     * already known starts nothing and returns the known query's current snapshot. A query whose
     * timeout has passed by the time it is launched (a timeout of a few milliseconds), or whose
     * cancel came first, ends at once without a start and its final snapshot is returned.
     *
     * @throws QueryRelayException with {@link ErrorType#VALIDATION} for a blank SQL text or id
     */
    public QuerySnapshot submit(StartRequest request) {
        return submit(request, false);
    }

    /**
     * As {@link #submit(StartRequest)}, for a command that another registry may have accepted and
     * started already (a Kafka worker re-reading commands its partition's previous owner may have
     * handled): with {@code mayHaveStarted} the query is first looked up in the warehouse
     * ({@link WarehouseConnection#findStarted}) and followed if found, as a taken-over one is.
     */
    public QuerySnapshot submit(StartRequest request, boolean mayHaveStarted) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        if (request.queryId().isBlank()) {
            throw QueryRelayException.validation("query_id must not be blank");
        }
        if (request.sql().isBlank()) {
            throw QueryRelayException.validation("sql must not be blank");
        }
        QueryLifecycle query = QueryLifecycle.submitted(request, clock, listeners, this::ended,
                inlineRowLimit);
        QueryLifecycle known = queries.putIfAbsent(request.queryId(), query);
        if (known != null) {
            counters.duplicates.increment();
            QuerySnapshot snapshot = known.snapshot();
            log.info("query {} submitted again; already {}, nothing started", request.queryId(), snapshot.status());
            return snapshot;
        }
        counters.submitted.increment();
        counters.inFlight.incrementAndGet();
        QuerySnapshot pending = query.accept();
        return launcher.launch(query, mayHaveStarted) ? pending : query.snapshot();
    }

    /**
     * Takes over a query that another registry (usually another process) accepted, from where it
     * left it: see {@link RestorePoint}. A {@code PENDING} query is first looked up in the
     * warehouse ({@link WarehouseConnection#findStarted}) and followed if it was started already.
     * Publishes no event for the restored state itself; the next transition continues its
     * {@code seq}. A query id already known here is left as it is.
     */
    public QuerySnapshot restore(StartRequest request, RestorePoint point) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(point, "point");
        ensureOpen();
        QueryLifecycle query = QueryLifecycle.restored(request, point, clock, listeners, this::ended,
                inlineRowLimit);
        QueryLifecycle known = queries.putIfAbsent(request.queryId(), query);
        if (known != null) {
            return known.snapshot();
        }
        if (point.status().isTerminal()) {
            retention.restoredFinished(query);
            return query.snapshot();
        }
        counters.inFlight.incrementAndGet();
        log.debug("query {} taken over as {} (seq {}, provider query id {})", request.queryId(), point.status(),
                point.seq(), point.providerQueryId());
        launcher.launch(query, true);
        return query.snapshot();
    }

    /**
     * Stops driving a query without canceling it in the warehouse and forgets it (another process
     * owns it now). Waits (bounded) for a start in flight and for the listeners to have the
     * query's events so far; publishes nothing after. Returns whether the query was known.
     */
    public boolean forget(String queryId) {
        QueryLifecycle query = queries.remove(Objects.requireNonNull(queryId, "queryId"));
        if (query == null) {
            return false;
        }
        if (query.handOverAfterStart(EngineDefaults.HANDOVER_WAIT)) {
            counters.inFlight.decrementAndGet();
        }
        return true;
    }

    /**
     * Cancels a query: a running query is canceled in the warehouse and then ends
     * {@code CANCELED}; a pending one ends {@code CANCELED} at once and is canceled in the
     * warehouse as soon as its start returns. A cancel for an unknown id is remembered (for the
     * TTL) and cancels that query when it is submitted. Canceling a finished query does nothing.
     * Never waits for a listener.
     *
     * @return the query's snapshot, or empty if the id is not (yet) known
     */
    public Optional<QuerySnapshot> cancel(String queryId, String reason) {
        Objects.requireNonNull(queryId, "queryId");
        ensureOpen();
        QueryLifecycle query = queries.get(queryId);
        if (query == null) {
            earlyCancels.remember(queryId, reason);
            query = queries.get(queryId);
            if (query == null) {
                log.info("cancel for unknown query {} remembered", queryId);
                return Optional.empty();
            }
            earlyCancels.take(queryId);
        }
        stopper.stop(query, QueryStatus.CANCELED, Errors.canceled(reason));
        return Optional.of(query.snapshot());
    }

    /** The current snapshot of a query, if known. */
    public Optional<QuerySnapshot> snapshot(String queryId) {
        QueryLifecycle query = queries.get(Objects.requireNonNull(queryId, "queryId"));
        return query == null ? Optional.empty() : Optional.of(query.snapshot());
    }

    /** Snapshots of the known queries whose status is in {@code statuses} (all if empty), oldest first. */
    public List<QuerySnapshot> list(Set<QueryStatus> statuses) {
        Objects.requireNonNull(statuses, "statuses");
        Set<QueryStatus> wanted = statuses.isEmpty() ? EnumSet.allOf(QueryStatus.class) : EnumSet.copyOf(statuses);
        List<QuerySnapshot> result = new ArrayList<>();
        for (QueryLifecycle query : queries.values()) {
            QuerySnapshot snapshot = query.snapshot();
            if (wanted.contains(snapshot.status())) {
                result.add(snapshot);
            }
        }
        result.sort(Comparator.comparing(QuerySnapshot::createdAt).thenComparing(QuerySnapshot::queryId));
        return result;
    }

    /**
     * A window of a {@code SUCCEEDED} query's result, from the rows kept inline (up to the
     * builder's {@code inlineRowLimit} per query). An offset at or past the end gives an empty,
     * last window.
     *
     * @throws QueryRelayException {@link ErrorType#VALIDATION} for a negative offset or limit, a
     *                             query that has not succeeded, or rows beyond the inline bound;
     *                             {@link ErrorType#NOT_FOUND} for an unknown id
     */
    public ResultSlice results(String queryId, long offset, int limit) {
        Objects.requireNonNull(queryId, "queryId");
        if (offset < 0) {
            throw QueryRelayException.validation("offset must not be negative, got " + offset);
        }
        if (limit < 0) {
            throw QueryRelayException.validation("limit must not be negative, got " + limit);
        }
        QueryLifecycle query = queries.get(queryId);
        if (query == null) {
            throw new QueryRelayException(ErrorType.NOT_FOUND, "unknown query " + queryId);
        }
        QueryStatus status = query.status();
        if (status != QueryStatus.SUCCEEDED) {
            throw QueryRelayException.validation("query " + queryId + " is " + status
                    + "; results are available once it has SUCCEEDED");
        }
        return query.results(offset, limit);
    }

    /** Forgets finished queries older than the TTL and remembered cancels older than the TTL. */
    public int prune() {
        earlyCancels.prune(retention.cutoff(clock.instant()));
        return retention.prune(clock.instant());
    }

    /** Queries not yet in a terminal state. */
    public int inFlight() {
        return counters.inFlight.get();
    }

    public RegistryMetrics metrics() {
        return counters.metrics(calls.retryMetrics());
    }

    /**
     * Stops driving every query (no transition or page is published after this returns), stops the
     * registry's threads and closes the connection (if the registry owns it). Queries still running
     * in the warehouse are left running, not canceled, for another registry to {@link #restore}.
     */
    @Override
    public void close() {
        close(EngineDefaults.HANDOVER_WAIT);
    }

    /** As {@link #close()}, waiting at most {@code wait} in all for starts in flight and the listeners (and at least 1 s for the threads). */
    public void close(Duration wait) {
        Deadline deadline = Deadline.in(wait);
        if (closed) {
            return;
        }
        closed = true;
        for (QueryLifecycle query : queries.values()) {
            query.handOverAfterStart(deadline.remaining());
        }
        calls.shutdownNow();
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        long threadsWait = Math.max(TimeUnit.SECONDS.toNanos(1), deadline.remaining().toNanos());
        try {
            if (!calls.awaitTermination(Duration.ofNanos(threadsWait))
                    || (ownScheduler != null && !ownScheduler.awaitTermination(threadsWait, TimeUnit.NANOSECONDS))) {
                log.warn("registry threads did not stop within {} ms", TimeUnit.NANOSECONDS.toMillis(threadsWait));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closeConnection) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                log.warn("closing the warehouse connection failed: {}", e.toString());
            }
        }
        log.info("registry closed with {} queries in flight", counters.inFlight.get());
    }

    /** A query's end, reported by its lifecycle: counted and remembered for the TTL. */
    private void ended(QueryLifecycle query) {
        counters.ended(query.status());
        retention.finishedHere(query);
    }

    private void schedulePrune() {
        try {
            scheduler.schedule(calls.pool(), () -> {
                try {
                    prune();
                } catch (RuntimeException e) {
                    log.error("prune failed", e);
                }
                if (!closed) {
                    schedulePrune();
                }
            }, pruneInterval);
        } catch (RejectedExecutionException e) {
            log.debug("registry closed; prune not scheduled");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw Errors.closed();
        }
    }
}
