package dev.queryrelay.worker;

import dev.queryrelay.api.StartRequest;

import java.util.Objects;

/** A valid submit command. */
record SubmitCommand(StartRequest request) {
    SubmitCommand {
        Objects.requireNonNull(request, "request");
    }

    String queryId() {
        return request.queryId();
    }
}
