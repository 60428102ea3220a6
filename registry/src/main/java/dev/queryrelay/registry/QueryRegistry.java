package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseStatus;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Drives the lifecycle of asynchronous warehouse queries: start, poll with back-off, stream the
 * result in pages, cancel, time out, retry network errors, and forget finished queries after a
 * TTL. One scheduler thread and a small bounded pool for warehouse calls serve every query; no
 * call of this class blocks on the warehouse.
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
    private static final Duration START_HANDOVER_WAIT = Duration.ofSeconds(30);

    private final WarehouseConnection connection;
    private final boolean closeConnection;
    private final Clock clock;
    private final List<QueryListener> listeners;
    private final Retry retry;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor warehousePool;
    private final Duration maxPollInterval;
    private final double pollBackoffMultiplier;
    private final Duration unknownQueryLimit;
    private final Duration ttl;
    private final int maxFinished;
    private final int inlineRowLimit;
    private final long maxPageBytes;
    private final PageSizer pageSizer;

    private final ConcurrentHashMap<String, Query> queries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, EarlyCancel> earlyCancels = new ConcurrentHashMap<>();
    /** Queries that finished here, in the order they finished; at most maxFinished. Guarded by itself. */
    private final ArrayDeque<Query> finished = new ArrayDeque<>();
    /** Queries restored finished (by a new owner); kept for the TTL only. Guarded by {@link #finished}. */
    private final ArrayDeque<Query> restoredFinished = new ArrayDeque<>();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder[] terminalCounts = new LongAdder[QueryStatus.values().length];
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private record EarlyCancel(String reason, Instant at) {
    }

    private QueryRegistry(Builder b) {
        this.connection = b.connection;
        this.closeConnection = b.closeConnection;
        this.clock = b.clock;
        this.listeners = List.copyOf(b.listeners);
        this.maxPollInterval = b.maxPollInterval;
        this.pollBackoffMultiplier = b.pollBackoffMultiplier;
        this.unknownQueryLimit = b.unknownQueryLimit;
        this.ttl = b.ttl;
        this.maxFinished = b.maxFinished;
        this.inlineRowLimit = b.inlineRowLimit;
        this.maxPageBytes = b.maxPageBytes;
        this.pageSizer = b.pageSizer;
        for (int i = 0; i < terminalCounts.length; i++) {
            terminalCounts[i] = new LongAdder();
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, named(b.threadNamePrefix + "-scheduler", b.logContext, null));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.warehousePool = new ThreadPoolExecutor(b.warehouseThreads, b.warehouseThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), named(b.threadNamePrefix + "-warehouse", b.logContext, this));
        this.warehousePool.allowCoreThreadTimeOut(true);
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(b.retryMaxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
                        b.retryInitialBackoff, 2.0, 0.5, b.retryMaxBackoff))
                .retryOnException(QueryRegistry::isRetryable)
                .writableStackTraceEnabled(false)
                .build();
        this.retry = Retry.of(b.threadNamePrefix + "-warehouse", retryConfig);
        this.retry.getEventPublisher().onRetry(event -> {
            retries.increment();
            log.warn("warehouse call retried (attempt {}) in {}: {}", event.getNumberOfRetryAttempts(),
                    event.getWaitInterval(), describe(event.getLastThrowable()));
        });
        long pruneMillis = b.pruneInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::pruneQuietly, pruneMillis, pruneMillis, TimeUnit.MILLISECONDS);
    }

    /** A builder for a registry that runs queries on {@code connection}. */
    public static Builder builder(WarehouseConnection connection) {
        return new Builder(connection);
    }

    /**
     * Accepts a query and returns at once with its {@code PENDING} snapshot; the query is started
     * in the background. Submitting a query id that is already known starts nothing and returns
     * the known query's current snapshot.
     *
     * @throws QueryRelayException with {@link ErrorType#VALIDATION} for a blank SQL text or id
     */
    public QuerySnapshot submit(StartRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        if (request.queryId().isBlank()) {
            throw QueryRelayException.validation("query_id must not be blank");
        }
        if (request.sql().isBlank()) {
            throw QueryRelayException.validation("sql must not be blank");
        }
        Query query = new Query(request, clock.instant());
        Query known = queries.putIfAbsent(request.queryId(), query);
        if (known != null) {
            duplicates.increment();
            log.info("query {} submitted again; already {}, nothing started", request.queryId(), known.status());
            return known.snapshot();
        }
        submitted.increment();
        inFlight.incrementAndGet();
        QuerySnapshot pending = transition(query, QueryStatus.PENDING, null);
        return launch(query) ? pending : query.snapshot();
    }

    /**
     * Takes over a query that another registry (usually another process) accepted, from where it
     * left it: see {@link RestorePoint}. Publishes no event for the restored state itself; the next
     * transition continues its {@code seq}. A query id already known here is left as it is.
     */
    public QuerySnapshot restore(StartRequest request, RestorePoint point) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(point, "point");
        ensureOpen();
        Query query = new Query(request, point, clock.instant());
        Query known = queries.putIfAbsent(request.queryId(), query);
        if (known != null) {
            return known.snapshot();
        }
        if (point.status().isTerminal()) {
            synchronized (finished) {
                restoredFinished.add(query);
            }
            return query.snapshot();
        }
        inFlight.incrementAndGet();
        log.info("query {} taken over as {} (seq {}, provider query id {})", request.queryId(), point.status(),
                point.seq(), point.providerQueryId());
        launch(query);
        return query.snapshot();
    }

    /**
     * Stops driving a query without canceling it in the warehouse and forgets it (another process
     * owns it now). Publishes nothing. Returns whether the query was known.
     */
    public boolean forget(String queryId) {
        Query query = queries.remove(Objects.requireNonNull(queryId, "queryId"));
        if (query == null) {
            return false;
        }
        awaitStart(query);
        if (query.detach()) {
            inFlight.decrementAndGet();
        }
        return true;
    }

    /** Starts or follows the query; false when a remembered cancel ended it at once. */
    private boolean launch(Query query) {
        StartRequest request = query.request;
        EarlyCancel early = earlyCancels.remove(request.queryId());
        if (early != null) {
            stop(query, QueryStatus.CANCELED, canceledError(early.reason()));
            return false;
        }
        Duration timeout = request.options().timeout();
        if (timeout != null) {
            long remaining = Math.max(0, Duration.between(clock.instant(), query.createdAt.plus(timeout)).toMillis());
            synchronized (query) {
                if (!query.status().isTerminal()) {
                    query.timeoutTask = scheduler.schedule(() -> stop(query, QueryStatus.TIMEOUT,
                            ErrorInfo.of(ErrorType.TIMEOUT, "query exceeded its timeout of " + timeout.toMillis() + " ms")),
                            remaining, TimeUnit.MILLISECONDS);
                }
            }
        }
        if (query.status() == QueryStatus.PENDING) {
            CompletableFuture<Void> startReturned = new CompletableFuture<>();
            query.startCall = startReturned;
            warehouseCall(() -> connection.start(request), false)
                    .whenComplete((id, failure) -> onStarted(query, id, failure, startReturned));
        } else if (query.status() == QueryStatus.RUNNING) {
            schedule(() -> poll(query), 0);
        }
        return true;
    }

    /**
     * Cancels a query: a running query is canceled in the warehouse and then ends
     * {@code CANCELED}; a pending one ends {@code CANCELED} at once and is canceled in the
     * warehouse as soon as its start returns. A cancel for an unknown id is remembered (for the
     * TTL) and cancels that query when it is submitted. Canceling a finished query does nothing.
     *
     * @return the query's snapshot, or empty if the id is not (yet) known
     */
    public Optional<QuerySnapshot> cancel(String queryId, String reason) {
        Objects.requireNonNull(queryId, "queryId");
        ensureOpen();
        Query query = queries.get(queryId);
        if (query == null) {
            earlyCancels.put(queryId, new EarlyCancel(reason, clock.instant()));
            query = queries.get(queryId);
            if (query == null) {
                log.info("cancel for unknown query {} remembered", queryId);
                return Optional.empty();
            }
            earlyCancels.remove(queryId);
        }
        stop(query, QueryStatus.CANCELED, canceledError(reason));
        return Optional.of(query.snapshot());
    }

    /** The current snapshot of a query, if known. */
    public Optional<QuerySnapshot> snapshot(String queryId) {
        Query query = queries.get(Objects.requireNonNull(queryId, "queryId"));
        return query == null ? Optional.empty() : Optional.of(query.snapshot());
    }

    /** Snapshots of the known queries whose status is in {@code statuses} (all if empty), oldest first. */
    public List<QuerySnapshot> list(Set<QueryStatus> statuses) {
        Objects.requireNonNull(statuses, "statuses");
        Set<QueryStatus> wanted = statuses.isEmpty() ? EnumSet.allOf(QueryStatus.class) : EnumSet.copyOf(statuses);
        List<QuerySnapshot> result = new ArrayList<>();
        for (Query query : queries.values()) {
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
        Query query = queries.get(queryId);
        if (query == null) {
            throw new QueryRelayException(ErrorType.NOT_FOUND, "unknown query " + queryId);
        }
        synchronized (query) {
            QuerySnapshot snapshot = query.snapshot();
            if (snapshot.status() != QueryStatus.SUCCEEDED) {
                throw QueryRelayException.validation("query " + queryId + " is " + snapshot.status()
                        + "; results are available once it has SUCCEEDED");
            }
            long total = snapshot.rowCount();
            long from = Math.min(offset, total);
            long to = Math.min(total, from + limit);
            List<List<Object>> kept = query.inlineRows == null ? List.of() : query.inlineRows;
            if (to > kept.size()) {
                throw QueryRelayException.validation("rows beyond " + kept.size() + " of query " + queryId
                        + " are not kept inline (inline row limit " + inlineRowLimit + "); read them from the pages");
            }
            return new ResultSlice(queryId, from, snapshot.columns(), kept.subList((int) from, (int) to), total,
                    to >= total);
        }
    }

    /** Forgets finished queries older than the TTL and remembered cancels older than the TTL. */
    public int prune() {
        Instant cutoff = clock.instant().minus(ttl);
        List<Query> expired = new ArrayList<>();
        synchronized (finished) {
            for (ArrayDeque<Query> kept : List.of(finished, restoredFinished)) {
                for (Iterator<Query> it = kept.iterator(); it.hasNext(); ) {
                    Query query = it.next();
                    if (!query.finishedAt().isAfter(cutoff)) {
                        it.remove();
                        expired.add(query);
                    }
                }
            }
        }
        int removed = 0;
        for (Query query : expired) {
            if (queries.remove(query.id(), query)) {
                removed++;
            }
        }
        earlyCancels.values().removeIf(cancel -> !cancel.at().isAfter(cutoff));
        if (removed > 0) {
            log.debug("pruned {} finished queries", removed);
        }
        return removed;
    }

    /** Queries not yet in a terminal state. */
    public int inFlight() {
        return inFlight.get();
    }

    public RegistryMetrics metrics() {
        Retry.Metrics retryMetrics = retry.getMetrics();
        return new RegistryMetrics(submitted.sum(), duplicates.sum(), inFlight.get(),
                terminalCount(QueryStatus.SUCCEEDED), terminalCount(QueryStatus.FAILED),
                terminalCount(QueryStatus.CANCELED), terminalCount(QueryStatus.TIMEOUT), retries.sum(),
                retryMetrics.getNumberOfSuccessfulCallsWithRetryAttempt(),
                retryMetrics.getNumberOfFailedCallsWithRetryAttempt());
    }

    /**
     * Stops driving every query (no transition or page is published after this starts), stops the
     * registry's threads and closes the connection (if the registry owns it). Queries still running
     * in the warehouse are left running, not canceled, for another registry to {@link #restore}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Query query : queries.values()) {
            awaitStart(query);
            query.detach();
        }
        scheduler.shutdownNow();
        warehousePool.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS) || !warehousePool.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("registry threads did not stop within 10 s");
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
        log.info("registry closed with {} queries in flight", inFlight.get());
    }

    /** Publishes RUNNING (or FAILED), then completes {@code startReturned} and follows the query. */
    private void onStarted(Query query, String providerQueryId, Throwable failure, CompletableFuture<Void> startReturned) {
        boolean running;
        try {
            if (failure != null) {
                finish(query, QueryStatus.FAILED, errorOf(failure));
                return;
            }
            synchronized (query) {
                query.started(providerQueryId, clock.instant());
                running = transition(query, QueryStatus.RUNNING, null) != null;
            }
        } finally {
            query.startCall = null;
            startReturned.complete(null);
        }
        if (running) {
            if (onWarehouseThread()) {
                poll(query);
            } else {
                schedule(() -> poll(query), 0);
            }
        } else if (query.status().isTerminal()) {
            log.info("query {} ended {} while starting; canceling {} in the warehouse", query.id(),
                    query.status(), providerQueryId);
            cancelInWarehouse(providerQueryId);
        } else {
            log.warn("query {} was handed over while starting; {} keeps running in the warehouse", query.id(),
                    providerQueryId);
        }
    }

    /**
     * Waits (bounded) for a start call in flight, so that its provider query id is published with
     * RUNNING before the query is handed over: a new owner then follows it instead of starting it again.
     */
    private void awaitStart(Query query) {
        CompletableFuture<?> start = query.startCall;
        if (start == null || start.isDone()) {
            return;
        }
        try {
            start.get(START_HANDOVER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException | java.util.concurrent.CancellationException e) {
            log.warn("query {}: start still in flight at hand-over ({})", query.id(), e.toString());
        }
    }

    private void poll(Query query) {
        if (!query.isActive()) {
            return;
        }
        String providerQueryId = query.providerQueryId();
        warehouseCall(() -> connection.status(providerQueryId), true)
                .whenComplete((status, failure) -> onStatus(query, status, failure));
    }

    private void onStatus(Query query, WarehouseStatus status, Throwable failure) {
        if (failure != null) {
            finish(query, QueryStatus.FAILED, errorOf(failure));
            return;
        }
        switch (status.state()) {
            case RUNNING -> {
                query.unknownSince = null;
                schedulePoll(query);
            }
            case UNKNOWN -> {
                Instant now = clock.instant();
                if (query.unknownSince == null) {
                    query.unknownSince = now;
                }
                if (Duration.between(query.unknownSince, now).compareTo(unknownQueryLimit) >= 0) {
                    finish(query, QueryStatus.FAILED, ErrorInfo.of(ErrorType.NOT_FOUND, "the warehouse has reported query "
                            + query.providerQueryId() + " as unknown for " + unknownQueryLimit.toMillis() + " ms"));
                } else {
                    schedulePoll(query);
                }
            }
            case FAILED -> finish(query, QueryStatus.FAILED, status.error());
            case SUCCEEDED -> warehouseCall(() -> connection.results(query.providerQueryId()), true)
                    .whenComplete((cursor, error) -> {
                        if (error != null) {
                            finish(query, QueryStatus.FAILED, errorOf(error));
                        } else {
                            execute(() -> deliverPages(query, cursor));
                        }
                    });
        }
    }

    private void deliverPages(Query query, ResultCursor cursor) {
        try (cursor) {
            new ResultPager(query, cursor, pageSizer, maxPageBytes).deliver(this::publishPage);
            synchronized (query) {
                if (query.isActive()) {
                    transition(query, QueryStatus.SUCCEEDED, null);
                }
            }
        } catch (RuntimeException e) {
            finish(query, QueryStatus.FAILED, errorOf(e));
        }
    }

    private boolean publishPage(Query query, QueryPage page) {
        synchronized (query) {
            if (!query.isActive()) {
                return false;
            }
            query.pageDelivered(page.rows(), inlineRowLimit);
            for (QueryListener listener : listeners) {
                try {
                    listener.onPage(page);
                } catch (RuntimeException e) {
                    log.error("listener {} failed on page {} of query {}", listener, page.page(), query.id(), e);
                }
            }
            return true;
        }
    }

    private void stop(Query query, QueryStatus target, ErrorInfo error) {
        String providerQueryId;
        synchronized (query) {
            if (!query.isActive()) {
                return;
            }
            if (query.status() == QueryStatus.PENDING) {
                transition(query, target, error);
                return;
            }
            query.stopTarget = target;
            providerQueryId = query.providerQueryId();
        }
        log.info("query {}: {} requested, canceling {} in the warehouse", query.id(), target, providerQueryId);
        warehouseCall(() -> {
            connection.cancel(providerQueryId);
            return Boolean.TRUE;
        }, true).whenComplete((ok, failure) -> {
            ErrorInfo detail = error;
            if (failure != null) {
                ErrorInfo cause = errorOf(failure);
                log.warn("query {}: cancel of {} in the warehouse failed: {}", query.id(), providerQueryId, cause.message());
                detail = new ErrorInfo(error.type(), error.message() + " (warehouse cancel failed: " + cause.message() + ")",
                        cause.code(), cause.sqlState(), false);
            }
            synchronized (query) {
                if (!query.status().isTerminal()) {
                    transition(query, target, detail);
                }
            }
        });
    }

    private void cancelInWarehouse(String providerQueryId) {
        warehouseCall(() -> {
            connection.cancel(providerQueryId);
            return Boolean.TRUE;
        }, true).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("cancel of {} in the warehouse failed: {}", providerQueryId, errorOf(failure).message());
            }
        });
    }

    private void finish(Query query, QueryStatus status, ErrorInfo error) {
        synchronized (query) {
            if (query.isActive()) {
                transition(query, status, error);
            }
        }
    }

    private QuerySnapshot transition(Query query, QueryStatus next, ErrorInfo error) {
        synchronized (query) {
            QueryStatus previous = query.status();
            QuerySnapshot snapshot = query.moveTo(next, error, clock.instant());
            if (snapshot == null) {
                return null;
            }
            if (next.isTerminal()) {
                inFlight.decrementAndGet();
                terminalCounts[next.ordinal()].increment();
                rememberFinished(query);
            }
            boolean logged = log.isInfoEnabled();
            if (logged) {
                MDC.put("query_id", query.id());
                if (error == null) {
                    log.info("query {} {} -> {}", query.id(), next == QueryStatus.PENDING ? "new" : previous, next);
                } else {
                    log.info("query {} {} -> {} ({}: {})", query.id(), previous, next, error.type(), error.message());
                }
            }
            try {
                for (QueryListener listener : listeners) {
                    try {
                        listener.onTransition(snapshot);
                    } catch (RuntimeException e) {
                        log.error("listener {} failed on {} of query {}", listener, next, query.id(), e);
                    }
                }
            } finally {
                if (logged) {
                    MDC.remove("query_id");
                }
            }
            return snapshot;
        }
    }

    private void schedulePoll(Query query) {
        schedule(() -> poll(query), query.nextPollDelay(pollBackoffMultiplier, maxPollInterval));
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("registry closed; task dropped");
        }
    }

    /** Runs {@code task} on a warehouse thread: this one, if it is one. */
    private void execute(Runnable task) {
        if (onWarehouseThread()) {
            task.run();
            return;
        }
        try {
            warehousePool.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("registry closed; task dropped");
        }
    }

    /**
     * Calls the warehouse on a warehouse thread, retrying retryable failures with back-off. With
     * {@code here}, a call made on a warehouse thread runs on it at once instead of being queued
     * (a query's next call after the previous one returned), and goes through the {@link Retry}
     * only if it fails retryably; retries always come from the scheduler.
     */
    private <T> CompletableFuture<T> warehouseCall(Supplier<T> call, boolean here) {
        if (!here || !onWarehouseThread()) {
            return retried(call, null);
        }
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (Throwable e) {
            return isRetryable(e) ? retried(call, CompletableFuture.failedFuture(e)) : CompletableFuture.failedFuture(e);
        }
    }

    /** The call through the {@link Retry}; {@code madeHere}, if given, is the first attempt, already made. */
    private <T> CompletableFuture<T> retried(Supplier<T> call, CompletableFuture<T> madeHere) {
        AtomicReference<CompletableFuture<T>> firstAttempt = new AtomicReference<>(madeHere);
        try {
            return retry.executeCompletionStage(scheduler, () -> {
                CompletableFuture<T> made = firstAttempt.getAndSet(null);
                return made != null ? made : CompletableFuture.supplyAsync(call, warehousePool);
            }).toCompletableFuture();
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new QueryRelayException(ErrorType.INTERNAL, "registry is closed"));
        }
    }

    private boolean onWarehouseThread() {
        return Thread.currentThread() instanceof RegistryThread thread && thread.warehouseOf == this;
    }

    /** Remembers a query that finished here, forgetting the oldest such beyond {@code maxFinished}. */
    private void rememberFinished(Query query) {
        query.finished();
        Query oldest = null;
        synchronized (finished) {
            finished.add(query);
            if (finished.size() > maxFinished) {
                oldest = finished.poll();
            }
        }
        if (oldest != null) {
            queries.remove(oldest.id(), oldest);
        }
    }

    private void pruneQuietly() {
        try {
            prune();
        } catch (RuntimeException e) {
            log.error("prune failed", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new QueryRelayException(ErrorType.INTERNAL, "registry is closed");
        }
    }

    private long terminalCount(QueryStatus status) {
        return terminalCounts[status.ordinal()].sum();
    }

    private static ErrorInfo canceledError(String reason) {
        return ErrorInfo.of(ErrorType.CANCELED, reason == null || reason.isBlank() ? "canceled by request" : reason);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isRetryable(Throwable failure) {
        return unwrap(failure) instanceof QueryRelayException e && e.retryable();
    }

    static ErrorInfo errorOf(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof QueryRelayException e) {
            return e.error();
        }
        return ErrorInfo.of(ErrorType.INTERNAL, "unexpected " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    private static String describe(Throwable failure) {
        ErrorInfo error = errorOf(failure);
        return error.type() + ": " + error.message();
    }

    /** A thread of a registry; {@code warehouseOf} is the registry whose warehouse calls it makes, if any. */
    private static final class RegistryThread extends Thread {
        final QueryRegistry warehouseOf;

        RegistryThread(Runnable task, String name, QueryRegistry warehouseOf) {
            super(task, name);
            this.warehouseOf = warehouseOf;
            setDaemon(true);
        }
    }

    private static ThreadFactory named(String prefix, Map<String, String> logContext, QueryRegistry warehouseOf) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Runnable withContext = logContext.isEmpty() ? runnable : () -> {
                MDC.setContextMap(logContext);
                runnable.run();
            };
            return new RegistryThread(withContext, prefix + "-" + counter.incrementAndGet(), warehouseOf);
        };
    }

    /** Settings of a {@link QueryRegistry}; every setter validates and names the bad value. */
    public static final class Builder {
        private final WarehouseConnection connection;
        private boolean closeConnection = true;
        private Clock clock = Clock.systemUTC();
        private final List<QueryListener> listeners = new ArrayList<>();
        private int warehouseThreads = 8;
        private Duration maxPollInterval = Duration.ofSeconds(5);
        private double pollBackoffMultiplier = 1.5;
        private Duration unknownQueryLimit = Duration.ofSeconds(60);
        private Duration ttl = Duration.ofHours(24);
        private int maxFinished = 10_000;
        private Duration pruneInterval = Duration.ofMinutes(1);
        private int inlineRowLimit = 10_000;
        private long maxPageBytes = 1_000_000;
        private PageSizer pageSizer = JsonRowSizer.INSTANCE;
        private int retryMaxAttempts = 5;
        private Duration retryInitialBackoff = Duration.ofMillis(100);
        private Duration retryMaxBackoff = Duration.ofSeconds(5);
        private String threadNamePrefix = "queryrelay";
        private Map<String, String> logContext = Map.of();

        private Builder(WarehouseConnection connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        /** Whether {@link QueryRegistry#close()} closes the connection (default true). */
        public Builder closeConnection(boolean value) {
            this.closeConnection = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder listener(QueryListener value) {
            this.listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /** Threads for warehouse calls and result streaming (default 8). */
        public Builder warehouseThreads(int value) {
            this.warehouseThreads = positive(value, "warehouseThreads");
            return this;
        }

        /** The cap of the adaptive poll interval (default 5 s). */
        public Builder maxPollInterval(Duration value) {
            this.maxPollInterval = positive(value, "maxPollInterval");
            return this;
        }

        /** The factor by which the poll interval grows after each poll (default 1.5). */
        public Builder pollBackoffMultiplier(double value) {
            if (!(value >= 1.0)) {
                throw new IllegalArgumentException("pollBackoffMultiplier must be at least 1.0, got " + value);
            }
            this.pollBackoffMultiplier = value;
            return this;
        }

        /** How long the warehouse may report a started query as unknown before it fails (default 60 s). */
        public Builder unknownQueryLimit(Duration value) {
            this.unknownQueryLimit = Objects.requireNonNull(value, "unknownQueryLimit");
            if (value.isNegative()) {
                throw new IllegalArgumentException("unknownQueryLimit must not be negative, got " + value);
            }
            return this;
        }

        /** How long finished queries are kept (default 24 h). */
        public Builder ttl(Duration value) {
            this.ttl = positive(value, "ttl");
            return this;
        }

        /**
         * How many queries that finished here are remembered at most (default 10,000): beyond it
         * the oldest are forgotten before their TTL, so memory stays bounded at any query rate.
         * Queries {@linkplain #restore restored} finished are kept for the TTL.
         */
        public Builder maxFinished(int value) {
            this.maxFinished = positive(value, "maxFinished");
            return this;
        }

        /** How often expired queries are pruned in the background (default 1 min). */
        public Builder pruneInterval(Duration value) {
            this.pruneInterval = positive(value, "pruneInterval");
            return this;
        }

        /** Rows kept in memory per query for {@link QueryRegistry#results} (default 10,000; 0 keeps none). */
        public Builder inlineRowLimit(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("inlineRowLimit must not be negative, got " + value);
            }
            this.inlineRowLimit = value;
            return this;
        }

        /** The byte bound of one page, as estimated by the page sizer (default 1,000,000). */
        public Builder maxPageBytes(long value, PageSizer sizer) {
            if (value < 1) {
                throw new IllegalArgumentException("maxPageBytes must be positive, got " + value);
            }
            this.maxPageBytes = value;
            this.pageSizer = Objects.requireNonNull(sizer, "sizer");
            return this;
        }

        /** Attempts per warehouse call for retryable errors, the first included (default 5). */
        public Builder retryMaxAttempts(int value) {
            this.retryMaxAttempts = positive(value, "retryMaxAttempts");
            return this;
        }

        /** Exponential back-off with jitter between attempts: first wait and cap (default 100 ms, 5 s). */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitialBackoff = positive(initial, "retry initial backoff");
            this.retryMaxBackoff = positive(max, "retry max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("retry max backoff " + max + " is below the initial " + initial);
            }
            return this;
        }

        /** Prefix of the registry's thread names (default "queryrelay"). */
        public Builder threadNamePrefix(String value) {
            this.threadNamePrefix = Objects.requireNonNull(value, "threadNamePrefix");
            return this;
        }

        /** SLF4J MDC entries set on every registry thread (e.g. a worker id). */
        public Builder logContext(Map<String, String> value) {
            this.logContext = Map.copyOf(Objects.requireNonNull(value, "logContext"));
            return this;
        }

        public QueryRegistry build() {
            return new QueryRegistry(this);
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
}
