package dev.queryrelay.api;

/**
 * A session with a warehouse, obtained from {@link ConnectionProvider#connect}.
 *
 * <p>Every method identifies a query by the provider query id that {@link #start} returned, and
 * must work on a different connection (and in a different process) than the one that started
 * the query: that is what lets another worker take over a running query. Implementations must
 * be safe for concurrent use by several threads; the registry calls them from a small pool.
 *
 * <p>Failures are reported as {@link QueryRelayException}; the registry retries a call only
 * when the exception is {@linkplain QueryRelayException#retryable() retryable}, so transient
 * network errors must be marked retryable and SQL, auth and validation errors must not.
 */
public interface WarehouseConnection extends AutoCloseable {

    /**
     * Starts a query asynchronously and returns its provider query id as soon as the warehouse
     * has accepted it (compile errors may be thrown here as {@link ErrorType#SQL}).
     * Not idempotent: every call starts a new execution.
     */
    String start(StartRequest request);

    /**
     * The current state of a query. Must not block until the query ends. An id the warehouse
     * does not know yields {@link WarehouseStatus#unknown()}, never an exception.
     */
    WarehouseStatus status(String providerQueryId);

    /**
     * Opens a cursor over the rows of a query whose status is {@link WarehouseState#SUCCEEDED}.
     * May be called more than once for the same query (each call starts from the first row).
     */
    ResultCursor results(String providerQueryId);

    /**
     * Asks the warehouse to stop a query. Idempotent: canceling a finished or already canceled
     * query is not an error.
     */
    void cancel(String providerQueryId);

    /** Closes the session. Must not cancel queries it started. Never throws. */
    @Override
    void close();
}
