package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import net.snowflake.client.api.connection.SnowflakeConnection;
import net.snowflake.client.api.resultset.QueryStatus;
import net.snowflake.client.api.statement.SnowflakePreparedStatement;
import net.snowflake.client.api.statement.SnowflakeStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link WarehouseConnection} on a pool of Snowflake sessions. Queries run asynchronously
 * ({@code executeAsyncQuery}); status, results and cancel work by query id from any session of
 * the same user, in this process or another: status through the monitoring endpoint, results
 * through {@code RESULT_SCAN} (only after the status says the query succeeded, since the driver
 * would otherwise block), cancel through {@code SYSTEM$CANCEL_QUERY}. Every query carries its
 * QueryRelay query id in its {@code QUERY_TAG}, and {@link #findStarted} looks it up by that tag
 * in the user's query history ({@code INFORMATION_SCHEMA.QUERY_HISTORY_BY_USER}).
 */
final class SnowflakeWarehouseConnection implements WarehouseConnection {

    /** Snowflake query ids; checked before an id is put into SQL text. */
    static final Pattern QUERY_ID = Pattern.compile("[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}");
    private static final int MAX_TRACKED_STARTS = 10_000;
    /** Query history table functions reach 7 days back; stay clear of that edge. */
    static final Duration HISTORY_REACH = Duration.ofDays(7).minusHours(1);
    /** How much earlier than the query's creation its execution may seem to start (clock skew). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** The most history rows one look-up scans (Snowflake's maximum for RESULT_LIMIT). */
    static final int HISTORY_LIMIT = 10_000;
    /** The look-up; the placeholder takes the tag member, the time is an epoch-millisecond literal. */
    static final String HISTORY_SQL = "select query_id from table(information_schema.query_history_by_user("
            + "end_time_range_start => to_timestamp_ltz(%d, 3), result_limit => " + HISTORY_LIMIT + ")) "
            + "where contains(query_tag, ?) order by start_time desc limit 1";
    private static final Logger log = LoggerFactory.getLogger(SnowflakeWarehouseConnection.class);

    private final SessionPool pool;
    private final SnowflakeErrors errors;
    /**
     * The session that started each query. The driver remembers a session's running asynchronous
     * queries until that session sees them end, so status calls prefer that session.
     */
    private final Map<String, Connection> startedOn = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Connection> eldest) {
                    return size() > MAX_TRACKED_STARTS;
                }
            });

    private final Clock clock;

    SnowflakeWarehouseConnection(SessionPool pool, SnowflakeErrors errors, Clock clock) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String start(StartRequest request) {
        Objects.requireNonNull(request, "request");
        StatementSetup setup = StatementSetup.of(request);
        try {
            SessionPool.Leased<String> started = pool.lease(null, session -> submit(session, request.sql(), setup));
            startedOn.put(started.value(), started.session());
            pool.release(started.session());
            log.debug("Query {} started as Snowflake query {}", request.queryId(), started.value());
            return started.value();
        } catch (SQLException | RuntimeException e) {
            throw classify("start query " + request.queryId(), e);
        }
    }

    @Override
    public WarehouseStatus status(String providerQueryId) {
        Objects.requireNonNull(providerQueryId, "providerQueryId");
        if (!QUERY_ID.matcher(providerQueryId).matches()) {
            log.debug("Not a Snowflake query id, reporting it unknown: {}", providerQueryId);
            return WarehouseStatus.unknown();
        }
        Connection home = startedOn.get(providerQueryId);
        SessionPool.Leased<QueryStatus> polled;
        try {
            polled = pool.lease(home, session -> queryStatus(session, providerQueryId));
        } catch (SQLException | RuntimeException e) {
            throw classify("get the status of query " + providerQueryId, e);
        }
        pool.release(polled.session());
        WarehouseStatus status = StatusMapping.map(polled.value());
        if (status.state() == WarehouseState.UNKNOWN && home != null) {
            log.debug("Snowflake query {} accepted here but not reported yet (NO_DATA); still running", providerQueryId);
            return WarehouseStatus.running();
        }
        if (home != null && (status.state() == WarehouseState.SUCCEEDED || status.state() == WarehouseState.FAILED)) {
            startedOn.remove(providerQueryId);
            if (polled.session() != home) {
                pool.tryOnIdle(home, session -> queryStatus(session, providerQueryId));
            }
        }
        log.trace("Snowflake query {} status {} -> {}", providerQueryId, polled.value().getStatus(), status.state());
        return status;
    }

    /**
     * Looks the query up by the {@code QUERY_TAG} member that {@link #start} set, in the user's
     * query history from {@code notBefore} (less {@link #CLOCK_SKEW}, at most
     * {@link #HISTORY_REACH} back), among the user's {@link #HISTORY_LIMIT} most recent queries.
     * Needs a current database ({@code db} setting) for {@code INFORMATION_SCHEMA}.
     */
    @Override
    public Optional<String> findStarted(String queryId, Instant notBefore) {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(notBefore, "notBefore");
        Instant earliest = notBefore.minus(CLOCK_SKEW);
        Instant reach = clock.instant().minus(HISTORY_REACH);
        if (earliest.isBefore(reach)) {
            earliest = reach;
        }
        String sql = String.format(Locale.ROOT, HISTORY_SQL, earliest.toEpochMilli());
        String member = StatementSetup.queryIdMember(queryId);
        try {
            String found = pool.withSession(session -> {
                try (PreparedStatement statement = session.prepareStatement(sql)) {
                    statement.setString(1, member);
                    try (ResultSet rs = statement.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
            if (found == null || !QUERY_ID.matcher(found).matches()) {
                log.debug("No Snowflake query found for query {} since {}", queryId, earliest);
                return Optional.empty();
            }
            log.info("Query {} was already started as Snowflake query {}; following it", queryId, found);
            return Optional.of(found);
        } catch (SQLException | RuntimeException e) {
            throw classify("look up query " + queryId + " in the query history", e);
        }
    }

    @Override
    public ResultCursor results(String providerQueryId) {
        requireQueryId(providerQueryId);
        WarehouseStatus status = status(providerQueryId);
        switch (status.state()) {
            case SUCCEEDED -> { }
            case FAILED -> throw new QueryRelayException(status.error());
            case UNKNOWN -> throw new QueryRelayException(ErrorType.NOT_FOUND,
                    "Snowflake does not know query " + providerQueryId);
            default -> throw new QueryRelayException(ErrorType.INTERNAL,
                    "Snowflake query " + providerQueryId + " has not finished yet", true, null);
        }
        try {
            SessionPool.Leased<Open> open = pool.lease(null, session -> openResultScan(session, providerQueryId));
            try {
                return new SnowflakeResultCursor(providerQueryId, open.session(), open.value().statement(),
                        open.value().rows(), pool, errors);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(open.value());
                pool.release(open.session());
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            throw classify("read the results of query " + providerQueryId, e);
        }
    }

    @Override
    public void cancel(String providerQueryId) {
        requireQueryId(providerQueryId);
        try {
            String answer = pool.withSession(session -> {
                try (Statement statement = session.createStatement();
                     ResultSet rs = statement.executeQuery("select system$cancel_query('" + providerQueryId + "')")) {
                    return rs.next() ? rs.getString(1) : "";
                }
            });
            log.debug("Cancel of Snowflake query {}: {}", providerQueryId, answer);
        } catch (SQLException | RuntimeException e) {
            QueryRelayException failure = classify("cancel query " + providerQueryId, e);
            if (failure.type() == ErrorType.SQL && hasEnded(providerQueryId)) {
                log.debug("Snowflake query {} had already ended; cancel is a no-op", providerQueryId);
                return;
            }
            throw failure;
        }
    }

    /** Closes the pooled sessions; queries they started keep running. */
    @Override
    public void close() {
        pool.close();
        startedOn.clear();
    }

    private static String submit(Connection session, String sql, StatementSetup setup) throws SQLException {
        if (setup.bindings().isEmpty()) {
            try (Statement statement = session.createStatement()) {
                SnowflakeStatement snowflake = statement.unwrap(SnowflakeStatement.class);
                configure(snowflake, setup);
                snowflake.executeAsyncQuery(sql).close();
                return snowflake.getQueryID();
            }
        }
        try (PreparedStatement statement = session.prepareStatement(sql)) {
            setup.bind(statement);
            SnowflakeStatement snowflake = statement.unwrap(SnowflakeStatement.class);
            configure(snowflake, setup);
            statement.unwrap(SnowflakePreparedStatement.class).executeAsyncQuery().close();
            return snowflake.getQueryID();
        }
    }

    private static void configure(SnowflakeStatement statement, StatementSetup setup) throws SQLException {
        statement.setParameter("QUERY_TAG", setup.queryTag());
        if (setup.timeoutSeconds() > 0) {
            statement.setAsyncQueryTimeout(setup.timeoutSeconds());
        }
    }

    private static QueryStatus queryStatus(Connection session, String queryId) throws SQLException {
        return session.unwrap(SnowflakeConnection.class).getQueryStatus(queryId);
    }

    private record Open(Statement statement, ResultSet rows) {
    }

    private static Open openResultScan(Connection session, String queryId) throws SQLException {
        Statement statement = session.createStatement();
        try {
            return new Open(statement, statement.executeQuery("select * from table(result_scan('" + queryId + "'))"));
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    private boolean hasEnded(String queryId) {
        try {
            WarehouseState state = status(queryId).state();
            return state == WarehouseState.SUCCEEDED || state == WarehouseState.FAILED;
        } catch (QueryRelayException e) {
            return false;
        }
    }

    private QueryRelayException classify(String action, Exception e) {
        if (e instanceof QueryRelayException known) {
            return known;
        }
        return errors.classify(action, e);
    }

    private static void requireQueryId(String providerQueryId) {
        Objects.requireNonNull(providerQueryId, "providerQueryId");
        if (!QUERY_ID.matcher(providerQueryId).matches()) {
            throw QueryRelayException.validation("not a Snowflake query id: '" + providerQueryId + "'");
        }
    }

    private static void closeQuietly(Open open) {
        try {
            open.rows().close();
            open.statement().close();
        } catch (SQLException | RuntimeException e) {
            log.debug("Ignoring a failure to close a result: {}", e.getClass().getSimpleName());
        }
    }
}
