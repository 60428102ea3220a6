package dev.queryrelay.mock;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class MockConnectionProviderTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2024-06-01T12:00:00Z"));
    private final MockConnectionProvider provider = new MockConnectionProvider(clock);
    private final WarehouseConnection connection = provider.connect(Map.of());

    private static StartRequest request(String queryId, String sql) {
        return new StartRequest(queryId, sql, List.of(), QueryOptions.DEFAULTS, Map.of());
    }

    private int queries;

    private String start(String sql) {
        return connection.start(request("q-" + queries++, sql));
    }

    @Test
    void isNamedMock() {
        assertEquals("mock", provider.name());
        assertEquals("mock", new MockConnectionProvider().name());
    }

    @Test
    void queryWithoutDirectiveSucceedsAtOnceWithOneRow() {
        String id = start("SELECT 1");

        assertEquals(WarehouseStatus.succeeded(), connection.status(id));
        try (ResultCursor cursor = connection.results(id)) {
            assertEquals(List.of(1L, "row-1", java.time.LocalDateTime.of(2024, 1, 1, 0, 0, 1)), cursor.next());
            assertNull(cursor.next());
        }
    }

    @Test
    void runsForDurationThenSucceeds() {
        String id = start("/* mock: duration_ms=2000 rows=5 */ SELECT 1");

        assertEquals(WarehouseState.RUNNING, connection.status(id).state());
        clock.advance(Duration.ofMillis(1999));
        assertEquals(WarehouseState.RUNNING, connection.status(id).state());
        clock.advance(Duration.ofMillis(1));
        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
        clock.advance(Duration.ofDays(3));
        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
    }

    @Test
    void scriptedSqlFailureEndsFailedAfterDuration() {
        String id = start("/* mock: duration_ms=100 fail=SQL:002003 */ SELECT * FROM missing");

        assertEquals(WarehouseState.RUNNING, connection.status(id).state());
        clock.advance(Duration.ofMillis(100));
        WarehouseStatus status = connection.status(id);

        assertEquals(WarehouseState.FAILED, status.state());
        ErrorInfo error = status.error();
        assertEquals(ErrorType.SQL, error.type());
        assertEquals("002003", error.code());
        assertEquals("SQL compilation error (mock)", error.message());
        assertFalse(error.retryable());
    }

    @Test
    void scriptedFailureWithoutCodeHasNoCode() {
        String id = start("/* mock: fail=auth */ SELECT 1");

        WarehouseStatus status = connection.status(id);
        assertEquals(ErrorType.AUTH, status.error().type());
        assertNull(status.error().code());
    }

    @Test
    void badDirectiveIsRejectedByStartAsNonRetryableValidation() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> start("/* mock: rows=many network_faults=3 */ SELECT 1"));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertFalse(e.retryable());
    }

    @Test
    void networkFaultsFailEveryCallKindThatManyTimesThenPass() {
        StartRequest request = request("client-1", "/* mock: duration_ms=10 network_faults=2 */ SELECT 1");

        String id = withRetries(3, () -> connection.start(request));
        assertEquals(WarehouseState.RUNNING, withRetries(3, () -> connection.status(id)).state());
        assertEquals(WarehouseState.RUNNING, connection.status(id).state(), "passes from then on");
        clock.advance(Duration.ofMillis(10));
        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
        withRetries(3, () -> connection.results(id)).close();
        connection.results(id).close();
        withRetries(3, () -> {
            connection.cancel(id);
            return null;
        });
        connection.cancel(id);
    }

    @Test
    void aSmallerRetryBudgetThanTheFaultsFails() {
        StartRequest request = request("client-2", "/* mock: network_faults=2 */ SELECT 1");

        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> withRetries(2, () -> connection.start(request)));
        assertEquals(ErrorType.NETWORK, e.type());
        assertTrue(e.retryable());
        assertNotNull(connection.start(request), "the third attempt passes");
    }

    @Test
    void startFaultsAreKeyedByClientQueryIdAndSharedByConnections() {
        String sql = "/* mock: start_faults=1 */ SELECT 1";
        WarehouseConnection other = provider.connect(Map.of());

        assertThrows(QueryRelayException.class, () -> connection.start(request("a", sql)));
        assertThrows(QueryRelayException.class, () -> connection.start(request("b", sql)));
        assertDoesNotThrow(() -> other.start(request("a", sql)));
    }

    @Test
    void startFaultsTouchOnlyTheStartCall() {
        StartRequest request = request("client-3", "/* mock: start_faults=1 */ SELECT 1");

        assertThrows(QueryRelayException.class, () -> connection.start(request));
        String id = connection.start(request);

        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
        connection.results(id).close();
        connection.cancel(id);
    }

    @Test
    void startFaultsZeroOverrideNetworkFaultsForStart() {
        String id = connection.start(request("client-4", "/* mock: network_faults=1 start_faults=0 */ SELECT 1"));

        assertThrows(QueryRelayException.class, () -> connection.status(id));
        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
    }

    @Test
    void idsAreReadableByAnotherProviderInstance() {
        String id = start("/* mock: duration_ms=5000 rows=3 fail=TIMEOUT:X1 */ SELECT 1");
        String okId = start("/* mock: duration_ms=5000 rows=3 */ SELECT 1");
        MutableClock otherClock = new MutableClock(Instant.parse("2024-06-01T12:00:04Z"));
        WarehouseConnection elsewhere = new MockConnectionProvider(otherClock).connect(Map.of());

        assertEquals(WarehouseState.RUNNING, elsewhere.status(id).state());
        otherClock.advance(Duration.ofSeconds(1));
        WarehouseStatus failed = elsewhere.status(id);
        assertEquals(ErrorType.TIMEOUT, failed.error().type());
        assertEquals("X1", failed.error().code());
        assertEquals(WarehouseState.SUCCEEDED, elsewhere.status(okId).state());
        try (ResultCursor cursor = elsewhere.results(okId)) {
            assertEquals(3L, drain(cursor));
        }
    }

    @Test
    void networkFaultsFollowTheIdToAnotherInstance() {
        StartRequest request = request("client-5", "/* mock: network_faults=1 */ SELECT 1");
        String id = withRetries(2, () -> connection.start(request));
        WarehouseConnection elsewhere = new MockConnectionProvider(clock).connect(Map.of());

        assertThrows(QueryRelayException.class, () -> elsewhere.status(id));
        assertEquals(WarehouseState.SUCCEEDED, elsewhere.status(id).state());
    }

    @Test
    void statusOfAnIdThatIsNotAMockIdIsUnknown() {
        assertEquals(WarehouseStatus.unknown(), connection.status("01b2c3d4-0000-1111-0000-000000000001"));
        assertEquals(WarehouseStatus.unknown(), connection.status("mock-garbage"));
    }

    @Test
    void cancelStopsARunningQueryOnThisInstance() {
        String id = start("/* mock: duration_ms=10000 */ SELECT 1");
        WarehouseConnection sibling = provider.connect(Map.of());

        sibling.cancel(id);

        WarehouseStatus status = connection.status(id);
        assertEquals(WarehouseState.FAILED, status.state());
        assertEquals(ErrorType.CANCELED, status.error().type());
        clock.advance(Duration.ofSeconds(20));
        assertEquals(ErrorType.CANCELED, connection.status(id).error().type(), "stays canceled");
        connection.cancel(id);
        assertEquals(ErrorType.CANCELED, connection.status(id).error().type(), "cancel is idempotent");
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> connection.results(id));
        assertEquals(ErrorType.INTERNAL, e.type());
    }

    @Test
    void cancelOfAFinishedOrUnknownQueryIsANoOp() {
        String done = start("/* mock: duration_ms=10 */ SELECT 1");
        String failed = start("/* mock: fail=SQL */ SELECT 1");
        clock.advance(Duration.ofMillis(10));

        connection.cancel(done);
        connection.cancel(failed);
        connection.cancel("not-a-mock-id");

        assertEquals(WarehouseState.SUCCEEDED, connection.status(done).state());
        assertEquals(ErrorType.SQL, connection.status(failed).error().type());
        assertEquals(0, provider.trackedEntries());
    }

    @Test
    void resultsOfAQueryThatDidNotSucceedThrowInternal() {
        String running = start("/* mock: duration_ms=10 */ SELECT 1");
        String failed = start("/* mock: fail=SQL:002003 */ SELECT 1");

        assertEquals(ErrorType.INTERNAL,
                assertThrows(QueryRelayException.class, () -> connection.results(running)).type());
        assertEquals(ErrorType.INTERNAL,
                assertThrows(QueryRelayException.class, () -> connection.results(failed)).type());
        QueryRelayException unknown = assertThrows(QueryRelayException.class, () -> connection.results("x"));
        assertEquals(ErrorType.NOT_FOUND, unknown.type());
        assertFalse(unknown.retryable());
    }

    @Test
    void queriesWithoutFaultsLeaveNoState() {
        for (int i = 0; i < 1000; i++) {
            String id = connection.start(request("q" + i, "/* mock: duration_ms=5 rows=2 */ SELECT 1"));
            connection.status(id);
            clock.advance(Duration.ofMillis(5));
            connection.status(id);
            connection.results(id).close();
            connection.cancel(id);
        }

        assertEquals(0, provider.trackedEntries());
    }

    @Test
    void closeDoesNotCancelQueries() {
        String id = start("/* mock: duration_ms=10 */ SELECT 1");

        connection.close();
        connection.close();
        clock.advance(Duration.ofMillis(10));

        assertEquals(WarehouseState.SUCCEEDED, provider.connect(Map.of()).status(id).state());
    }

    private static long drain(ResultCursor cursor) {
        long n = 0;
        while (cursor.next() != null) {
            n++;
        }
        return n;
    }

    /** Calls {@code call} up to {@code attempts} times while it throws retryable errors. */
    private static <T> T withRetries(int attempts, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (QueryRelayException e) {
                if (!e.retryable() || attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    @Test
    void aJournalRecordsEveryStartForAnyProcessToCount() throws Exception {
        java.nio.file.Path journal = java.nio.file.Files.createTempFile("mock-journal", ".txt");
        WarehouseConnection first = provider.connect(Map.of(MockConnectionProvider.JOURNAL, journal.toString()));
        WarehouseConnection second = new MockConnectionProvider(clock)
                .connect(Map.of(MockConnectionProvider.JOURNAL, journal.toString()));
        String a = first.start(request("q-a", "SELECT 1"));
        String b = second.start(request("q-a", "SELECT 1"));
        assertEquals(List.of("q-a " + a, "q-a " + b), java.nio.file.Files.readAllLines(journal));
    }

    @Test
    void withAJournalFindStartedFindsTheNewestExecutionAnotherProcessStarted() throws Exception {
        java.nio.file.Path journal = java.nio.file.Files.createTempFile("mock-journal", ".txt");
        WarehouseConnection died = new MockConnectionProvider(clock)
                .connect(Map.of(MockConnectionProvider.JOURNAL, journal.toString()));
        WarehouseConnection survivor = provider.connect(Map.of(MockConnectionProvider.JOURNAL, journal.toString()));
        Instant created = clock.instant();
        died.start(request("q-other", "SELECT 1"));
        String first = died.start(request("q-a", "/* mock: duration_ms=60000 */ SELECT 1"));
        clock.advance(Duration.ofSeconds(1));
        String second = died.start(request("q-a", "/* mock: duration_ms=60000 */ SELECT 1"));
        died.start(request("q-a-longer", "SELECT 1"));
        clock.advance(Duration.ofSeconds(45));

        assertEquals(java.util.Optional.of(second), survivor.findStarted("q-a", created));
        assertEquals(java.util.Optional.of(second), survivor.findStarted("q-a", clock.instant()),
                "a submit read again after a failover is created after the execution it looks for");
        assertEquals(WarehouseState.RUNNING, survivor.status(survivor.findStarted("q-a", created).orElseThrow()).state());
        assertEquals(java.util.Optional.empty(), survivor.findStarted("q", created));
        assertEquals(java.util.Optional.empty(), survivor.findStarted("q-b", created));
        assertEquals(java.util.Optional.empty(),
                survivor.findStarted("q-a", created.plus(StartJournal.CLOCK_SKEW).plusSeconds(2)),
                "an execution that started before the query was created belongs to an earlier query");
        assertFalse(second.equals(first));
    }

    @Test
    void withoutAJournalOrBeforeItsFirstStartFindStartedFindsNothing() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mock-journal");
        WarehouseConnection journaled = provider.connect(Map.of(MockConnectionProvider.JOURNAL,
                dir.resolve("journal.txt").toString()));
        connection.start(request("q-a", "SELECT 1"));

        assertEquals(java.util.Optional.empty(), connection.findStarted("q-a", clock.instant()));
        assertEquals(java.util.Optional.empty(), journaled.findStarted("q-a", clock.instant()));
    }

    @Test
    void aJournalLineStillBeingWrittenIsNotRead() throws Exception {
        java.nio.file.Path journal = java.nio.file.Files.createTempFile("mock-journal", ".txt");
        WarehouseConnection journaled = provider.connect(Map.of(MockConnectionProvider.JOURNAL, journal.toString()));
        String whole = journaled.start(request("q-a", "/* mock: duration_ms=20000 */ SELECT 1"));
        java.nio.file.Files.writeString(journal, "q-a " + whole.substring(0, whole.length() - 3),
                java.nio.file.StandardOpenOption.APPEND);

        assertEquals(java.util.Optional.of(whole), journaled.findStarted("q-a", clock.instant()));
    }

    @Test
    void aJournalThatCannotBeReadIsARetryableFailure() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mock-journal");
        WarehouseConnection journaled = provider.connect(Map.of(MockConnectionProvider.JOURNAL, dir.toString()));

        QueryRelayException failure = assertThrows(QueryRelayException.class,
                () -> journaled.findStarted("q-a", clock.instant()));
        assertTrue(failure.retryable());
    }
}
