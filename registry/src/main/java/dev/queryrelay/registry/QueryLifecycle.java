package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lifecycle of one query: its {@link Phase}, its published state, and the only code that
 * changes either. Every other part of the registry asks it to move (start, run, stop, finish,
 * hand over) and it refuses any move its phase does not allow. Its fields are guarded by its
 * monitor; each move queues the event it publishes while holding it and delivers the queue after
 * releasing it ({@link SerialEvents}), so listeners never run under the lock.
 */
final class QueryLifecycle {

    private static final Logger log = LoggerFactory.getLogger(QueryLifecycle.class);

    final StartRequest request;
    final Instant createdAt;
    private final Clock clock;
    private final Listeners listeners;
    /** Told of the query's end (for counting and retention), outside the lock. */
    private final Consumer<QueryLifecycle> ends;
    private final SerialEvents events = new SerialEvents();
    private final CompletableFuture<Void> startReturned = new CompletableFuture<>();

    private Phase phase;
    private QueryStatus status;
    private long seq;
    private Instant updatedAt;
    private Instant startedAt;
    private volatile Instant finishedAt;
    private String providerQueryId;
    private long rowCount;
    private int pages;
    private boolean truncated;
    private List<ColumnMeta> columns = List.of();
    private ErrorInfo error;
    private QueryStatus stopTarget;
    private ErrorInfo stopError;
    private Future<?> timeout;
    private final InlineRows inlineRows;

    private QueryLifecycle(StartRequest request, Instant createdAt, Clock clock, Listeners listeners, Consumer<QueryLifecycle> ends,
                           int inlineRowLimit) {
        this.request = request;
        this.createdAt = createdAt;
        this.clock = clock;
        this.listeners = listeners;
        this.ends = ends;
        this.inlineRows = new InlineRows(inlineRowLimit);
        this.phase = Phase.PENDING;
        this.status = QueryStatus.PENDING;
        this.updatedAt = createdAt;
    }

    /** A query submitted here; {@link #accept()} publishes its {@code PENDING} state. */
    static QueryLifecycle submitted(StartRequest request, Clock clock, Listeners listeners, Consumer<QueryLifecycle> ends, int inlineRowLimit) {
        return new QueryLifecycle(request, clock.instant(), clock, listeners, ends, inlineRowLimit);
    }

    /** A query taken over where another registry left it; publishes nothing for that state itself. */
    static QueryLifecycle restored(StartRequest request, RestorePoint point, Clock clock, Listeners listeners, Consumer<QueryLifecycle> ends,
                                   int inlineRowLimit) {
        QueryLifecycle query = new QueryLifecycle(request, point.createdAt(), clock, listeners, ends, inlineRowLimit);
        Instant now = clock.instant();
        query.status = point.status();
        query.phase = point.status().isTerminal() ? Phase.FINISHED
                : point.status() == QueryStatus.RUNNING ? Phase.RUNNING : Phase.PENDING;
        query.seq = point.seq();
        query.providerQueryId = point.providerQueryId();
        query.startedAt = point.startedAt();
        query.finishedAt = point.status().isTerminal() ? (point.finishedAt() == null ? now : point.finishedAt()) : null;
        query.updatedAt = now;
        return query;
    }

    String id() {
        return request.queryId();
    }

    /** Publishes the {@code PENDING} state of a query submitted here. */
    QuerySnapshot accept() {
        QuerySnapshot pending;
        synchronized (this) {
            pending = publish(QueryStatus.PENDING, null);
        }
        events.deliver();
        return pending;
    }

    /** PENDING to STARTING: whether the caller is now the one to start the query. */
    synchronized boolean beginStart() {
        return move(Phase.STARTING);
    }

    /** STARTING to RUNNING with the warehouse's id, publishing {@code RUNNING}; false if the query moved on meanwhile. */
    boolean started(String id) {
        synchronized (this) {
            if (!move(Phase.RUNNING)) {
                return false;
            }
            providerQueryId = id;
            startedAt = clock.instant();
            publish(QueryStatus.RUNNING, null, startedAt);
        }
        events.deliver();
        return true;
    }

    /** Marks the end of the start call, successful or not (see {@link #awaitStart}). */
    void startReturned() {
        startReturned.complete(null);
    }

    /**
     * Asks the query to stop with {@code target}: a query not started yet ends at once; a running
     * one moves to STOPPING and its provider id is returned, for the caller to cancel it in the
     * warehouse and then call {@link #stopped}. Null when nothing is left to cancel.
     */
    String requestStop(QueryStatus target, ErrorInfo stopWith) {
        String cancel = null;
        boolean ended = false;
        synchronized (this) {
            if (phase == Phase.PENDING || phase == Phase.STARTING) {
                ended = finish(target, stopWith);
            } else if (move(Phase.STOPPING)) {
                stopTarget = target;
                stopError = stopWith;
                cancel = providerQueryId;
            }
        }
        afterChange(ended);
        return cancel;
    }

    /** STOPPING to the status the stop asked for, once the warehouse cancel returned ({@code cancelFailure} if it failed). */
    void stopped(ErrorInfo cancelFailure) {
        boolean ended;
        synchronized (this) {
            if (phase != Phase.STOPPING) {
                return;
            }
            ErrorInfo detail = cancelFailure == null ? stopError : new ErrorInfo(stopError.type(),
                    stopError.message() + " (warehouse cancel failed: " + cancelFailure.message() + ")",
                    cancelFailure.code(), cancelFailure.sqlState(), false);
            ended = finish(stopTarget, detail);
        }
        afterChange(ended);
    }

