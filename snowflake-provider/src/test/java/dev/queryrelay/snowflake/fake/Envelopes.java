package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Snowflake's JSON envelope {@code {"data", "code", "message", "success"}}. Errors always carry a
 * code: without one the driver writes {@code output.json} into the working directory.
 */
final class Envelopes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Envelopes() {
    }

    static ObjectNode ok(JsonNode data) {
        return envelope(true, null, null, data);
    }

    static ObjectNode error(int code, String sqlState, String message, String queryId) {
        String formatted = String.format("%06d", code);
        ObjectNode data = JSON.createObjectNode();
        data.put("errorCode", formatted);
        data.put("sqlState", sqlState);
        data.put("queryId", queryId);
        return envelope(false, formatted, message, data);
    }

    static ObjectNode envelope(boolean success, String code, String message, JsonNode data) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("data", data);
        envelope.put("code", code);
        envelope.put("message", message);
        envelope.put("success", success);
        return envelope;
    }
}
