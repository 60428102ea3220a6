package dev.queryrelay.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable view of one query at one moment.
 *
 * @param queryId         the client's query id
 * @param sql             the SQL text
 * @param bindings        the positional bind values
 * @param status          the lifecycle state
 * @param createdAt       when the registry accepted the query
 * @param updatedAt       when the snapshot last changed
 * @param startedAt       when the warehouse accepted the query, or {@code null}
 * @param finishedAt      when it reached a terminal state, or {@code null}
 * @param executionMs     {@code finishedAt - startedAt} in milliseconds, or {@code null}
 * @param rowCount        rows delivered so far
 * @param pages           result pages delivered so far
 * @param truncated       whether {@code max_rows} cut the result
 * @param columns         the result columns, empty until known
 * @param error           the error of a {@code FAILED}, {@code CANCELED} or {@code TIMEOUT} query
 * @param providerQueryId the warehouse's id, or {@code null} before start
 * @param options         the query's options
 * @param tags            the client's tags
 * @param seq             the number of this state in the query's event sequence, increasing by one per transition (PENDING is 1)
 */
public record QuerySnapshot(String queryId, String sql, List<Object> bindings, QueryStatus status, Instant createdAt,
                            Instant updatedAt, Instant startedAt, Instant finishedAt, Long executionMs,
                            long rowCount, int pages, boolean truncated, List<ColumnMeta> columns,
                            ErrorInfo error, String providerQueryId, QueryOptions options,
                            Map<String, String> tags, long seq) {

    public QuerySnapshot {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(options, "options");
        bindings = bindings == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(bindings));
        columns = columns == null ? List.of() : List.copyOf(columns);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** A snapshot of a query without bind values. */
    public QuerySnapshot(String queryId, String sql, QueryStatus status, Instant createdAt, Instant updatedAt,
                         Instant startedAt, Instant finishedAt, Long executionMs, long rowCount, int pages,
                         boolean truncated, List<ColumnMeta> columns, ErrorInfo error, String providerQueryId,
                         QueryOptions options, Map<String, String> tags, long seq) {
        this(queryId, sql, List.of(), status, createdAt, updatedAt, startedAt, finishedAt, executionMs, rowCount, pages,
                truncated, columns, error, providerQueryId, options, tags, seq);
    }
}
