package dev.queryrelay.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-query options ({@code options} of a submit command).
 *
 * @param timeout      how long the query may run before it is canceled and ends {@code TIMEOUT};
 *                     {@code null} for no timeout
 * @param pageRows     the most rows in one result page (default 1000)
 * @param maxRows      the most rows published; beyond it the result is {@code truncated};
 *                     {@code null} for no cap
 * @param pollInterval the first status poll interval; polling backs off from it
 */
public record QueryOptions(Duration timeout, int pageRows, Long maxRows, Duration pollInterval) {

    public static final int DEFAULT_PAGE_ROWS = 1000;
    public static final int MAX_PAGE_ROWS = 100_000;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
    public static final QueryOptions DEFAULTS =
            new QueryOptions(null, DEFAULT_PAGE_ROWS, null, DEFAULT_POLL_INTERVAL);

    public QueryOptions {
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw QueryRelayException.validation("timeout_ms must be positive, got " + timeout.toMillis());
        }
        if (pageRows < 1 || pageRows > MAX_PAGE_ROWS) {
            throw QueryRelayException.validation(
                    "page_rows must be between 1 and " + MAX_PAGE_ROWS + ", got " + pageRows);
        }
        if (maxRows != null && maxRows < 0) {
            throw QueryRelayException.validation("max_rows must not be negative, got " + maxRows);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw QueryRelayException.validation(
                    "poll_interval_ms must be positive, got " + pollInterval.toMillis());
        }
    }

    public QueryOptions withTimeout(Duration newTimeout) {
        return new QueryOptions(newTimeout, pageRows, maxRows, pollInterval);
    }

    public QueryOptions withPageRows(int newPageRows) {
        return new QueryOptions(timeout, newPageRows, maxRows, pollInterval);
    }

    public QueryOptions withMaxRows(Long newMaxRows) {
        return new QueryOptions(timeout, pageRows, newMaxRows, pollInterval);
    }

    public QueryOptions withPollInterval(Duration newPollInterval) {
        return new QueryOptions(timeout, pageRows, maxRows, newPollInterval);
    }
}
