package dev.queryrelay.api;

import java.util.Objects;

/**
 * The one exception type of QueryRelay. Providers throw it for every failure they can classify;
 * the registry retries a call only when {@link #retryable()} is true.
 */
public class QueryRelayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ErrorInfo error;

    public QueryRelayException(ErrorInfo error) {
        this(error, null);
    }

    public QueryRelayException(ErrorInfo error, Throwable cause) {
        super(Objects.requireNonNull(error, "error").message(), cause);
        this.error = error;
    }

    public QueryRelayException(ErrorType type, String message) {
        this(ErrorInfo.of(type, message));
    }

    public QueryRelayException(ErrorType type, String message, boolean retryable, Throwable cause) {
        this(new ErrorInfo(type, message, null, null, retryable), cause);
    }

    /** A retryable {@link ErrorType#NETWORK} error. */
    public static QueryRelayException network(String message, Throwable cause) {
        return new QueryRelayException(ErrorType.NETWORK, message, true, cause);
    }

    /** A non-retryable {@link ErrorType#VALIDATION} error. */
    public static QueryRelayException validation(String message) {
        return new QueryRelayException(ErrorType.VALIDATION, message);
    }

    public ErrorInfo error() {
        return error;
    }

    public ErrorType type() {
        return error.type();
    }

    public String code() {
        return error.code();
    }

    public String sqlState() {
        return error.sqlState();
    }

    public boolean retryable() {
        return error.retryable();
    }
}
