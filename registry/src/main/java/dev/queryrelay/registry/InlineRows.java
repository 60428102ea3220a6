package dev.queryrelay.registry;

import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The first rows of one query's result, kept in memory (up to a bound) for
 * {@link QueryRegistry#results}. Guarded by the owning {@link QueryLifecycle}'s lock.
 */
final class InlineRows {

    private final int limit;
    private List<List<Object>> rows;

    InlineRows(int limit) {
        this.limit = limit;
    }

    void add(List<List<Object>> page) {
        if (limit == 0) {
            return;
        }
        if (rows == null) {
            rows = new ArrayList<>();
        }
        int room = Math.max(0, limit - rows.size());
        rows.addAll(page.subList(0, Math.min(room, page.size())));
    }

    /** Drops the list of a query that finished without rows, as it is kept after it finished. */
    void trim() {
        if (rows != null && rows.isEmpty()) {
            rows = null;
        }
    }

    ResultSlice slice(QuerySnapshot snapshot, long offset, int count) {
        long total = snapshot.rowCount();
        long from = Math.min(offset, total);
        long to = Math.min(total, from + count);
        List<List<Object>> kept = rows == null ? List.of() : rows;
        if (to > kept.size()) {
            throw QueryRelayException.validation("rows beyond " + kept.size() + " of query " + snapshot.queryId()
                    + " are not kept inline (inline row limit " + limit + "); read them from the pages");
        }
        return new ResultSlice(snapshot.queryId(), from, snapshot.columns(), kept.subList((int) from, (int) to), total,
                to >= total);
    }
}
