package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.api.StartRequest;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A valid submit command, the JSON tree it was read from and the record value that held it. */
record SubmitCommand(StartRequest request, JsonNode source, byte[] value) {
    SubmitCommand {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(value, "value");
    }

    String queryId() {
        return request.queryId();
    }

    /**
     * The command as JSON text that the same parser reads back: the record value itself when it is
     * plain UTF-8 (no byte order mark, no zero byte where UTF-16 or UTF-32 would have one), else
     * the tree written out.
     */
    String json() {
        boolean plainUtf8 = value.length >= 2 && (value[0] & 0xFF) != 0xEF && (value[0] & 0xFF) != 0xFE
                && (value[0] & 0xFF) != 0xFF;
        for (int i = 0; plainUtf8 && i < Math.min(4, value.length); i++) {
            plainUtf8 = value[i] != 0;
        }
        return plainUtf8 ? new String(value, StandardCharsets.UTF_8) : source.toString();
    }
}
