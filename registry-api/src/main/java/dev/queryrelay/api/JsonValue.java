package dev.queryrelay.api;

import java.util.Objects;

/**
 * A semi-structured cell value (VARIANT, OBJECT, ARRAY) that is already JSON text; it is
 * embedded in result pages as JSON, not as a string.
 *
 * @param json the JSON text
 */
public record JsonValue(String json) {

    public JsonValue {
        Objects.requireNonNull(json, "json");
    }
}
