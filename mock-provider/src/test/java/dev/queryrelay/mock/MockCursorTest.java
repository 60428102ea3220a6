package dev.queryrelay.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MockCursorTest {

    private final WarehouseConnection connection = new MockConnectionProvider().connect(Map.of());

    private ResultCursor results(String sql) {
        String id = connection.start(new StartRequest("q", sql, List.of(), QueryOptions.DEFAULTS, Map.of()));
        return connection.results(id);
    }

    @Test
    void describesItsColumns() {
        try (ResultCursor cursor = results("SELECT 1")) {
            assertEquals(List.of("ID", "NAME", "CREATED_AT"),
                    cursor.columns().stream().map(ColumnMeta::name).toList());
            assertEquals(List.of("NUMBER", "TEXT", "TIMESTAMP_NTZ"),
                    cursor.columns().stream().map(ColumnMeta::type).toList());
        }
    }

    @Test
    void rowsAreDeterministic() {
        try (ResultCursor cursor = results("/* mock: rows=3 */ SELECT 1")) {
            assertEquals(List.of(1L, "row-1", LocalDateTime.parse("2024-01-01T00:00:01")), cursor.next());
            assertEquals(List.of(2L, "row-2", LocalDateTime.parse("2024-01-01T00:00:02")), cursor.next());
            assertEquals(List.of(3L, "row-3", LocalDateTime.parse("2024-01-01T00:00:03")), cursor.next());
            assertNull(cursor.next());
            assertNull(cursor.next());
        }
    }

    @Test
    void eachResultsCallStartsFromTheFirstRow() {
        String id = connection.start(new StartRequest("q", "/* mock: rows=2 */", List.of(), QueryOptions.DEFAULTS, Map.of()));
        try (ResultCursor first = connection.results(id); ResultCursor second = connection.results(id)) {
            first.next();
            assertEquals(1L, second.next().get(0));
            assertEquals(2L, first.next().get(0));
        }
    }

    @Test
    void zeroRowsYieldsColumnsAndNoRow() {
        try (ResultCursor cursor = results("/* mock: rows=0 */ SELECT 1")) {
            assertEquals(3, cursor.columns().size());
            assertNull(cursor.next());
        }
    }

    @Test
    void streamsAMillionRowsWithoutCollectingThem() {
        long count = 0;
        List<Object> last = null;
        try (ResultCursor cursor = results("/* mock: rows=1000000 */ SELECT 1")) {
            for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
                count++;
                last = row;
            }
        }

        assertEquals(1_000_000L, count);
        assertEquals(List.of(1_000_000L, "row-1000000", LocalDateTime.parse("2024-01-12T13:46:40")), last);
    }

    @Test
    void makesRowsOnlyWhenAsked() {
        // A cursor that built its rows up front could not open over a trillion rows.
        try (ResultCursor cursor = results("/* mock: rows=" + MockDirective.MAX_ROWS + " */ SELECT 1")) {
            assertEquals(1L, cursor.next().get(0));
            assertEquals(2L, cursor.next().get(0));
        }
    }

    @Test
    void closeEndsTheCursor() {
        ResultCursor cursor = results("/* mock: rows=5 */ SELECT 1");
        cursor.next();
        cursor.close();
        cursor.close();

        assertNull(cursor.next());
    }
}
