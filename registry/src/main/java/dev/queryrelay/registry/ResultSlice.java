package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A window of a finished query's result, as returned by {@link QueryRegistry#results}.
 *
 * @param queryId   the query id
 * @param offset    the index of the first row
 * @param columns   the result columns
 * @param rows      the rows of the window
 * @param totalRows the number of rows of the whole (possibly truncated) result
 * @param last      whether the window reaches the end of the result
 */
public record ResultSlice(String queryId, long offset, List<ColumnMeta> columns, List<List<Object>> rows,
                          long totalRows, boolean last) {

    public ResultSlice {
        Objects.requireNonNull(queryId, "queryId");
        columns = List.copyOf(columns);
        rows = Collections.unmodifiableList(new ArrayList<>(rows));
    }
}
