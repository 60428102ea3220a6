package dev.queryrelay.api;

import java.time.Instant;
import java.util.Optional;

/**
 * A session with a warehouse, obtained from {@link ConnectionProvider#connect}.
 *
 * <p>Every method identifies a query by the provider query id that {@link #start} returned, and
 * must work on a different connection (and in a different process) than the one that started
 * the query: that is what lets another worker take over a running query.
 *
 * <h2>Threads and races</h2>
 * The registry calls every method from its warehouse pool (a few threads, {@code
 * warehouseThreads}), never from the thread that submitted or canceled a query and never from
 * its scheduler. Calls for different queries run concurrently, so implementations must be safe
 * for concurrent use. For one query the registry makes its calls one after the other
 * ({@link #findStarted}, {@link #start}, then {@link #status} until the query ends, then
 * {@link #results}), with two exceptions the implementation must tolerate:
 * <ul>
 *   <li>{@link #cancel} may come at any time after {@link #start} returned, concurrently with a
 *       {@link #status} call or a result read of the same query.</li>
 *   <li>Each call has a deadline ({@code callTimeout}, 60 s by default). Past it the registry
 *       interrupts the calling thread, counts the call as a retryable {@link ErrorType#TIMEOUT}
 *       failure and may make the next attempt (another thread) while the late one still runs.
 *       What a late call returns is ignored, except a late {@link #start}: its execution is
 *       followed if the query is still starting, and canceled otherwise.</li>
 * </ul>
 * Implementations should let an interrupt end a blocking wait, and should bound their own
 * network waits below the deadline.
 *
 * <p>Failures are reported as {@link QueryRelayException}; the registry retries a call only
 * when the exception is {@linkplain QueryRelayException#retryable() retryable}, so transient
 * network errors must be marked retryable and SQL, auth and validation errors must not.
 */
public interface WarehouseConnection extends AutoCloseable {

    /**
     * Starts a query asynchronously and returns its provider query id as soon as the warehouse
     * has accepted it (compile errors may be thrown here as {@link ErrorType#SQL}).
     * Not idempotent: every call starts a new execution. Called once per query submitted; called
     * again only after a retryable failure or a deadline, and then after {@link #findStarted}
     * answered empty. May race with an earlier start of the same query that outlived its deadline.
     */
    String start(StartRequest request);

    /**
     * The current state of a query. Must not block until the query ends. An id the warehouse
     * does not know yields {@link WarehouseStatus#unknown()}, never an exception (the registry
     * fails the query with {@link ErrorType#NOT_FOUND} once an id stays unknown for its
     * {@code unknownQueryLimit}). Called repeatedly, at growing intervals, until the query ends;
     * may race with {@link #cancel} of the same id.
     */
    WarehouseStatus status(String providerQueryId);

    /**
     * Opens a cursor over the rows of a query whose status is {@link WarehouseState#SUCCEEDED}.
     * May be called more than once for the same query (each call starts from the first row): the
     * registry opens a new cursor when a read of the previous one failed retryably or outlived
     * its deadline, and skips the rows it has delivered already. See {@link ResultCursor} for how
     * a cursor is used.
     */
    ResultCursor results(String providerQueryId);

    /**
     * Asks the warehouse to stop a query. Idempotent: canceling a finished or already canceled
     * query is not an error. Called at any time after {@link #start} returned (a user's cancel, a
     * timeout), concurrently with a {@link #status} call or a result read of the same query, and
     * also for an execution no query follows (a start that returned after its query ended).
     */
    void cancel(String providerQueryId);

    /**
     * Looks up an execution that this or an earlier process started for a QueryRelay query id,
     * so that a query whose start outcome is unknown (its process died after the warehouse
     * accepted it, or a start was retried after a network error) is followed instead of started a
     * second time. The registry calls it before {@link #start} whenever a start may already have
     * happened: a retried start, a take-over of a query that has no recorded provider id, and a
     * submit that the embedding says another process may have handled already.
     *
     * <p>Providers that cannot look a query up keep the default, which answers empty: with them
     * a query can start twice in those windows. Must not block for long (it has the same
     * deadline as every call, and a retryable failure is retried); may race with a start of the
     * same query id that outlived its deadline here, or in another process that has lost
     * ownership.
     *
     * @param queryId   the client's query id, as given in {@link StartRequest#queryId()}
     * @param notBefore the earliest time the execution can have started (the query's creation)
     * @return the provider query id of the newest execution found, or empty
     * @throws QueryRelayException on failure (retryable when the look-up may succeed later)
     */
    default Optional<String> findStarted(String queryId, Instant notBefore) {
        return Optional.empty();
    }

    /**
     * Closes the session. Must not cancel queries it started. Never throws. Called once, by the
     * thread that closes the registry, after the registry stopped its threads (a call past its
     * deadline may still be running).
     */
    @Override
    void close();
}
