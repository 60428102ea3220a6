package dev.queryrelay.api;

import java.time.Instant;
import java.util.Optional;

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

    /**
     * Looks up an execution that this or an earlier process started for a QueryRelay query id,
     * so that a query whose start outcome is unknown (its process died after the warehouse
     * accepted it, or a start was retried after a network error) is followed instead of started a
     * second time. The registry calls it before {@link #start} whenever a start may already have
     * happened: a retried start, and a take-over of a query that has no recorded provider id.
     *
     * <p>Providers that cannot look a query up keep the default, which answers empty: with them
     * a query can start twice in those two windows. Must not block for long; may race with a
     * start of the same query id in another process only if that process has lost ownership.
     *
     * @param queryId   the client's query id, as given in {@link StartRequest#queryId()}
     * @param notBefore the earliest time the execution can have started (the query's creation)
     * @return the provider query id of the newest execution found, or empty
     * @throws QueryRelayException on failure (retryable when the look-up may succeed later)
     */
    default Optional<String> findStarted(String queryId, Instant notBefore) {
        return Optional.empty();
    }

    /** Closes the session. Must not cancel queries it started. Never throws. */
    @Override
    void close();
}
