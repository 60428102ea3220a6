package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.mock.MockConnectionProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryRegistryTest {

    private static final Duration WAIT = TestEngine.WAIT;

    private final TestEngine engine = new TestEngine();
    private final ManualTime time = engine.time;
    private final MockConnectionProvider mock = new MockConnectionProvider(time);
    private final RecordingConnection connection = new RecordingConnection(mock.connect(Map.of()));
    private final EventLog events = engine.events;
    private QueryRegistry registry;

    @AfterEach
    void closeRegistry() {
        engine.close();
    }

    private QueryRegistry registry(UnaryOperator<QueryRegistryBuilder> settings) {
        registry = engine.start(connection, settings);
        return registry;
    }

    private QueryRegistry registry() {
        return registry(b -> b);
    }

    private static StartRequest request(String id, String sql) {
        return TestEngine.request(id, sql);
    }

    private static StartRequest request(String id, String sql, QueryOptions options) {
        return TestEngine.request(id, sql, options);
    }

    private QuerySnapshot awaitStatus(String id, QueryStatus status) {
        return engine.driveTo(id, status);
    }

    private QuerySnapshot awaitStatusNow(String id, QueryStatus status) {
        return engine.awaitNow(id, status);
    }

    @Test
    void runningQueryCompletedByTheWarehouseSucceedsWithItsRowsInPages() {
        registry();
        QuerySnapshot pending = registry.submit(request("q1", "/* mock: duration_ms=300 rows=2500 */ SELECT * FROM t"));
        assertEquals(QueryStatus.PENDING, pending.status());
        assertEquals(1, pending.seq());

        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(2500, done.rowCount());
        assertEquals(3, done.pages());
        assertFalse(done.truncated());
        assertEquals(List.of("ID", "NAME", "CREATED_AT"), done.columns().stream().map(c -> c.name()).toList());
        assertNotNull(done.providerQueryId());
        assertNotNull(done.executionMs());
        assertEquals(3, done.seq());
        assertTrue(connection.statusCalls.get() >= 2, "polled until the warehouse finished");
        assertEquals(List.of("PENDING", "RUNNING", "page 0", "page 1", "page 2", "SUCCEEDED"), events.of("q1"));

        List<QueryPage> pages = events.pagesOf("q1");
        assertEquals(List.of(1000, 1000, 500), pages.stream().map(p -> p.rows().size()).toList());
        assertEquals(List.of(0L, 1000L, 2000L), pages.stream().map(QueryPage::offset).toList());
        assertTrue(pages.get(2).last());
        assertFalse(pages.get(1).last());
        assertEquals(2500L, ((Number) pages.get(2).rows().get(499).get(0)).longValue());

        ResultSlice slice = registry.results("q1", 10, 5);
        assertEquals(List.of(11L, 12L, 13L, 14L, 15L), slice.rows().stream().map(r -> ((Number) r.get(0)).longValue()).toList());
        assertEquals("row-11", slice.rows().get(0).get(1));
        assertFalse(slice.last());
    }

    @Test
    void cancelReachesTheWarehouseAndEndsCanceled() {
        registry();
        registry.submit(request("q1", "/* mock: duration_ms=60000 */ SELECT 1"));
        QuerySnapshot running = awaitStatus("q1", QueryStatus.RUNNING);

        registry.cancel("q1", "user asked");
        QuerySnapshot canceled = awaitStatus("q1", QueryStatus.CANCELED);
        assertEquals(List.of(running.providerQueryId()), connection.canceled);
        assertEquals(ErrorType.CANCELED, canceled.error().type());
        assertEquals("user asked", canceled.error().message());
        assertEquals(ErrorType.CANCELED, connection.delegate.status(running.providerQueryId()).error().type(),
                "the warehouse itself reports the query stopped");
        assertEquals(List.of("PENDING", "RUNNING", "CANCELED"), events.of("q1"));
    }

    @Test
    void cancelBeforeTheStartReturnsEndsCanceledAndCancelsTheStartedQueryInTheWarehouse() {
        registry();
        connection.startGate = new CountDownLatch(1);
        registry.submit(request("q1", "/* mock: duration_ms=60000 */ SELECT 1"));
        registry.cancel("q1", null);
        QuerySnapshot canceled = awaitStatus("q1", QueryStatus.CANCELED);
        assertEquals("canceled by request", canceled.error().message());

        connection.startGate.countDown();
        await("warehouse cancel after the late start").atMost(WAIT).until(() -> connection.canceled.size() == 1);
        assertEquals(connection.started, connection.canceled);
        assertEquals(List.of(QueryStatus.PENDING, QueryStatus.CANCELED), events.statusesOf("q1"));
    }

    @Test
    void cancelBeforeSubmissionCancelsTheQueryOnArrivalWithoutStartingIt() {
        registry();
        assertTrue(registry.cancel("q1", "too late anyway").isEmpty());
        QuerySnapshot snapshot = registry.submit(request("q1", "SELECT 1"));
        assertEquals(QueryStatus.CANCELED, snapshot.status());
        assertEquals(List.of(QueryStatus.PENDING, QueryStatus.CANCELED), events.statusesOf("q1"));
        assertTrue(connection.started.isEmpty());
    }

    @Test
    void timeoutCancelsInTheWarehouseAndEndsTimeout() {
        registry();
        registry.submit(request("q1", "/* mock: duration_ms=60000 */ SELECT 1",
                QueryOptions.DEFAULTS.withTimeout(Duration.ofMillis(300))));
        QuerySnapshot timedOut = awaitStatus("q1", QueryStatus.TIMEOUT);
        assertEquals(ErrorType.TIMEOUT, timedOut.error().type());
        assertEquals(List.of(timedOut.providerQueryId()), connection.canceled);
        assertEquals(List.of(QueryStatus.PENDING, QueryStatus.RUNNING, QueryStatus.TIMEOUT), events.statusesOf("q1"));
    }

    @Test
    void aTimeoutTooFarAwayForAnyTimerIsNotArmedAndTheQueryRuns() {
        try (QueryRegistry ownTime = QueryRegistry.builder(Providers.load("mock").connect(Map.of())).build()) {
            QueryOptions farAway = QueryOptions.DEFAULTS.withTimeout(Duration.ofMillis(Long.MAX_VALUE));
            ownTime.submit(request("far", "/* mock: rows=1 */ SELECT 1", farAway));
            ownTime.restore(request("restored", "/* mock: rows=1 */ SELECT 1", farAway),
                    new RestorePoint(QueryStatus.PENDING, 1, Instant.now(), null, null, null));
            await().atMost(WAIT).until(() -> ownTime.snapshot("far").orElseThrow().status() == QueryStatus.SUCCEEDED
                    && ownTime.snapshot("restored").orElseThrow().status() == QueryStatus.SUCCEEDED);
        }
    }

    @Test
    void aQueryWhoseLaunchFailsUnexpectedlyEndsFailedInternalAndTheCallerGoesOn() {
        Scheduler refusesLongDelays = (executor, command, delay) -> {
            if (delay.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalStateException("this scheduler takes no delay above an hour");
            }
            return time.schedule(executor, command, delay);
        };
        registry(b -> b.scheduler(refusesLongDelays));
        QuerySnapshot accepted = registry.submit(request("q1", "SELECT 1", QueryOptions.DEFAULTS.withTimeout(Duration.ofHours(2))));
        assertEquals(QueryStatus.FAILED, accepted.status());
        assertEquals(ErrorType.INTERNAL, accepted.error().type());
        assertEquals(List.of(QueryStatus.PENDING, QueryStatus.FAILED), events.statusesOf("q1"));
        registry.submit(request("q2", "SELECT 1"));
        awaitStatus("q2", QueryStatus.SUCCEEDED);
    }

    @Test
    void sqlFailureFailsAtOnceWithoutRetries() {
        registry();
        registry.submit(request("q1", "/* mock: duration_ms=50 fail=SQL:002003 */ SELECT * FROM missing"));
        QuerySnapshot failed = awaitStatus("q1", QueryStatus.FAILED);
        assertEquals(ErrorType.SQL, failed.error().type());
        assertEquals("002003", failed.error().code());
        assertFalse(failed.error().retryable());
        assertEquals(0, registry.metrics().retries());
    }

    @Test
    void invalidDirectiveIsRejectedBeforeStartAsValidation() {
        registry();
        registry.submit(request("q1", "/* mock: bogus=1 */ SELECT 1"));
        QuerySnapshot failed = awaitStatus("q1", QueryStatus.FAILED);
        assertEquals(ErrorType.VALIDATION, failed.error().type());
        assertEquals(List.of(QueryStatus.PENDING, QueryStatus.FAILED), events.statusesOf("q1"));
    }

    @Test
    void networkFaultsAreRetriedToSuccess() {
        registry(b -> b.retryMaxAttempts(4));
        registry.submit(request("q1", "/* mock: network_faults=2 rows=3 */ SELECT 1"));
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(3, done.rowCount());
        RegistryMetrics metrics = registry.metrics();
        assertTrue(metrics.retries() >= 6, "start, status and results each retried twice: " + metrics);
        assertTrue(metrics.retriedCallsSucceeded() >= 3, metrics.toString());
    }

    @Test
    void startFaultsAreRetriedToSuccess() {
        registry(b -> b.retryMaxAttempts(3));
        registry.submit(request("q1", "/* mock: start_faults=2 */ SELECT 1"));
        awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(2, registry.metrics().retries());
    }

    @Test
    void networkFaultsBeyondTheRetryBudgetFailWithNetwork() {
        registry(b -> b.retryMaxAttempts(3));
        registry.submit(request("q1", "/* mock: network_faults=10 */ SELECT 1"));
        QuerySnapshot failed = awaitStatus("q1", QueryStatus.FAILED);
        assertEquals(ErrorType.NETWORK, failed.error().type());
        assertTrue(failed.error().retryable());
        assertEquals(1, registry.metrics().retriedCallsFailed());
        assertEquals(2, registry.metrics().retries());
    }

    @Test
    void aQueryTheWarehouseKeepsReportingAsUnknownFails() {
        registry(b -> b.unknownQueryLimit(Duration.ofMillis(200)));
        connection.reportUnknown = true;
        registry.submit(request("q1", "SELECT 1"));
        QuerySnapshot failed = awaitStatus("q1", QueryStatus.FAILED);
        assertEquals(ErrorType.NOT_FOUND, failed.error().type());
        assertTrue(failed.error().message().contains("unknown"), failed.error().message());
        assertTrue(connection.statusCalls.get() >= 2);
    }

    @Test
    void duplicateSubmitStartsNothing() {
        registry();
        registry.submit(request("q1", "/* mock: duration_ms=200 */ SELECT 1"));
        QuerySnapshot again = registry.submit(request("q1", "/* mock: duration_ms=200 */ SELECT 1"));
        assertEquals("q1", again.queryId());
        awaitStatus("q1", QueryStatus.SUCCEEDED);
        registry.submit(request("q1", "SELECT 2"));
        assertEquals(1, connection.started.size());
        assertEquals(2, registry.metrics().duplicates());
        assertEquals(List.of("PENDING", "RUNNING", "page 0", "SUCCEEDED"), events.of("q1"));
    }

    @Test
    void pruneForgetsFinishedQueriesAfterTheTtl() {
        registry(b -> b.ttl(Duration.ofHours(24)).pruneInterval(Duration.ofDays(365)));
        registry.submit(request("done", "SELECT 1"));
        awaitStatusNow("done", QueryStatus.SUCCEEDED);
        registry.submit(request("running", "/* mock: duration_ms=864000000 */ SELECT 1"));
        awaitStatusNow("running", QueryStatus.RUNNING);

        time.advance(Duration.ofHours(23));
        assertEquals(0, registry.prune());
        time.advance(Duration.ofHours(2));
        assertEquals(1, registry.prune());
        assertTrue(registry.snapshot("done").isEmpty());
        assertTrue(registry.snapshot("running").isPresent(), "queries in flight are never pruned");
    }

    @Test
    void onlyTheLastMaxFinishedQueriesAreRemembered() {
        registry(b -> b.maxFinished(3));
        for (int i = 1; i <= 5; i++) {
            registry.submit(request("q" + i, "SELECT 1"));
            awaitStatus("q" + i, QueryStatus.SUCCEEDED);
        }
        registry.restore(request("r1", "SELECT 1"), new RestorePoint(QueryStatus.FAILED, 2, time.instant(), null, null, null));
        assertEquals(List.of("q3", "q4", "q5", "r1"), registry.list(Set.of()).stream().map(QuerySnapshot::queryId).sorted().toList(),
                "restored queries are kept for the TTL, apart from the bound");
        registry.submit(request("q5", "SELECT 2"));
        assertEquals(1, registry.metrics().duplicates(), "a remembered id runs nothing");
        registry.submit(request("q1", "SELECT 1"));
        awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(6, connection.started.size(), "a forgotten id runs again");
        assertEquals(List.of("q1", "q4", "q5", "r1"), registry.list(Set.of()).stream().map(QuerySnapshot::queryId).sorted().toList());
        assertEquals(0, registry.prune(), "nothing is past the TTL");
    }

    @Test
    void resultWindowsHandleTheEdges() {
        registry(b -> b.inlineRowLimit(100));
        registry.submit(request("q1", "/* mock: rows=25 */ SELECT 1"));
        registry.submit(request("big", "/* mock: rows=150 */ SELECT 1"));
        registry.submit(request("slow", "/* mock: duration_ms=60000 */ SELECT 1"));
        awaitStatus("q1", QueryStatus.SUCCEEDED);
        awaitStatus("big", QueryStatus.SUCCEEDED);

        ResultSlice past = registry.results("q1", 100, 10);
        assertEquals(0, past.rows().size());
        assertTrue(past.last());
        assertEquals(25, past.totalRows());
        ResultSlice empty = registry.results("q1", 3, 0);
        assertEquals(0, empty.rows().size());
        assertFalse(empty.last());
        ResultSlice tail = registry.results("q1", 20, 10);
        assertEquals(5, tail.rows().size());
        assertTrue(tail.last());

        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> registry.results("q1", -1, 5)).type());
        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> registry.results("q1", 0, -5)).type());
        assertEquals(ErrorType.NOT_FOUND, assertThrows(QueryRelayException.class, () -> registry.results("nope", 0, 5)).type());
        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> registry.results("slow", 0, 5)).type());
        assertEquals(100, registry.results("big", 0, 100).rows().size());
        QueryRelayException beyond = assertThrows(QueryRelayException.class, () -> registry.results("big", 90, 20));
        assertTrue(beyond.getMessage().contains("not kept inline"), beyond.getMessage());
    }

    @Test
    void maxRowsTruncatesTheResult() {
        registry();
        registry.submit(request("q1", "/* mock: rows=25 */ SELECT 1", QueryOptions.DEFAULTS.withPageRows(4).withMaxRows(10L)));
        registry.submit(request("exact", "/* mock: rows=10 */ SELECT 1", QueryOptions.DEFAULTS.withMaxRows(10L)));
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(10, done.rowCount());
        assertTrue(done.truncated());
        assertEquals(List.of(4, 4, 2), events.pagesOf("q1").stream().map(p -> p.rows().size()).toList());
        assertFalse(awaitStatus("exact", QueryStatus.SUCCEEDED).truncated());
    }

    @Test
    void anEmptyResultIsOneEmptyLastPage() {
        registry();
        registry.submit(request("q1", "/* mock: rows=0 */ SELECT 1"));
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(0, done.rowCount());
        assertEquals(1, done.pages());
        QueryPage page = events.pagesOf("q1").get(0);
        assertTrue(page.last());
        assertEquals(3, page.columns().size());
    }

    @Test
    void pagesStayUnderTheByteBound() {
        long bound = 500;
        registry(b -> b.maxPageBytes(bound, JsonRowSizer.INSTANCE));
        registry.submit(request("q1", "/* mock: rows=100 */ SELECT 1"));
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        List<QueryPage> pages = events.pagesOf("q1");
        assertTrue(pages.size() > 1, "cut by bytes, not only by page_rows");
        assertEquals(100, done.rowCount());
        for (QueryPage page : pages) {
            long bytes = page.rows().stream().mapToLong(r -> JsonRowSizer.INSTANCE.estimate(page.columns(), r)).sum();
            assertTrue(bytes <= bound, "page " + page.page() + " has " + bytes + " bytes");
        }
    }

    @Test
    void aRowAboveTheByteBoundFailsTheQuery() {
        registry(b -> b.maxPageBytes(10, JsonRowSizer.INSTANCE));
        registry.submit(request("q1", "SELECT 1"));
        QuerySnapshot failed = awaitStatus("q1", QueryStatus.FAILED);
        assertEquals(ErrorType.INTERNAL, failed.error().type());
        assertTrue(failed.error().message().contains("page byte bound"));
    }

    @Test
    void listFiltersByStatus() {
        registry();
        registry.submit(request("a", "SELECT 1"));
        registry.submit(request("b", "/* mock: fail=SQL:1003 */ SELECT 1"));
        registry.submit(request("c", "/* mock: duration_ms=60000 */ SELECT 1"));
        awaitStatus("a", QueryStatus.SUCCEEDED);
        awaitStatus("b", QueryStatus.FAILED);
        awaitStatus("c", QueryStatus.RUNNING);
        assertEquals(List.of("a"), ids(registry.list(Set.of(QueryStatus.SUCCEEDED))));
        assertEquals(List.of("b", "c"), ids(registry.list(Set.of(QueryStatus.FAILED, QueryStatus.RUNNING))).stream().sorted().toList());
        assertEquals(3, registry.list(Set.of()).size());
        assertEquals(0, registry.list(Set.of(QueryStatus.TIMEOUT)).size());
    }

    @Test
    void aThrowingListenerDoesNotStopTheEngine() {
        registry(b -> b.listener(new QueryListener() {
            @Override
            public void onTransition(QuerySnapshot snapshot) {
                throw new IllegalStateException("listener bug");
            }
        }));
        registry.submit(request("q1", "SELECT 1"));
        awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(List.of("PENDING", "RUNNING", "page 0", "SUCCEEDED"), events.of("q1"));
    }

    @Test
    void closeLeavesNoThreadBehindAndDoesNotCancelRunningQueries() {
        registry(b -> b.threadNamePrefix("closetest"));
        for (int i = 0; i < 50; i++) {
            registry.submit(request("q" + i, "/* mock: duration_ms=60000 */ SELECT 1"));
        }
        await().atMost(WAIT).until(() -> registry.list(Set.of(QueryStatus.RUNNING)).size() == 50);
        assertTrue(liveThreads("closetest") > 0);
        registry.close();
        await("registry threads gone").atMost(WAIT).until(() -> liveThreads("closetest") == 0);
        assertTrue(connection.canceled.isEmpty());
        assertTrue(connection.closed);
        assertThrows(QueryRelayException.class, () -> registry.submit(request("late", "SELECT 1")));
    }

    @Test
    void closeWaitsForStartsInFlightAtMostTheTimeItIsGivenInAll() {
        registry();
        connection.startGate = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            registry.submit(request("s" + i, "SELECT 1"));
        }
        await().atMost(WAIT).until(() -> registry.list(Set.of(QueryStatus.PENDING)).size() == 3);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> registry.close(Duration.ofMillis(300)),
                "three starts that never return, each waited for up to 30 s by default");
        connection.startGate.countDown();
    }

    @Test
    void rejectsBlankSqlAndId() {
        registry();
        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> registry.submit(request("q1", "  "))).type());
        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> registry.submit(request(" ", "SELECT 1"))).type());
    }

    @Test
    void tenThousandQueriesInFlightCompleteOnABoundedNumberOfThreads() {
        int threads = 4;
        registry(b -> b.threadNamePrefix("manytest").warehouseThreads(threads).inlineRowLimit(0));
        int count = 10_000;
        int[] maxThreads = {0};
        for (int i = 0; i < count; i++) {
            registry.submit(request("q" + i, "/* mock: duration_ms=2000 */ SELECT 1"));
        }
        await("all " + count + " running").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> registry.list(Set.of(QueryStatus.RUNNING)).size() == count);
        assertEquals(count, registry.inFlight(), "no time has passed: every query is in flight at once");
        await("all " + count + " succeed").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
            maxThreads[0] = Math.max(maxThreads[0], liveThreads("manytest"));
            time.advance(Duration.ofMillis(100));
            return registry.metrics().succeeded() == count;
        });
        assertEquals(0, registry.inFlight());
        assertTrue(maxThreads[0] <= threads, "threads: " + maxThreads[0]);
        assertTrue(maxThreads[0] >= 1, "the registry's threads were seen: " + maxThreads[0]);
    }

    @Test
    void aQueryTakenOverFromAWorkerWhoseClockRanAheadNeverReportsANegativeExecutionTime() {
        registry();
        StartRequest request = request("q1", "SELECT 1");
        String startedElsewhere = startElsewhere(request);
        restoreRunning(request, startedElsewhere, time.instant(), time.instant().plusSeconds(5));
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(0L, done.executionMs());
    }

    @Test
    void restoreFollowsARunningQueryByItsProviderIdWithoutStartingItAgain() {
        registry();
        StartRequest request = request("q1", "/* mock: duration_ms=300 rows=5 */ SELECT 1");
        String startedElsewhere = startElsewhere(request);
        Instant created = time.instant().minusMillis(50);
        QuerySnapshot restored = restoreRunning(request, startedElsewhere, created);
        assertEquals(QueryStatus.RUNNING, restored.status());
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(3, done.seq());
        assertEquals(startedElsewhere, done.providerQueryId());
        assertEquals(5, done.rowCount());
        assertTrue(connection.started.isEmpty(), "never started again");
        assertEquals(List.of("page 0", "SUCCEEDED"), events.of("q1"));
    }

    @Test
    void restorePendingStartsTheQueryAndContinuesTheSequence() {
        registry();
        registry.restore(request("q1", "SELECT 1"), new RestorePoint(QueryStatus.PENDING, 1, time.instant(), null, null, null));
        QuerySnapshot done = awaitStatus("q1", QueryStatus.SUCCEEDED);
        assertEquals(3, done.seq());
        assertEquals(1, connection.started.size());
        assertEquals(List.of("RUNNING", "page 0", "SUCCEEDED"), events.of("q1"));
    }

    @Test
    void aRestoredTerminalQueryMakesAResubmitRunNothing() {
        registry();
        registry.restore(request("q1", "SELECT 1"), new RestorePoint(QueryStatus.SUCCEEDED, 3, time.instant(), "mock-x", null, null));
        assertEquals(QueryStatus.SUCCEEDED, registry.submit(request("q1", "SELECT 1")).status());
        assertEquals(0, registry.inFlight());
        assertTrue(connection.started.isEmpty());
        assertTrue(events.lines.isEmpty());
    }

    private static StartRequest timingOutAfterOneSecond(String sql) {
        return request("q1", sql, QueryOptions.DEFAULTS.withTimeout(Duration.ofSeconds(1)));
    }

    /** Takes {@code request} over as RUNNING (seq 2) since {@code created}, as {@code providerQueryId}. */
    private QuerySnapshot restoreRunning(StartRequest request, String providerQueryId, Instant created) {
        return restoreRunning(request, providerQueryId, created, created);
    }

    /** As {@link #restoreRunning(StartRequest, String, Instant)}, started at {@code startedAt} by the previous owner's clock. */
    private QuerySnapshot restoreRunning(StartRequest request, String providerQueryId, Instant created, Instant startedAt) {
        return registry.restore(request, new RestorePoint(QueryStatus.RUNNING, 2, created, providerQueryId, startedAt, null));
    }

    /** Starts {@code request} on another connection, as a previous owner did; its provider query id. */
    private String startElsewhere(StartRequest request) {
        return mock.connect(Map.of()).start(request);
    }

    @Test
    void aRestoredQueryPastItsTimeoutTimesOutAtOnce() {
        registry();
        StartRequest request = timingOutAfterOneSecond("/* mock: duration_ms=60000 */ SELECT 1");
        String id = startElsewhere(request);
        Instant created = time.instant().minusSeconds(10);
        restoreRunning(request, id, created);
        QuerySnapshot timedOut = awaitStatus("q1", QueryStatus.TIMEOUT);
        assertEquals(3, timedOut.seq());
        assertEquals(List.of(id), connection.canceled);
    }

    @Test
    void aQueryTakenOverPastItsTimeoutEndsTimeoutEvenWhenTheWarehouseFinishedItMeanwhile() {
        registry();
        StartRequest request = timingOutAfterOneSecond("/* mock: duration_ms=2000 rows=3 */ SELECT 1");
        String id = startElsewhere(request);
        time.advance(Duration.ofSeconds(5));
        Instant created = time.instant().minusSeconds(10);
        QuerySnapshot restored = restoreRunning(request, id, created);
        assertNotEquals(QueryStatus.SUCCEEDED, restored.status());
        QuerySnapshot timedOut = awaitStatusNow("q1", QueryStatus.TIMEOUT);
        assertEquals(3, timedOut.seq());
        assertEquals(0, timedOut.rowCount());
        assertEquals(List.of("TIMEOUT"), events.of("q1"), "no page, no SUCCEEDED: the owner it replaces would have timed it out");
        assertEquals(0, connection.statusCalls.get(), "its status is not asked: what the warehouse says cannot change the outcome");
        assertEquals(List.of(id), connection.canceled);
    }

    @Test
    void aCancelRememberedBeforeARestorePastTheTimeoutWinsOverTheTimeout() {
        registry();
        StartRequest request = timingOutAfterOneSecond("/* mock: duration_ms=60000 */ SELECT 1");
        String id = startElsewhere(request);
        Instant created = time.instant().minusSeconds(10);
        registry.cancel("q1", "stop");
        restoreRunning(request, id, created);

        QuerySnapshot canceled = awaitStatusNow("q1", QueryStatus.CANCELED);
        assertEquals(3, canceled.seq());
        assertEquals(List.of(id), connection.canceled);
    }

    @Test
    void forgetStopsDrivingAQueryWithoutCancelingIt() {
        registry();
        registry.submit(request("q1", "/* mock: duration_ms=400 */ SELECT 1"));
        awaitStatus("q1", QueryStatus.RUNNING);
        assertTrue(registry.forget("q1"));
        assertFalse(registry.forget("q1"));
        assertEquals(0, registry.inFlight());
        assertTrue(registry.snapshot("q1").isEmpty());
        registry.submit(request("q2", "/* mock: duration_ms=600 */ SELECT 1"));
        awaitStatus("q2", QueryStatus.SUCCEEDED);
        assertEquals(List.of("PENDING", "RUNNING"), events.of("q1"), "nothing published after forget");
        assertTrue(connection.canceled.isEmpty());
    }

    private static List<String> ids(List<QuerySnapshot> snapshots) {
        return snapshots.stream().map(QuerySnapshot::queryId).toList();
    }

    private static int liveThreads(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix + "-")).count();
    }
}
