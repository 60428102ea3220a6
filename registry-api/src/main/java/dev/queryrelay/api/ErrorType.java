package dev.queryrelay.api;

/**
 * The kind of a failure. Published as {@code error.type} on status events, so the names are part
 * of the message contract.
 */
public enum ErrorType {
    /** Transport failure talking to the warehouse; usually retryable. */
    NETWORK,
    /** The warehouse rejected or failed the SQL (compile or runtime error). Never retried. */
    SQL,
    /** Authentication or authorization failure. Never retried. */
    AUTH,
    /** The query ran longer than its {@code timeout_ms}. */
    TIMEOUT,
    /** The command or its options are invalid. Never retried. */
    VALIDATION,
    /** The query was canceled, by a user or by the warehouse. */
    CANCELED,
    /** The warehouse does not know the query id (after the registry's unknown-query cap). */
    NOT_FOUND,
    /** A bug or an unexpected condition in QueryRelay or the provider. */
    INTERNAL
}
