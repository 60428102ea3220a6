package dev.queryrelay.snowflake.fake;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How the fake answers queries whose SQL matches: created by {@link FakeSnowflakeServer#when},
 * configured fluently. By default a query succeeds at once with {@link FakeResult#single(long)}.
 */
public final class QueryScript {

    /** A Snowflake error: vendor code, SQLSTATE and message. */
    public record SqlError(int code, String sqlState, String message) {
        public SqlError {
            Objects.requireNonNull(sqlState, "sqlState");
            Objects.requireNonNull(message, "message");
        }
    }

    final Predicate<String> matcher;
    volatile Duration runTime = Duration.ZERO;
    volatile boolean held;
    volatile FakeResult result = FakeResult.single(1);
    volatile SqlError submitError;
    volatile SqlError runError;
    volatile String endStatus = "SUCCESS";
    volatile String runningStatus = "RUNNING";
    volatile int invisiblePolls;

    QueryScript(Predicate<String> matcher) {
        this.matcher = Objects.requireNonNull(matcher, "matcher");
    }

    /** The query runs this long after submission before it ends. */
    public QueryScript runFor(Duration duration) {
        this.runTime = Objects.requireNonNull(duration, "duration");
        return this;
    }

    /** The query runs until {@link FakeQuery#release()} (or a cancel or its statement timeout). */
    public QueryScript runUntilReleased() {
        this.held = true;
        return this;
    }

    /** The rows of a successful run. */
    public QueryScript returning(FakeResult rows) {
        this.result = Objects.requireNonNull(rows, "rows");
        return this;
    }

    /** The submission itself is refused (e.g. a compile error: 1003, 42000). */
    public QueryScript failAtSubmit(int code, String sqlState, String message) {
        this.submitError = new SqlError(code, sqlState, message);
        return this;
    }

    /**
     * A compile error as Snowflake reports it for an asynchronous submission: the submission is
     * accepted with a query id, and the status then says {@code FAILED_WITH_ERROR} with this code
     * (e.g. 1003, syntax error).
     */
    public QueryScript compileErrorThroughStatus(int code, String message) {
        this.runTime = Duration.ZERO;
        this.held = false;
        return endWith("FAILED_WITH_ERROR", code, message);
    }

    /**
     * The monitoring endpoint answers the first {@code polls} status requests for the query with
     * no query at all ({@code NO_DATA}), as Snowflake may right after a submission.
     */
    public QueryScript invisibleForPolls(int polls) {
        if (polls < 0) {
            throw new IllegalArgumentException("polls must not be negative");
        }
        this.invisiblePolls = polls;
        return this;
    }

    /** The query is accepted, then ends {@code FAILED_WITH_ERROR} with this code. */
    public QueryScript failWhileRunning(int code, String message) {
        return endWith("FAILED_WITH_ERROR", code, message);
    }

    /** The query ends in this monitoring status (e.g. {@code FAILED_WITH_INCIDENT}). */
    public QueryScript endWith(String status, int code, String message) {
        this.endStatus = Objects.requireNonNull(status, "status");
        this.runError = new SqlError(code, "XX000", message);
        return this;
    }

    /** While running, the monitoring endpoint reports this status (e.g. {@code BLOCKED}). */
    public QueryScript reportWhileRunning(String status) {
        this.runningStatus = Objects.requireNonNull(status, "status");
        return this;
    }
}
