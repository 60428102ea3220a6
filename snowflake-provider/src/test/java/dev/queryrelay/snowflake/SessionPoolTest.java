package dev.queryrelay.snowflake;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionPoolTest {

    private final List<Connection> opened = new ArrayList<>();
    private final Set<Connection> closed = new HashSet<>();
    private final SessionPool pool = new SessionPool(this::open, 2);

    @Test
    void sessionsAreReused() throws Exception {
        Connection first = pool.withSession(s -> s);
        Connection second = pool.withSession(s -> s);

        assertSame(first, second);
        assertEquals(1, pool.openedCount());
    }

    @Test
    void concurrentLeasesGetTheirOwnSessionsAndOnlyMaxIdleAreKept() throws Exception {
        SessionPool.Leased<Connection> a = pool.lease(null, s -> s);
        SessionPool.Leased<Connection> b = pool.lease(null, s -> s);
        SessionPool.Leased<Connection> c = pool.lease(null, s -> s);

        assertEquals(3, new HashSet<>(List.of(a.session(), b.session(), c.session())).size());
        pool.release(a.session());
        pool.release(b.session());
        pool.release(c.session());

        assertEquals(2, pool.idleCount());
        assertTrue(closed.contains(c.session()), "beyond the idle cap the session is closed");
    }

    @Test
    void aPreferredIdleSessionIsUsed() throws Exception {
        SessionPool.Leased<Connection> a = pool.lease(null, s -> s);
        SessionPool.Leased<Connection> b = pool.lease(null, s -> s);
        pool.release(a.session());
        pool.release(b.session());

        assertSame(a.session(), pool.lease(a.session(), s -> s).session());
    }

    @Test
    void aGoneSessionIsReplacedAndTheCallRunsOnce() throws Exception {
        Connection stale = pool.withSession(s -> s);
        List<Connection> calls = new ArrayList<>();

        String result = pool.withSession(s -> {
            calls.add(s);
            if (s == stale) {
                throw new SQLException("Session no longer exists.", "08001", 390111);
            }
            return "ok";
        });

        assertEquals("ok", result);
        assertEquals(2, calls.size());
        assertTrue(closed.contains(stale));
        assertEquals(2, pool.openedCount());
    }

    @Test
    void otherFailuresKeepTheSession() throws Exception {
        Connection session = pool.withSession(s -> s);

        assertThrows(SQLException.class, () -> pool.withSession(s -> {
            throw new SQLException("syntax error", "42000", 1003);
        }));

        assertFalse(closed.contains(session));
        assertSame(session, pool.withSession(s -> s));
    }

    @Test
    void closedSessionsAreNotPooled() throws Exception {
        Connection session = pool.withSession(s -> s);
        session.close();

        assertFalse(session == pool.withSession(s -> s));
    }

    @Test
    void closeClosesIdleSessionsAndLaterReleases() throws Exception {
        SessionPool.Leased<Connection> leased = pool.lease(null, s -> s);
        Connection idle = pool.withSession(s -> s);

        pool.close();
        pool.release(leased.session());

        assertTrue(closed.contains(idle));
        assertTrue(closed.contains(leased.session()));
        SQLException e = assertThrows(SQLException.class, () -> pool.withSession(s -> s));
        assertEquals(SessionPool.CLOSED_STATE, e.getSQLState());
    }

    @Test
    void tryOnIdleRunsOnlyOnAnIdleSession() throws Exception {
        SessionPool.Leased<Connection> busy = pool.lease(null, s -> s);
        List<Connection> ran = new ArrayList<>();

        assertFalse(pool.tryOnIdle(busy.session(), ran::add));
        pool.release(busy.session());
        assertTrue(pool.tryOnIdle(busy.session(), ran::add));

        assertEquals(List.of(busy.session()), ran);
    }

    private Connection open() {
        Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> closed.add((Connection) proxy) ? null : null;
                    case "isClosed" -> closed.contains((Connection) proxy);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session" + opened.indexOf(proxy);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        opened.add(connection);
        return connection;
    }
}
