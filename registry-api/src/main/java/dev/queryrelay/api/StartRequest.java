package dev.queryrelay.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider needs to start a query.
 *
 * @param queryId  the client's query id (for tagging and logs; not the provider's id)
 * @param sql      the SQL text
 * @param bindings positional bind values ({@code ?} placeholders), possibly empty; values are
 *                 {@code null}, {@link Boolean}, {@link Number} or {@link String}
 * @param options  the query's options; providers apply {@code timeout} as a warehouse-side
 *                 statement timeout where they can
 * @param tags     free-form client tags (e.g. Snowflake's {@code QUERY_TAG}), possibly empty
 */
public record StartRequest(String queryId, String sql, List<Object> bindings, QueryOptions options,
                           Map<String, String> tags) {

    public StartRequest {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(options, "options");
        bindings = bindings == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(bindings));
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
