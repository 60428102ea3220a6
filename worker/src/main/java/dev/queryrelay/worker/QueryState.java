package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.registry.RestorePoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One record of the compacted state topic: the last known state of a query (its original submit
 * command, status, seq and provider query id) and whether a cancel was asked for. A record with
 * only a cancel reason is a cancel that arrived before its submit.
 */
record QueryState(String queryId, QueryStatus status, long seq, Instant createdAt, Instant startedAt,
                  Instant finishedAt, String providerQueryId, String worker, JsonNode submit, String cancelReason) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static QueryState of(QuerySnapshot snapshot, String worker, String cancelReason) {
        return new QueryState(snapshot.queryId(), snapshot.status(), snapshot.seq(), snapshot.createdAt(),
                snapshot.startedAt(), snapshot.finishedAt(), snapshot.providerQueryId(), worker,
                submitCommand(snapshot.queryId(), snapshot.sql(), snapshot.options(), snapshot.tags(), snapshot.bindings()),
                cancelReason);
    }

    static QueryState cancelOnly(String queryId, String worker, String reason) {
        return new QueryState(queryId, null, 0, null, null, null, null, worker, null, reason == null ? "" : reason);
    }

    boolean isCancelOnly() {
        return status == null;
    }

    RestorePoint restorePoint() {
        return new RestorePoint(status, seq, createdAt, providerQueryId, startedAt, finishedAt);
    }

    byte[] toJson() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("query_id", queryId);
        if (status != null) {
            node.put("status", status.name());
            node.put("seq", seq);
            node.put("created_at", createdAt.toString());
            putTime(node, "started_at", startedAt);
            putTime(node, "finished_at", finishedAt);
            if (providerQueryId != null) {
                node.put("provider_query_id", providerQueryId);
            }
            node.set("submit", submit);
        }
        node.put("worker", worker);
        if (cancelReason != null) {
            node.put("cancel_reason", cancelReason);
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QueryState fromJson(byte[] value) {
        try {
            JsonNode node = MAPPER.readTree(value);
            String status = text(node, "status");
            return new QueryState(node.get("query_id").asText(), status == null ? null : QueryStatus.valueOf(status),
                    node.path("seq").asLong(), time(node, "created_at"), time(node, "started_at"),
                    time(node, "finished_at"), text(node, "provider_query_id"), text(node, "worker"), node.get("submit"),
                    text(node, "cancel_reason"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable state record: " + e.getMessage(), e);
        }
    }

    /** The submit command as a client would have sent it, so the same parser reads it back. */
    static ObjectNode submitCommand(String queryId, String sql, QueryOptions options, java.util.Map<String, String> tags,
                                    java.util.List<Object> bindings) {
        ObjectNode command = MAPPER.createObjectNode();
        command.put("query_id", queryId);
        command.put("sql", sql);
        if (bindings != null && !bindings.isEmpty()) {
            command.set("bindings", MAPPER.valueToTree(bindings));
        }
        ObjectNode opts = command.putObject("options");
        if (options.timeout() != null) {
            opts.put("timeout_ms", options.timeout().toMillis());
        }
        opts.put("page_rows", options.pageRows());
        if (options.maxRows() != null) {
            opts.put("max_rows", options.maxRows());
        }
        opts.put("poll_interval_ms", options.pollInterval().toMillis());
        if (!tags.isEmpty()) {
            command.set("tags", MAPPER.valueToTree(tags));
        }
        return command;
    }

    StartRequest request(CommandParser parser) {
        try {
            return parser.parseSubmit(queryId, MAPPER.writeValueAsBytes(submit)).request();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putTime(ObjectNode node, String field, Instant time) {
        if (time != null) {
            node.put(field, time.toString());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant time(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : Instant.parse(text);
    }
}
