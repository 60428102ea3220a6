package dev.queryrelay.mock;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ResultCursor;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The rows of a mock query, made one at a time: row {@code n} (from 1) is
 * {@code [n, "row-n", 2024-01-01T00:00 + n seconds]}.
 */
final class MockCursor implements ResultCursor {

    static final List<ColumnMeta> COLUMNS = List.of(
            new ColumnMeta("ID", "NUMBER", false, 38, 0),
            new ColumnMeta("NAME", "TEXT", false, null, null),
            new ColumnMeta("CREATED_AT", "TIMESTAMP_NTZ", false, null, 9));

    private static final LocalDateTime FIRST_TIME = LocalDateTime.of(2024, 1, 1, 0, 0);

    private final long rows;
    private long remaining;

    MockCursor(long rows) {
        this.rows = rows;
        this.remaining = rows;
    }

    static List<Object> row(long id) {
        return List.of(id, "row-" + id, FIRST_TIME.plusSeconds(id));
    }

    @Override
    public List<ColumnMeta> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> next() {
        if (remaining <= 0) {
            return null;
        }
        remaining--;
        return row(rows - remaining);
    }

    @Override
    public void close() {
        remaining = 0;
    }
}
