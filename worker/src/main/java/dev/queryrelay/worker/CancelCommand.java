package dev.queryrelay.worker;

import java.util.Objects;

/** A valid cancel command; {@code reason} may be null. */
record CancelCommand(String queryId, String reason) {
    CancelCommand {
        Objects.requireNonNull(queryId, "queryId");
    }
}
