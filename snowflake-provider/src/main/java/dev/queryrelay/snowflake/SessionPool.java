package dev.queryrelay.snowflake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Snowflake sessions (JDBC connections) kept for reuse, so that polling a query does not log in
 * each time. A session is used by one call at a time. There is no cap on sessions in use (callers
 * are already bounded by the registry's pool); at most {@code maxIdle} are kept between calls.
 * A call that fails because its session has ended (expired or deleted on the server) is run once
 * more on a freshly opened session. Closing a session never cancels its running queries: the
 * driver keeps a session alive while asynchronous queries it started are running.
 */
final class SessionPool implements AutoCloseable {

    /** Opens a new session (a login). */
    @FunctionalInterface
    interface SessionFactory {
        Connection open() throws SQLException;
    }

    /** Work done with a session. */
    @FunctionalInterface
    interface SessionCall<T> {
        T apply(Connection session) throws SQLException;
    }

    /** A call's result together with the session it keeps until {@link #release}. */
    record Leased<T>(Connection session, T value) {
    }

    /** The SQLSTATE of calls on a closed pool: connection does not exist. */
    static final String CLOSED_STATE = "08003";

    private static final Logger log = LoggerFactory.getLogger(SessionPool.class);

    private final SessionFactory factory;
    private final int maxIdle;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final AtomicLong opened = new AtomicLong();
    private boolean closed;

    SessionPool(SessionFactory factory, int maxIdle) {
        this.factory = Objects.requireNonNull(factory, "factory");
        if (maxIdle < 1) {
            throw new IllegalArgumentException("maxIdle must be positive");
        }
        this.maxIdle = maxIdle;
    }

    /** Runs {@code call} on a pooled session and returns the session to the pool. */
    <T> T withSession(SessionCall<T> call) throws SQLException {
        Leased<T> leased = lease(null, call);
        release(leased.session());
        return leased.value();
    }

    /**
     * Runs {@code call} on a pooled session, {@code preferred} if it is idle, that the caller then
     * keeps until it calls {@link #release(Connection)}.
     */
    <T> Leased<T> lease(Connection preferred, SessionCall<T> call) throws SQLException {
        Connection session = borrow(preferred);
        try {
            return new Leased<>(session, call.apply(session));
        } catch (SQLException e) {
            if (!SnowflakeErrors.isSessionGone(e)) {
                release(session);
                throw e;
            }
            log.info("Snowflake session ended on the server (code {}); logging in again", e.getErrorCode());
            discard(session);
        } catch (RuntimeException e) {
            discard(session);
            throw e;
        }
        Connection fresh = open();
        try {
            return new Leased<>(fresh, call.apply(fresh));
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException sql && !SnowflakeErrors.isSessionGone(sql)) {
                release(fresh);
            } else {
                discard(fresh);
            }
            throw e;
        }
    }

    /**
     * Runs {@code call} on {@code session} only if it is idle in the pool right now, ignoring any
     * failure; returns whether it ran.
     */
    boolean tryOnIdle(Connection session, SessionCall<?> call) {
        synchronized (this) {
            if (closed || !idle.remove(session)) {
                return false;
            }
        }
        try {
            call.apply(session);
        } catch (SQLException | RuntimeException e) {
            log.debug("Ignoring a failed housekeeping call: {}", e.getClass().getSimpleName());
        }
        release(session);
        return true;
    }

    /** Opens a session and keeps it idle: a login check. */
    void warmUp() throws SQLException {
        release(open());
    }

    /** Gives a leased session back; closed sessions and those beyond the idle cap are closed. */
    void release(Connection session) {
        if (session == null) {
            return;
        }
        synchronized (this) {
            if (!closed && idle.size() < maxIdle && isOpen(session)) {
                idle.addFirst(session);
                return;
            }
        }
        closeQuietly(session);
    }

    /** How many sessions were opened (logins) since the pool was created. */
    long openedCount() {
        return opened.get();
    }

    synchronized int idleCount() {
        return idle.size();
    }

    /** Closes the idle sessions; leased ones are closed when released. Idempotent. */
    @Override
    public void close() {
        List<Connection> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(SessionPool::closeQuietly);
    }

    private Connection borrow(Connection preferred) throws SQLException {
        synchronized (this) {
            if (closed) {
                throw new SQLException("the QueryRelay Snowflake connection is closed", CLOSED_STATE);
            }
            if (preferred != null && idle.remove(preferred) && isOpen(preferred)) {
                return preferred;
            }
            for (Connection session = idle.pollFirst(); session != null; session = idle.pollFirst()) {
                if (isOpen(session)) {
                    return session;
                }
            }
        }
        return open();
    }

    private Connection open() throws SQLException {
        Connection session = factory.open();
        long count = opened.incrementAndGet();
        log.debug("Opened Snowflake session #{}", count);
        return session;
    }

    private void discard(Connection session) {
        closeQuietly(session);
    }

    private static boolean isOpen(Connection session) {
        try {
            return !session.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection session) {
        try {
            session.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("Ignoring a failure to close a Snowflake session: {}", e.getClass().getSimpleName());
        }
    }
}
