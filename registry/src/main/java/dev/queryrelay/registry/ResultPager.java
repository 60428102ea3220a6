package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a cursor into pages under {@code page_rows} and a byte bound, stops at {@code max_rows}
 * (marking the result truncated when rows remain) and always delivers at least one page, the
 * last one flagged {@code last}.
 */
final class ResultPager {

    interface PageSink {
        /** Delivers a page; false when the query stopped and reading should end. */
        boolean accept(Query query, QueryPage page);
    }

    private final Query query;
    private final ResultCursor cursor;
    private final PageSizer sizer;
    private final long maxPageBytes;

    ResultPager(Query query, ResultCursor cursor, PageSizer sizer, long maxPageBytes) {
        this.query = query;
        this.cursor = cursor;
        this.sizer = sizer;
        this.maxPageBytes = maxPageBytes;
    }

    void deliver(PageSink sink) {
        List<ColumnMeta> columns = List.copyOf(cursor.columns());
        query.columns(columns);
        int pageRows = query.request.options().pageRows();
        Long cap = query.request.options().maxRows();
        long maxRows = cap == null ? Long.MAX_VALUE : cap;
        long delivered = 0;
        int pageIndex = 0;
        List<Object> row = cursor.next();
        while (true) {
            List<List<Object>> rows = new ArrayList<>(Math.min(pageRows, 64));
            long bytes = 0;
            while (row != null && delivered + rows.size() < maxRows && rows.size() < pageRows) {
                long size = sizer.estimate(columns, row);
                if (size > maxPageBytes) {
                    throw new QueryRelayException(ErrorType.INTERNAL, "row " + (delivered + rows.size() + 1)
                            + " takes about " + size + " bytes, more than the page byte bound of " + maxPageBytes);
                }
                if (!rows.isEmpty() && bytes + size > maxPageBytes) {
                    break;
                }
                rows.add(row);
                bytes += size;
                row = cursor.next();
            }
            boolean capped = delivered + rows.size() >= maxRows;
            boolean last = row == null || capped;
            if (capped && row != null) {
                query.truncated(true);
            }
            if (!sink.accept(query, new QueryPage(query.id(), pageIndex, delivered, columns, rows, last))) {
                return;
            }
            delivered += rows.size();
            pageIndex++;
            if (last) {
                return;
            }
        }
    }
}
