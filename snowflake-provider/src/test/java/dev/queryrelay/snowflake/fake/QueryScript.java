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
