package dev.queryrelay.api;

import java.util.Objects;

/**
 * An immutable description of a failure, as carried by {@link QueryRelayException} and published
 * as the {@code error} object of a status event.
 *
 * @param type      the kind of failure
 * @param message   a human readable message; never contains secrets
 * @param code      the warehouse's vendor error code, or {@code null}
 * @param sqlState  the SQLSTATE, or {@code null}
 * @param retryable whether repeating the same call may succeed
 */
public record ErrorInfo(ErrorType type, String message, String code, String sqlState, boolean retryable) {

    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    /** A non-retryable error with no code and no SQLSTATE. */
    public static ErrorInfo of(ErrorType type, String message) {
        return new ErrorInfo(type, message, null, null, false);
    }
}
