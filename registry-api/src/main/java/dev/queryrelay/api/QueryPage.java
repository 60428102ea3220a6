package dev.queryrelay.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One page of a query's result.
 *
 * @param queryId the client's query id
 * @param page    the page index, from 0
 * @param offset  the index of the page's first row in the whole result
 * @param columns the result columns
 * @param rows    the rows, each one value per column (see {@link ResultCursor} for value types)
 * @param last    whether this is the query's last page
 */
public record QueryPage(String queryId, int page, long offset, List<ColumnMeta> columns,
                        List<List<Object>> rows, boolean last) {

    public QueryPage {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        if (page < 0 || offset < 0) {
            throw new IllegalArgumentException("page and offset must not be negative");
        }
        columns = List.copyOf(columns);
        rows = Collections.unmodifiableList(new ArrayList<>(rows));
    }
}
