package dev.queryrelay.snowflake.account;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.JsonValue;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import dev.queryrelay.snowflake.SnowflakeConnectionProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider against a real Snowflake account (skipped without one, see
 * {@link SnowflakeAccount}): a query started by a process that is then killed with
 * {@code kill -9} is found, followed, read and canceled from this one; a large ordered result;
 * every type; a resuming and a queued warehouse; a statement timeout; a session that ends on the
 * server.
 */
@RealSnowflakeAccount
class SnowflakeAccountIT {

    private static final Duration WAIT = Duration.ofMinutes(3);

    private WarehouseConnection connection;
    private final List<String> toCancel = new ArrayList<>();

    @BeforeEach
    void connect() {
        connection = new SnowflakeConnectionProvider().connect(SnowflakeAccount.settings());
    }

    @AfterEach
    void close() {
        toCancel.forEach(connection::cancel);
        connection.close();
    }

    @Test
    void aQueryStartedByAKilledProcessIsFoundFollowedAndCanceledFromAnother() throws Exception {
        String queryId = "account-" + UUID.randomUUID();
        Instant created = Instant.now();

        String startedByChild = startInAChildThenKillIt(queryId, "SELECT SYSTEM$WAIT(600)");

        String found = await("the execution shows in the query history").atMost(WAIT)
                .until(() -> connection.findStarted(queryId, created), java.util.Optional::isPresent).orElseThrow();
        assertEquals(startedByChild, found);
        assertEquals(WarehouseState.RUNNING, connection.status(found).state(), "kill -9 left it running");
        connection.cancel(found);
        WarehouseStatus status = await().atMost(WAIT).until(() -> connection.status(found),
                s -> s.state() == WarehouseState.FAILED);
        assertEquals(ErrorType.CANCELED, status.error().type());
    }

    @Test
    void theResultOfAQueryStartedByAKilledProcessIsReadFromAnother() throws Exception {
        String queryId = "account-" + UUID.randomUUID();

        String id = startInAChildThenKillIt(queryId,
                "SELECT SEQ4() AS N FROM TABLE(GENERATOR(TIMELIMIT => 5)) WHERE SEQ4() < 10 ORDER BY N");

        await().atMost(WAIT).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
        assertEquals(10, readAll(id).size());
    }

