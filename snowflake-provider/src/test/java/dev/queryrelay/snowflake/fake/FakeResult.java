package dev.queryrelay.snowflake.fake;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * The rows a scripted query returns. Rows are produced on demand by {@code row}, so a result of
 * millions of rows costs no memory in the fake; cells use the wire encoding of {@link Cells}.
 *
 * @param columns  the columns
 * @param rowCount how many rows
 * @param row      the cells of row {@code i} (0-based), one string or null per column
 */
public record FakeResult(List<FakeColumn> columns, long rowCount, LongFunction<List<String>> row) {

    public FakeResult {
        columns = List.copyOf(columns);
        Objects.requireNonNull(row, "row");
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must not be negative");
        }
    }

    /** A result with the given rows. */
    public static FakeResult of(List<FakeColumn> columns, List<List<String>> rows) {
        List<List<String>> copy = rows.stream().map(r -> Arrays.asList(r.toArray(String[]::new))).toList();
        return new FakeResult(columns, copy.size(), i -> copy.get((int) i));
    }

    /** One NUMBER column {@code N} with a single row holding {@code value}. */
    public static FakeResult single(long value) {
        return of(List.of(FakeColumn.number("N", 38, 0)), List.of(List.of(Long.toString(value))));
    }

    /** {@code rows} rows of {@code ID} (1..rows) and {@code NAME} ({@code row-<ID>}). */
    public static FakeResult numbered(long rows) {
        return new FakeResult(List.of(FakeColumn.number("ID", 38, 0), FakeColumn.text("NAME")), rows,
                i -> List.of(Long.toString(i + 1), "row-" + (i + 1)));
    }
}
