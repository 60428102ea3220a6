package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * The mutable state of one query. Every field is guarded by the instance's monitor; the
 * registry moves the status only through {@link #moveTo}, which refuses any transition the
 * lifecycle does not allow.
 */
final class Query {

    final StartRequest request;
    final Instant createdAt;

    private QueryStatus status = QueryStatus.PENDING;
    private Instant updatedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private String providerQueryId;
    private long rowCount;
    private int pages;
    private boolean truncated;
    private List<ColumnMeta> columns = List.of();
    private ErrorInfo error;
    private long seq;

    /** CANCELED or TIMEOUT once a stop was asked for while RUNNING; poll answers are then ignored. */
    QueryStatus stopTarget;
    Instant unknownSince;
    long nextPollMillis;
    ScheduledFuture<?> timeoutTask;
    volatile java.util.concurrent.CompletableFuture<?> startCall;
    List<List<Object>> inlineRows;

    private boolean detached;

    Query(StartRequest request, Instant createdAt) {
        this.request = request;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.nextPollMillis = request.options().pollInterval().toMillis();
    }

    Query(StartRequest request, RestorePoint point, Instant now) {
        this(request, point.createdAt());
        this.status = point.status();
        this.seq = point.seq();
        this.providerQueryId = point.providerQueryId();
        this.startedAt = point.startedAt();
        this.finishedAt = point.status().isTerminal() ? (point.finishedAt() == null ? now : point.finishedAt()) : null;
        this.updatedAt = now;
    }

    String id() {
        return request.queryId();
    }

    synchronized QueryStatus status() {
        return status;
    }

    synchronized boolean isActive() {
        return !detached && !status.isTerminal() && stopTarget == null;
    }

    /** Stops driving this query here (another process owns it now); returns whether it was in flight. */
    synchronized boolean detach() {
        boolean inFlight = !detached && !status.isTerminal();
        detached = true;
        if (timeoutTask != null) {
            timeoutTask.cancel(false);
            timeoutTask = null;
        }
        return inFlight;
    }

    synchronized String providerQueryId() {
        return providerQueryId;
    }

    synchronized Instant finishedAt() {
        return finishedAt;
    }

    synchronized void started(String id, Instant at) {
        providerQueryId = id;
        startedAt = at;
        updatedAt = at;
    }

    synchronized void columns(List<ColumnMeta> resultColumns) {
        columns = List.copyOf(resultColumns);
    }

    synchronized void pageDelivered(List<List<Object>> rows, int inlineRowLimit) {
        pages++;
        rowCount += rows.size();
        if (inlineRowLimit == 0) {
            return;
        }
        if (inlineRows == null) {
            inlineRows = new ArrayList<>();
        }
        int room = Math.max(0, inlineRowLimit - inlineRows.size());
        inlineRows.addAll(rows.subList(0, Math.min(room, rows.size())));
    }

    synchronized void truncated(boolean value) {
        truncated = value;
    }

    /**
     * Moves to {@code next} if the lifecycle allows it and returns the new snapshot, or
     * {@code null} when the move is not allowed (for example out of a terminal state).
     */
    synchronized QuerySnapshot moveTo(QueryStatus next, ErrorInfo failure, Instant at) {
        if (detached || (seq > 0 && !status.canMoveTo(next))) {
            return null;
        }
        status = next;
        updatedAt = at;
        seq++;
        if (failure != null) {
            error = failure;
        }
        if (next.isTerminal()) {
            finishedAt = at;
            if (timeoutTask != null) {
                timeoutTask.cancel(false);
                timeoutTask = null;
            }
        }
        return snapshot();
    }

    /** Drops what only a query in flight needs, as it is kept after it finished (a start in flight clears its own call). */
    synchronized void finished() {
        unknownSince = null;
        if (inlineRows != null && inlineRows.isEmpty()) {
            inlineRows = null;
        }
    }

    synchronized long nextPollDelay(double multiplier, Duration cap) {
        long delay = nextPollMillis;
        nextPollMillis = Math.min(cap.toMillis(), Math.max(delay + 1, (long) (delay * multiplier)));
        return delay;
    }

    synchronized QuerySnapshot snapshot() {
        Long executionMs = startedAt != null && finishedAt != null
                ? Duration.between(startedAt, finishedAt).toMillis() : null;
        return new QuerySnapshot(request.queryId(), request.sql(), request.bindings(), status, createdAt, updatedAt, startedAt,
                finishedAt, executionMs, rowCount, pages, truncated, columns, error, providerQueryId,
                request.options(), request.tags(), seq);
    }
}
