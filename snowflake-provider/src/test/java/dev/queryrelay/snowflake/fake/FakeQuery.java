package dev.queryrelay.snowflake.fake;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One query the fake accepted: what the driver sent, and its state as the monitoring endpoint
 * reports it. Terminal states never change.
 */
public final class FakeQuery {

    /** A monitoring status with its error code and message (0 and empty on success). */
    public record State(String status, int errorCode, String errorMessage) {
        public boolean isTerminal() {
            return TERMINAL.contains(status);
        }
    }

    static final int CANCELED_CODE = 604;
    static final int TIMEOUT_CODE = 630;
    private static final Set<String> TERMINAL =
            Set.of("SUCCESS", "FAILED_WITH_ERROR", "FAILED_WITH_INCIDENT", "ABORTED", "DISCONNECTED");

    private final String id;
    private final String sql;
    private final long sessionId;
    private final Map<String, Object> parameters;
    private final Map<String, Object> bindings;
    private final QueryScript script;
    private final long submittedNanos = System.nanoTime();
    private final Instant submittedAt = Instant.now();
    private final AtomicInteger monitoringPolls = new AtomicInteger();
    private final AtomicInteger chunkDownloads = new AtomicInteger();
    private Long finishNanos;
    private State terminal;
    private State forced;

    FakeQuery(String id, String sql, long sessionId, Map<String, Object> parameters,
              Map<String, Object> bindings, QueryScript script) {
        this.id = Objects.requireNonNull(id, "id");
        this.sql = Objects.requireNonNull(sql, "sql");
        this.sessionId = sessionId;
        this.parameters = Map.copyOf(parameters);
        this.bindings = Map.copyOf(bindings);
        this.script = Objects.requireNonNull(script, "script");
        this.finishNanos = script.held ? null : submittedNanos + script.runTime.toNanos();
    }

    public String id() {
        return id;
    }

    public String sql() {
        return sql;
    }

    public long sessionId() {
        return sessionId;
    }

    /** The statement parameters the driver sent (e.g. {@code QUERY_TAG}). */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The {@code QUERY_TAG} statement parameter, or null. */
    public String queryTag() {
        Object tag = parameters.get("QUERY_TAG");
        return tag == null ? null : tag.toString();
    }

    /** The {@code STATEMENT_TIMEOUT_IN_SECONDS} statement parameter, or null. */
    public Integer statementTimeoutSeconds() {
        Object timeout = parameters.get("STATEMENT_TIMEOUT_IN_SECONDS");
        return timeout == null ? null : Integer.valueOf(timeout.toString());
    }

    /** The bind values as sent: position to {@code {"type": ..., "value": ...}}. */
    public Map<String, Object> bindings() {
        return bindings;
    }

    /** When the fake accepted the query (its {@code START_TIME} in the query history). */
    public Instant submittedAt() {
        return submittedAt;
    }

    /** Whether the monitoring endpoint still answers "no such query" for this poll (see {@link QueryScript#invisibleForPolls}). */
    boolean invisibleToThisPoll() {
        return monitoringPolls.incrementAndGet() <= script.invisiblePolls;
    }

    /** How many result chunks were downloaded for this query. */
    public int chunkDownloads() {
        return chunkDownloads.get();
    }

    /** Ends a query scripted with {@link QueryScript#runUntilReleased()} now. */
    public synchronized void release() {
        if (finishNanos == null) {
            finishNanos = System.nanoTime();
        }
    }

    /** Reports this state from now on, until {@link #clearForcedState()}; terminal ones stick. */
    public synchronized void forceState(String status, int errorCode, String errorMessage) {
        forced = new State(status, errorCode, errorMessage);
        if (forced.isTerminal()) {
            terminal = forced;
        }
    }

    public synchronized void clearForcedState() {
        forced = null;
    }

    /** The state now. */
    public synchronized State state() {
        if (terminal != null) {
            return terminal;
        }
        if (forced != null) {
            return forced;
        }
        long now = System.nanoTime();
        Integer timeout = statementTimeoutSeconds();
        long deadline = timeout == null || timeout <= 0 ? Long.MAX_VALUE : submittedNanos + timeout * 1_000_000_000L;
        if (finishNanos != null && finishNanos - deadline <= 0 && now - finishNanos >= 0) {
            terminal = outcome();
        } else if (deadline != Long.MAX_VALUE && now - deadline >= 0) {
            terminal = new State("FAILED_WITH_ERROR", TIMEOUT_CODE,
                    "Statement reached its statement or warehouse timeout of " + timeout
                            + " second(s) and was canceled.");
        }
        return terminal != null ? terminal : new State(script.runningStatus, 0, "");
    }

    /** Cancels the query if it is still running; returns whether it was. */
    synchronized boolean cancel() {
        if (state().isTerminal()) {
            return false;
        }
        terminal = new State("ABORTED", CANCELED_CODE, "SQL execution canceled");
        return true;
    }

    FakeResult result() {
        return script.result;
    }

    void countChunkDownload() {
        chunkDownloads.incrementAndGet();
    }

    private State outcome() {
        QueryScript.SqlError error = script.runError;
        return error == null
                ? new State("SUCCESS", 0, "")
                : new State(script.endStatus, error.code(), error.message());
    }
}
