package dev.queryrelay.snowflake;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ResultCursor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Streams the rows of a {@code RESULT_SCAN}: the driver downloads result chunks as the cursor
 * advances, so the whole result is never in memory. Holds its session until closed (or until the
 * last row has been read).
 */
final class SnowflakeResultCursor implements ResultCursor {

    private final String queryId;
    private final Connection session;
    private final Statement statement;
    private final ResultSet rows;
    private final RowReader reader;
    private final SessionPool pool;
    private final SnowflakeErrors errors;
    private boolean closed;

    SnowflakeResultCursor(String queryId, Connection session, Statement statement, ResultSet rows,
                          SessionPool pool, SnowflakeErrors errors) throws SQLException {
        this.queryId = Objects.requireNonNull(queryId, "queryId");
        this.session = Objects.requireNonNull(session, "session");
        this.statement = Objects.requireNonNull(statement, "statement");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.reader = RowReader.of(rows.getMetaData());
    }

    @Override
    public List<ColumnMeta> columns() {
        return reader.columns();
    }

    @Override
    public synchronized List<Object> next() {
        if (closed) {
            return null;
        }
        try {
            if (!rows.next()) {
                close();
                return null;
            }
            return reader.read(rows);
        } catch (SQLException | RuntimeException e) {
            throw errors.classify("read the results of query " + queryId, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            rows.close();
            statement.close();
        } catch (SQLException | RuntimeException e) {
            // the session goes back to the pool anyway; a broken one is dropped there
        }
        pool.release(session);
    }
}