    /** Ends the query FAILED, unless it is stopping, finished or handed over. */
    void fail(ErrorInfo failure) {
        boolean ended;
        synchronized (this) {
            ended = phase != Phase.STOPPING && finish(QueryStatus.FAILED, failure);
        }
        afterChange(ended);
    }

    /** Ends a query FAILED whose start failed, if it is still starting. */
    void failStart(ErrorInfo failure) {
        boolean ended;
        synchronized (this) {
            ended = phase == Phase.STARTING && finish(QueryStatus.FAILED, failure);
        }
        afterChange(ended);
    }

    /** Ends a running query SUCCEEDED (after its last page). */
    void succeed() {
        boolean ended;
        synchronized (this) {
            ended = phase == Phase.RUNNING && finish(QueryStatus.SUCCEEDED, null);
        }
        afterChange(ended);
    }

    /**
     * Counts and queues a page of a running query and delivers it; the returned future completes
     * once the listeners had it (the caller waits for it: the stream goes at the listeners' pace).
     * Null, and nothing published, once the query is no longer running.
     */
    CompletableFuture<Void> page(QueryPage page, boolean truncatedHere) {
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        synchronized (this) {
            if (phase != Phase.RUNNING) {
                return null;
            }
            pages++;
            rowCount += page.rows().size();
            truncated |= truncatedHere;
            inlineRows.add(page.rows());
            updatedAt = clock.instant();
            events.add(() -> {
                listeners.page(page);
                delivered.complete(null);
            });
        }
        events.deliver();
        return delivered;
    }

    synchronized void columns(List<ColumnMeta> resultColumns) {
        columns = List.copyOf(resultColumns);
    }

    /**
     * Stops driving the query here without publishing anything: every event queued before is still
     * delivered (this waits for that, at most {@code wait}), none after. Returns whether it was in flight.
     */
    boolean handOver(Duration wait) {
        boolean inFlight;
        synchronized (this) {
            inFlight = phase.isLive();
            move(Phase.HANDED_OVER);
            cancelTimeout();
        }
        if (!events.isDelivering() && !events.flush(wait)) {
            log.warn("query {}: its listeners did not take its last events within {} ms of the hand-over", id(),
                    wait.toMillis());
        }
        return inFlight;
    }

    /**
     * Waits (at most {@code wait}) for a start call in flight, so that its provider query id is
     * published with {@code RUNNING} before the query is handed over: a new owner then follows it
     * instead of starting it again.
     */
    void awaitStart(Duration wait) {
        synchronized (this) {
            if (phase != Phase.STARTING) {
                return;
            }
        }
        try {
            startReturned.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("query {}: start still in flight at hand-over ({})", id(), e.toString());
        }
    }

    /** {@link #awaitStart} then {@link #handOver}, both within {@code wait}; whether the query was in flight. */
    boolean handOverAfterStart(Duration wait) {
        Deadline deadline = Deadline.in(wait);
        awaitStart(deadline.remaining());
        return handOver(deadline.remaining());
    }

    /** Keeps the query's timeout task, to cancel it once the query ends. */
    synchronized void timeout(Future<?> task) {
        if (phase.isLive()) {
            timeout = task;
        } else {
            task.cancel(false);
        }
    }

    synchronized Phase phase() {
        return phase;
    }

    synchronized QueryStatus status() {
        return status;
    }

    synchronized String providerQueryId() {
        return providerQueryId;
    }

    /** When the query ended, or null; readable without the lock (retention reads it under its own). */
    Instant finishedAt() {
        return finishedAt;
    }

    synchronized ResultSlice results(long offset, int limit) {
        return inlineRows.slice(snapshot(), offset, limit);
    }

    synchronized QuerySnapshot snapshot() {
        Long executionMs = startedAt != null && finishedAt != null // another worker's clock may have set startedAt
                ? Math.max(0, Duration.between(startedAt, finishedAt).toMillis()) : null;
        return new QuerySnapshot(request.queryId(), request.sql(), request.bindings(), status, createdAt, updatedAt,
                startedAt, finishedAt, executionMs, rowCount, pages, truncated, columns, error, providerQueryId,
                request.options(), request.tags(), seq);
    }

    private boolean move(Phase next) {
        if (!phase.canMoveTo(next)) {
            return false;
        }
        phase = next;
        return true;
    }

    private boolean finish(QueryStatus terminal, ErrorInfo failure) {
        if (!move(Phase.FINISHED)) {
            return false;
        }
        publish(terminal, failure);
        cancelTimeout();
        inlineRows.trim();
        return true;
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** Sets the published status and queues its event (called with the lock held). */
    private QuerySnapshot publish(QueryStatus next, ErrorInfo failure) {
        return publish(next, failure, clock.instant());
    }

    private QuerySnapshot publish(QueryStatus next, ErrorInfo failure, Instant now) {
        QueryStatus previous = seq == 0 ? null : status;
        status = next;
        updatedAt = now;
        seq++;
        if (failure != null) {
            error = failure;
        }
        if (next.isTerminal()) {
            finishedAt = now;
        }
        QuerySnapshot snapshot = snapshot();
        if (log.isDebugEnabled()) {
            String outer = MDC.get("query_id");
            MDC.put("query_id", id());
            try {
                log.debug("query {} {} -> {}{}", id(), previous == null ? "new" : previous, next,
                        failure == null ? "" : " (" + failure.type() + ": " + failure.message() + ")");
            } finally {
                if (outer == null) {
                    MDC.remove("query_id");
                } else {
                    MDC.put("query_id", outer);
                }
            }
        }
        events.add(() -> listeners.transition(snapshot));
        return snapshot;
    }

    /** After a move, outside the lock: reports an end, then delivers the queued events. */
    private void afterChange(boolean ended) {
        if (ended) {
            ends.accept(this);
        }
        events.deliver();
    }
}
