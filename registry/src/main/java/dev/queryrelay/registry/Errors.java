package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps failures of warehouse calls to the {@link ErrorInfo} a query ends with. */
final class Errors {

    private Errors() {
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isRetryable(Throwable failure) {
        return unwrap(failure) instanceof QueryRelayException e && e.retryable();
    }

    static ErrorInfo errorOf(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof QueryRelayException e) {
            return e.error();
        }
        return ErrorInfo.of(ErrorType.INTERNAL, "unexpected " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    static String describe(Throwable failure) {
        ErrorInfo error = errorOf(failure);
        return error.type() + ": " + error.message();
    }

    static ErrorInfo canceled(String reason) {
        return ErrorInfo.of(ErrorType.CANCELED, reason == null || reason.isBlank() ? "canceled by request" : reason);
    }

    static QueryRelayException closed() {
        return new QueryRelayException(ErrorType.INTERNAL, "registry is closed");
    }
}
