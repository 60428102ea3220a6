package dev.queryrelay.snowflake;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ConnectionProvider;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import dev.queryrelay.snowflake.fake.FakeColumn;
import dev.queryrelay.snowflake.fake.FakeQuery;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider's query lifecycle against the real driver talking to {@link FakeSnowflakeServer}. */
class SnowflakeProviderIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static FakeSnowflakeServer fake;
    private static ConnectionProvider provider;
    private static WarehouseConnection first;
    private static WarehouseConnection second;

    @BeforeAll
    static void connect() {
        fake = FakeSnowflakeServer.start(1_000, 2_000);
        fake.addPasswordUser("alice", "alice-password-1");
        provider = ServiceLoader.load(ConnectionProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("snowflake"))
                .findFirst()
                .orElseThrow();
        first = provider.connect(settings());
        second = provider.connect(settings());
    }

    @AfterAll
    static void close() {
        first.close();
        second.close();
        fake.close();
    }

    @Test
    void providerIsFoundByServiceLoader() {
        assertEquals(SnowflakeConnectionProvider.class, provider.getClass());
    }

    @Test
    void startReturnsWhileTheQueryRunsAndSendsTagTimeoutAndBindings() {
        fake.when("SELECT held FROM t WHERE a = ? AND b = ? AND c = ? AND d = ?").runUntilReleased()
                .returning(FakeResult.single(7));
        StartRequest request = new StartRequest("q-held", "SELECT held FROM t WHERE a = ? AND b = ? AND c = ? AND d = ?",
                Arrays.asList(42L, "text", true, null), QueryOptions.DEFAULTS.withTimeout(Duration.ofMillis(2_500)),
                Map.of("team", "data", "app", "relay"));

        String id = first.start(request);

        FakeQuery query = fake.query(id);
        assertNotNull(query, "the fake accepted the query");
        assertEquals(WarehouseState.RUNNING, first.status(id).state());
        assertEquals("{\"app\":\"relay\",\"queryrelay.query_id\":\"q-held\",\"team\":\"data\"}", query.queryTag());
        assertEquals(3, query.statementTimeoutSeconds(), "2.5 s rounds up to 3 s");
        assertEquals(4, query.bindings().size());
        assertEquals("42", ((Map<?, ?>) query.bindings().get("1")).get("value"));
        assertEquals("text", ((Map<?, ?>) query.bindings().get("2")).get("value"));

        query.release();
        await("status SUCCEEDED").atMost(WAIT).until(() -> second.status(id).state() == WarehouseState.SUCCEEDED);
        assertEquals(List.of(List.of(7L)), readAll(second, id));
    }

    @Test
    void pollsToSuccessAndReadsResultsFromAnotherConnection() {
        fake.when("SELECT 5 rows").runFor(Duration.ofMillis(300)).returning(FakeResult.numbered(5));

        String id = first.start(request("SELECT 5 rows"));

        await("status SUCCEEDED").atMost(WAIT).until(() -> first.status(id).state() == WarehouseState.SUCCEEDED);
        try (ResultCursor cursor = second.results(id)) {
            assertEquals(List.of(new ColumnMeta("ID", "NUMBER", true, 38, 0), new ColumnMeta("NAME", "VARCHAR", true, null, null)),
                    cursor.columns());
            assertEquals(List.of(1L, "row-1"), cursor.next());
        }
        assertEquals(5, readAll(first, id).size(), "results can be read again from the first row");
    }

    @Test
    void streamsALargeResultChunkByChunk() {
        int rows = 100_000;
        fake.when("SELECT big").returning(FakeResult.numbered(rows));
        String id = first.start(request("SELECT big"));
        await().atMost(WAIT).until(() -> first.status(id).state() == WarehouseState.SUCCEEDED);

        long count = 0;
        long sum = 0;
        int chunksAtFirstRow;
        try (ResultCursor cursor = second.results(id)) {
            List<Object> row = cursor.next();
            chunksAtFirstRow = fake.query(id).chunkDownloads();
            for (; row != null; row = cursor.next()) {
                count++;
                sum += (Long) row.get(0);
            }
        }

        assertEquals(rows, count);
        assertEquals((long) rows * (rows + 1) / 2, sum);
        int chunks = (rows - 1_000) / 2_000 + 1;
        assertEquals(chunks, fake.query(id).chunkDownloads(), "every chunk downloaded once");
        assertTrue(chunksAtFirstRow < chunks / 2,
                "chunks are fetched as the cursor advances, not all up front: " + chunksAtFirstRow + " of " + chunks);
    }

    @Test
    void sqlErrorAtSubmitIsFinal() {
        fake.when("SELEC oops").failAtSubmit(1003, "42000", "SQL compilation error: syntax error line 1 at position 0 unexpected 'SELEC'.");

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> first.start(request("SELEC oops")));

        assertEquals(ErrorType.SQL, e.type());
        assertEquals("001003", e.code());
        assertEquals("42000", e.sqlState());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
    }

    @Test
    void failureWhileRunningIsReportedByStatusAndResults() {
        fake.when("SELECT fails later").runFor(Duration.ofMillis(200))
                .failWhileRunning(100038, "Numeric value 'abc' is not recognized");
        String id = first.start(request("SELECT fails later"));

        await().atMost(WAIT).until(() -> second.status(id).state() == WarehouseState.FAILED);

        WarehouseStatus status = second.status(id);
        assertEquals(ErrorType.SQL, status.error().type());
        assertEquals("100038", status.error().code());
        assertEquals("Numeric value 'abc' is not recognized", status.error().message());
        assertFalse(status.error().retryable());
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> second.results(id));
        assertEquals(ErrorType.SQL, e.type());
    }

    @Test
    void cancelFromAnotherConnectionStopsTheQueryAndIsIdempotent() {
        fake.when("SELECT to cancel").runUntilReleased();
        String id = first.start(request("SELECT to cancel"));
        assertEquals(WarehouseState.RUNNING, first.status(id).state());

        second.cancel(id);

        WarehouseStatus status = first.status(id);
        assertEquals(WarehouseState.FAILED, status.state());
        assertEquals(ErrorType.CANCELED, status.error().type());
        assertEquals("000604", status.error().code());
        assertEquals(List.of(id), fake.canceledQueryIds().stream().filter(id::equals).toList());
        second.cancel(id);
        first.cancel(id);
    }

    @Test
    void cancelOfAFinishedQueryIsNotAnError() {
        fake.when("SELECT quick").returning(FakeResult.single(1));
        String id = first.start(request("SELECT quick"));
        await().atMost(WAIT).until(() -> first.status(id).state() == WarehouseState.SUCCEEDED);

        first.cancel(id);

        assertEquals(WarehouseState.SUCCEEDED, first.status(id).state());
    }

    @Test
    void statementTimeoutEndsTheQueryAsTimeout() {
        fake.when("SELECT forever").runUntilReleased();
        String id = first.start(new StartRequest("q-timeout", "SELECT forever", List.of(),
                QueryOptions.DEFAULTS.withTimeout(Duration.ofMillis(800)), Map.of()));
        assertEquals(1, fake.query(id).statementTimeoutSeconds());

        await().atMost(WAIT).until(() -> first.status(id).state() == WarehouseState.FAILED);

        WarehouseStatus status = first.status(id);
        assertEquals(ErrorType.TIMEOUT, status.error().type());
        assertEquals("000630", status.error().code());
    }

    @Test
    void statusEdgeCasesAreMappedExplicitly() {
        fake.when("SELECT edge").runUntilReleased();
        String id = first.start(request("SELECT edge"));
        FakeQuery query = fake.query(id);

        for (String running : List.of("QUEUED", "RESUMING_WAREHOUSE", "BLOCKED", "RESTARTED")) {
            query.forceState(running, 0, "");
            assertEquals(WarehouseState.RUNNING, first.status(id).state(), running);
        }
        query.forceState("ABORTING", 604, "SQL execution canceled");
        assertEquals(ErrorType.CANCELED, first.status(id).error().type());

        assertEquals(ErrorType.INTERNAL, endedWith("FAILED_WITH_INCIDENT", 300002).type());
        ErrorInfo disconnected = endedWith("DISCONNECTED", 0);
        assertEquals(ErrorType.NETWORK, disconnected.type());
        assertFalse(disconnected.retryable());
    }

    @Test
    void unknownAndMalformedIdsAreUnknown() {
        assertEquals(WarehouseState.UNKNOWN, first.status(UUID.randomUUID().toString()).state());
        assertEquals(WarehouseState.UNKNOWN, first.status("not-a-query-id").state());
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> first.results("x'); drop table t; --"));
        assertEquals(ErrorType.VALIDATION, e.type());
        assertEquals(ErrorType.NOT_FOUND,
                assertThrows(QueryRelayException.class, () -> first.results(UUID.randomUUID().toString())).type());
    }

    @Test
    void closingAConnectionNeverCancelsItsRunningQueries() {
        fake.when("SELECT survives").runUntilReleased();
        WarehouseConnection starter = provider.connect(settings());
        String id = starter.start(request("SELECT survives"));

        starter.close();

        assertEquals(WarehouseState.RUNNING, second.status(id).state());
        assertFalse(fake.canceledQueryIds().contains(id));
        fake.query(id).release();
        await().atMost(WAIT).until(() -> second.status(id).state() == WarehouseState.SUCCEEDED);
    }

    @Test
    void sessionsAreReusedAcrossCalls() {
        fake.when("SELECT pooled").runUntilReleased();
        String id = first.start(request("SELECT pooled"));
        long logins = fake.loginCount();

        for (int i = 0; i < 20; i++) {
            assertEquals(WarehouseState.RUNNING, first.status(id).state());
        }
        first.cancel(id);

        assertEquals(logins, fake.loginCount(), "no login per call");
    }

    @Test
    void oneConnectionServesSeveralThreads() throws Exception {
        fake.when(sql -> sql.startsWith("SELECT concurrent")).runFor(Duration.ofMillis(200))
                .returning(FakeResult.numbered(50));
        int threads = 6;
        Map<String, String> pooled = new HashMap<>(settings());
        pooled.put("queryrelay.pool-size", Integer.toString(threads));
        WarehouseConnection shared = provider.connect(pooled);
        long logins = fake.loginCount();
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 4 * threads; i++) {
                String sql = "SELECT concurrent " + i;
                results.add(callers.submit(() -> {
                    String id = shared.start(request(sql));
                    await().atMost(WAIT).until(() -> shared.status(id).state() == WarehouseState.SUCCEEDED);
                    return readAll(shared, id).size();
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(50, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
            shared.close();
        }
        assertTrue(fake.loginCount() - logins < threads,
                "with pool-size at the callers' concurrency, at most one login per caller: " + (fake.loginCount() - logins));
    }

    @Test
    void expiredSessionsAreReplacedTransparently() {
        WarehouseConnection own = provider.connect(settings());
        try {
            fake.when("SELECT after expiry").returning(FakeResult.single(3));
            long logins = fake.loginCount();

            fake.expireSessions();
            String id = own.start(request("SELECT after expiry"));

            assertEquals(logins + 1, fake.loginCount(), "one new login");
            await().atMost(WAIT).until(() -> own.status(id).state() == WarehouseState.SUCCEEDED);
            assertEquals(List.of(List.of(3L)), readAll(own, id));
        } finally {
            own.close();
            first.close();
            second.close();
            first = provider.connect(settings());
            second = provider.connect(settings());
        }
    }

    @Test
    void numbersStayExact() {
        fake.when("SELECT exact").returning(FakeResult.of(
                List.of(FakeColumn.number("BIG", 38, 0),
                        FakeColumn.number("PRICE", 38, 2)),
                List.of(List.of("12345678901234567890123456789", "0.10"), List.of("9007199254740993", "123.45"))));
        String id = first.start(request("SELECT exact"));
        await().atMost(WAIT).until(() -> first.status(id).state() == WarehouseState.SUCCEEDED);

        List<List<Object>> rows = readAll(first, id);

        assertEquals(new BigDecimal("12345678901234567890123456789"), rows.get(0).get(0));
        assertEquals(new BigDecimal("0.10"), rows.get(0).get(1));
        assertEquals(9_007_199_254_740_993L, rows.get(1).get(0), "2^53 + 1 survives: no double on the way");
        assertEquals(new BigDecimal("123.45"), rows.get(1).get(1));
    }

    private static ErrorInfo endedWith(String status, int code) {
        fake.when("SELECT ends " + status).runUntilReleased();
        String id = first.start(request("SELECT ends " + status));
        fake.query(id).forceState(status, code, "ended " + status);
        WarehouseStatus result = first.status(id);
        assertEquals(WarehouseState.FAILED, result.state(), status);
        return result.error();
    }

    static List<List<Object>> readAll(WarehouseConnection connection, String id) {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultCursor cursor = connection.results(id)) {
            for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
                rows.add(row);
            }
            assertNull(cursor.next(), "stays at the end");
        }
        return rows;
    }

    static StartRequest request(String sql) {
        return new StartRequest("q-" + UUID.randomUUID(), sql, List.of(), QueryOptions.DEFAULTS, Map.of());
    }

    private static Map<String, String> settings() {
        return fake.providerSettings("alice", "alice-password-1");
    }
}
