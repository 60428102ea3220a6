package dev.queryrelay.protocol;

import java.util.Objects;

/** A valid cancel command; {@code reason} may be null. */
public record CancelCommand(String queryId, String reason) {
    public CancelCommand {
        Objects.requireNonNull(queryId, "queryId");
    }
}
