package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.api.StartRequest;

import java.util.Objects;

/** A valid submit command and the JSON it was read from. */
record SubmitCommand(StartRequest request, JsonNode source) {
    SubmitCommand {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(source, "source");
    }

    String queryId() {
        return request.queryId();
    }

    /** The command as compact JSON, as the same parser reads it back. */
    String json() {
        return source.toString();
    }
}
