package dev.queryrelay.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.api.StartRequest;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A valid submit command, the JSON tree it was read from and the record value that held it
 * (well-formed UTF-8 JSON, as {@link CommandParser} accepts only that).
 */
public record SubmitCommand(StartRequest request, JsonNode source, byte[] value) {
    public SubmitCommand {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(value, "value");
    }

    public String queryId() {
        return request.queryId();
    }

    /** The command as JSON text, exactly as it was sent. */
    public String json() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