    @Test
    void aLargeOrderedResultArrivesWholeAndInOrder() {
        long rows = 1_000_000;
        String id = startAndAwait("SELECT ROW_NUMBER() OVER (ORDER BY SEQ8()) AS N, RANDSTR(16, RANDOM()) AS S "
                + "FROM TABLE(GENERATOR(ROWCOUNT => " + rows + ")) ORDER BY N", QueryOptions.DEFAULTS);

        long expected = 1;
        try (ResultCursor cursor = connection.results(id)) {
            for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
                assertEquals(expected++, ((Number) row.get(0)).longValue());
            }
        }
        assertEquals(rows + 1, expected);
    }

    @Test
    void everyTypeArrivesExactly() {
        String id = startAndAwait("SELECT 12345678901234567890123456789::NUMBER(38,0) AS BIG, -0.001::NUMBER(12,3) AS DEC, "
                + "1.5::FLOAT AS F, TRUE AS B, '1969-12-31'::DATE AS D, '13:14:15.123456789'::TIME(9) AS T, "
                + "'2024-03-10 02:30:00.123456789'::TIMESTAMP_NTZ(9) AS NTZ, "
                + "'2024-03-10 02:30:00.987654321 +05:45'::TIMESTAMP_TZ(9) AS TZ, "
                + "'2024-03-10 10:30:00.123456789 +00:00'::TIMESTAMP_LTZ(9) AS LTZ, TO_BINARY('0102FF', 'HEX') AS BIN, "
                + "PARSE_JSON('{\"a\":[1,2]}') AS V, ARRAY_CONSTRUCT(1, 'x') AS A, 'héllo' AS S", QueryOptions.DEFAULTS);

        List<Object> row = readAll(id).get(0);

        assertEquals(new BigDecimal("12345678901234567890123456789"), row.get(0));
        assertEquals(new BigDecimal("-0.001"), row.get(1));
        assertEquals(1.5, row.get(2));
        assertEquals(true, row.get(3));
        assertEquals(LocalDate.of(1969, 12, 31), row.get(4));
        assertEquals(LocalTime.of(13, 14, 15, 123_456_789), row.get(5));
        assertEquals(LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_456_789), row.get(6));
        assertEquals(OffsetDateTime.parse("2024-03-10T02:30:00.987654321+05:45"), row.get(7));
        assertEquals(Instant.parse("2024-03-10T10:30:00.123456789Z"), ((OffsetDateTime) row.get(8)).toInstant());
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, (byte[]) row.get(9));
        assertTrue(row.get(10) instanceof JsonValue, String.valueOf(row.get(10)));
        assertTrue(row.get(11) instanceof JsonValue, String.valueOf(row.get(11)));
        assertEquals("héllo", row.get(12));
    }

    @Test
    void aStatementTimeoutEndsTheQueryAsTimeout() {
        String id = connection.start(request("SELECT SYSTEM$WAIT(120)", QueryOptions.DEFAULTS.withTimeout(Duration.ofSeconds(2))));
        toCancel.add(id);

        WarehouseStatus status = await().atMost(WAIT).until(() -> connection.status(id),
                s -> s.state() == WarehouseState.FAILED);

        assertEquals(ErrorType.TIMEOUT, status.error().type());
    }

    @Test
    void aSessionEndedOnTheServerIsReplacedByANewLogin() {
        String sessionQuery = startAndAwait("SELECT CURRENT_SESSION()", QueryOptions.DEFAULTS);
        String sessionId = String.valueOf(readAll(sessionQuery).get(0).get(0));
        try (WarehouseConnection other = new SnowflakeConnectionProvider().connect(SnowflakeAccount.settings())) {
            String abort = other.start(request("SELECT SYSTEM$ABORT_SESSION(" + Long.parseLong(sessionId) + ")",
                    QueryOptions.DEFAULTS));
            await().atMost(WAIT).until(() -> other.status(abort).state() != WarehouseState.RUNNING);
        }

        assertEquals(WarehouseState.SUCCEEDED, connection.status(sessionQuery).state(), "the pool logged in again");
        assertEquals(1, readAll(startAndAwait("SELECT 1", QueryOptions.DEFAULTS)).size());
    }

    @Test
    @RealSnowflakeAccount(admin = true)
    void aQueryOnASuspendedWarehouseRunsWhileItResumes() {
        startAndAwait("ALTER WAREHOUSE " + SnowflakeAccount.warehouse() + " SUSPEND", QueryOptions.DEFAULTS);

        Set<WarehouseState> seen = new CopyOnWriteArraySet<>();
        String id = connection.start(request("SELECT COUNT(*) FROM TABLE(GENERATOR(ROWCOUNT => 1000))", QueryOptions.DEFAULTS));
        await().atMost(WAIT).until(() -> {
            WarehouseState state = connection.status(id).state();
            seen.add(state);
            return state == WarehouseState.SUCCEEDED;
        });

        assertTrue(Set.of(WarehouseState.RUNNING, WarehouseState.SUCCEEDED).containsAll(seen), seen.toString());
    }

    @Test
    @RealSnowflakeAccount(admin = true)
    void aQueuedQueryIsRunningUntilItRuns() {
        String warehouse = SnowflakeAccount.warehouse();
        startAndAwait("ALTER WAREHOUSE " + warehouse + " SET MAX_CONCURRENCY_LEVEL = 1", QueryOptions.DEFAULTS);
        try {
            String blocker = connection.start(request("SELECT SYSTEM$WAIT(20)", QueryOptions.DEFAULTS));
            String queued = connection.start(request("SELECT SYSTEM$WAIT(1)", QueryOptions.DEFAULTS));
            toCancel.add(blocker);

            assertEquals(WarehouseState.RUNNING, connection.status(queued).state());
            await().atMost(WAIT).until(() -> connection.status(queued).state() == WarehouseState.SUCCEEDED);
        } finally {
            startAndAwait("ALTER WAREHOUSE " + warehouse + " SET MAX_CONCURRENCY_LEVEL = 8", QueryOptions.DEFAULTS);
        }
    }

    private String startInAChildThenKillIt(String queryId, String sql) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AccountChild.class.getName(), queryId, sql).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(AccountChild.STARTED)) {
                    return line.substring(AccountChild.STARTED.length()).strip();
                }
            }
            throw new IllegalStateException("the child process ended without starting the query");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String startAndAwait(String sql, QueryOptions options) {
        String id = connection.start(request(sql, options));
        WarehouseStatus status = await().atMost(WAIT).until(() -> connection.status(id),
                s -> s.state() == WarehouseState.SUCCEEDED || s.state() == WarehouseState.FAILED);
        assertEquals(WarehouseState.SUCCEEDED, status.state(), () -> String.valueOf(status.error()));
        return id;
    }

    private static StartRequest request(String sql, QueryOptions options) {
        return new StartRequest("account-" + UUID.randomUUID(), sql, List.of(), options, Map.of("suite", "account"));
    }

    private List<List<Object>> readAll(String id) {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultCursor cursor = connection.results(id)) {
            for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
                rows.add(row);
            }
        }
        return rows;
    }
}
