package dev.queryrelay.worker;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.Commands;
import dev.queryrelay.protocol.Json;
import dev.queryrelay.protocol.Timestamps;
import dev.queryrelay.registry.RestorePoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One record of the compacted state topic: the last known state of a query (its original submit
 * command, status, seq and provider query id) and whether a cancel was asked for. A record with
 * only a cancel reason is a cancel that arrived before its submit. {@code submit} is the command
 * as JSON text.
 */
record QueryState(String queryId, QueryStatus status, long seq, Instant createdAt, Instant startedAt,
                  Instant finishedAt, String providerQueryId, String worker, String submit, String cancelReason) {

    /** Reads numbers in the submit command as the parser does: decimals exactly, trailing zeros kept. */
    private static final ObjectMapper MAPPER = Json.MAPPER;
    private static final SerializedString F_QUERY_ID = new SerializedString("query_id");
    private static final SerializedString F_STATUS = new SerializedString("status");
    private static final SerializedString F_SEQ = new SerializedString("seq");
    private static final SerializedString F_CREATED_AT = new SerializedString("created_at");
    private static final SerializedString F_STARTED_AT = new SerializedString("started_at");
    private static final SerializedString F_FINISHED_AT = new SerializedString("finished_at");
    private static final SerializedString F_PROVIDER_QUERY_ID = new SerializedString("provider_query_id");
    private static final SerializedString F_SUBMIT = new SerializedString("submit");
    private static final SerializedString F_WORKER = new SerializedString("worker");
    private static final SerializedString F_CANCEL_REASON = new SerializedString("cancel_reason");

    /** The state of {@code snapshot}; {@code submitJson} may be null, the command is then rebuilt from the snapshot. */
    static QueryState of(QuerySnapshot snapshot, String worker, String cancelReason, String submitJson) {
        String submit = submitJson != null ? submitJson : Commands.submit(new StartRequest(snapshot.queryId(),
                snapshot.sql(), snapshot.bindings(), snapshot.options(), snapshot.tags()));
        return new QueryState(snapshot.queryId(), snapshot.status(), snapshot.seq(), snapshot.createdAt(),
                snapshot.startedAt(), snapshot.finishedAt(), snapshot.providerQueryId(), worker, submit, cancelReason);
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
        return Json.write(json -> {
            json.writeStartObject();
            Json.string(json, F_QUERY_ID, queryId);
            if (status != null) {
                Json.string(json, F_STATUS, status.name());
                Json.number(json, F_SEQ, seq);
                writeTime(json, F_CREATED_AT, createdAt);
                writeTime(json, F_STARTED_AT, startedAt);
                writeTime(json, F_FINISHED_AT, finishedAt);
                if (providerQueryId != null) {
                    Json.string(json, F_PROVIDER_QUERY_ID, providerQueryId);
                }
                json.writeFieldName(F_SUBMIT);
                json.writeRawValue(submit);
            }
            Json.string(json, F_WORKER, worker);
            if (cancelReason != null) {
                Json.string(json, F_CANCEL_REASON, cancelReason);
            }
            json.writeEndObject();
        });
    }

    static QueryState fromJson(byte[] value) {
        try {
            JsonNode node = MAPPER.readTree(value);
            String status = text(node, "status");
            return new QueryState(node.get("query_id").asText(), status == null ? null : QueryStatus.valueOf(status),
                    node.path("seq").asLong(), time(node, "created_at"), time(node, "started_at"),
                    time(node, "finished_at"), text(node, "provider_query_id"), text(node, "worker"),
                    rawSubmit(value), text(node, "cancel_reason"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable state record: " + e.getMessage(), e);
        }
    }

    /**
     * The submit command exactly as the record holds it (as it was read from the submit topic):
     * written out again from a tree, escapes (a lone surrogate) and numbers (a long decimal) could
     * change, and the command could no longer be written or parsed.
     */
    private static String rawSubmit(byte[] value) throws IOException {
        try (JsonParser json = MAPPER.getFactory().createParser(value)) {
            json.nextToken();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                if (json.nextToken() == JsonToken.START_OBJECT && field.equals(F_SUBMIT.getValue())) {
                    int start = (int) json.currentTokenLocation().getByteOffset();
                    json.skipChildren();
                    int end = (int) json.currentTokenLocation().getByteOffset() + 1;
                    return new String(value, start, end - start, StandardCharsets.UTF_8);
                }
                json.skipChildren();
            }
            return null;
        }
    }

    StartRequest request(CommandParser parser) {
        return parser.parseSubmit(queryId.getBytes(StandardCharsets.UTF_8), submit.getBytes(StandardCharsets.UTF_8)).request();
    }

    private static void writeTime(JsonGenerator json, SerializedString field, Instant time) throws IOException {
        if (time != null) {
            Json.string(json, field, Timestamps.format(time));
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
