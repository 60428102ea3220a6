package dev.queryrelay.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.StartRequest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes submit and cancel commands as docs/protocol.md defines them; {@link CommandParser} reads
 * back what these write. A command is sent keyed by its query id.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * A submit command; {@code options} holds protocol option names ({@code timeout_ms},
     * {@code page_rows}, {@code max_rows}, {@code poll_interval_ms}) and is left out when empty,
     * as are empty {@code bindings} and {@code tags}.
     */
    public static String submit(String queryId, String sql, List<?> bindings, Map<String, ?> options,
                                Map<String, String> tags) {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(sql, "sql");
        ObjectNode command = Json.MAPPER.createObjectNode();
        command.put("query_id", queryId);
        command.put("sql", sql);
        if (bindings != null && !bindings.isEmpty()) {
            command.set("bindings", Json.MAPPER.valueToTree(bindings));
        }
        if (options != null && !options.isEmpty()) {
            command.set("options", Json.MAPPER.valueToTree(options));
        }
        if (tags != null && !tags.isEmpty()) {
            command.set("tags", Json.MAPPER.valueToTree(tags));
        }
        return command.toString();
    }

    /** A submit command with default options. */
    public static String submit(String queryId, String sql) {
        return submit(queryId, sql, List.of(), Map.of(), Map.of());
    }

    /** The submit command that yields {@code request} when parsed, every option written out. */
    public static String submit(StartRequest request) {
        Objects.requireNonNull(request, "request");
        return submit(request.queryId(), request.sql(), request.bindings(), options(request.options()), request.tags());
    }

    /** A cancel command; {@code reason} may be null. */
    public static String cancel(String queryId, String reason) {
        Objects.requireNonNull(queryId, "queryId");
        ObjectNode command = Json.MAPPER.createObjectNode();
        command.put("query_id", queryId);
        if (reason != null) {
            command.put("reason", reason);
        }
        return command.toString();
    }

    /** The protocol names and values of {@code options}. */
    public static Map<String, Object> options(QueryOptions options) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (options.timeout() != null) {
            fields.put("timeout_ms", options.timeout().toMillis());
        }
        fields.put("page_rows", options.pageRows());
        if (options.maxRows() != null) {
            fields.put("max_rows", options.maxRows());
        }
        fields.put("poll_interval_ms", options.pollInterval().toMillis());
        return fields;
    }
}
