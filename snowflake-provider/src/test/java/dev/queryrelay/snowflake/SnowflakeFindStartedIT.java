package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer.Endpoint;
import dev.queryrelay.snowflake.fake.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly once with no window: every query carries its QueryRelay id in its QUERY_TAG, and
 * {@code findStarted} finds an execution by that tag in the query history, from another process
 * (here another provider instance), so a query whose start outcome is unknown is followed, not
 * started twice.
 */
class SnowflakeFindStartedIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private FakeSnowflakeServer fake;
    private WarehouseConnection dead;
    private WarehouseConnection survivor;

    @BeforeEach
    void start() {
        fake = FakeSnowflakeServer.start();
        fake.addPasswordUser("alice", "alice-password-1");
        dead = new SnowflakeConnectionProvider().connect(fake.providerSettings("alice", "alice-password-1"));
        survivor = new SnowflakeConnectionProvider().connect(fake.providerSettings("alice", "alice-password-1"));
    }

    @AfterEach
    void stop() {
        dead.close();
        survivor.close();
        fake.close();
    }

    @Test
    void aTakeOverOfAPendingQueryFollowsTheExecutionAnotherProcessStarted() {
        fake.when("SELECT taken over").runFor(Duration.ofMillis(300)).returning(FakeResult.numbered(3));
        Instant created = Instant.now();
        StartRequest request = request("q-" + UUID.randomUUID(), "SELECT taken over");
        String startedBeforeDeath = dead.start(request);
        dead.close();

        Optional<String> found = survivor.findStarted(request.queryId(), created);

        assertEquals(Optional.of(startedBeforeDeath), found);
        await("followed to the end").atMost(WAIT)
                .until(() -> survivor.status(found.get()).state() == WarehouseState.SUCCEEDED);
        assertEquals(3, SnowflakeProviderIT.readAll(survivor, found.get()).size());
        assertEquals(1, fake.queries().stream().filter(q -> q.sql().equals("SELECT taken over")).count(),
                "started once");
    }

    @Test
    void aStartWhoseAnswerWasLostIsFoundInsteadOfStartedAgain() {
        fake.when("SELECT answer lost").runUntilReleased();
        Instant created = Instant.now();
        StartRequest request = request("q-" + UUID.randomUUID(), "SELECT answer lost");
        fake.failNext(Endpoint.QUERY, 50, Fault.LOSE_ANSWER);

        QueryRelayException lost = assertThrows(QueryRelayException.class, () -> dead.start(request));
        fake.clearFaults();

        assertTrue(lost.retryable(), "a lost answer is a retryable failure: " + lost.getMessage());
        String accepted = fake.onlyQuery("SELECT answer lost"::equals).id();
        assertEquals(Optional.of(accepted), survivor.findStarted(request.queryId(), created),
                "the retried start finds the execution the warehouse accepted");
    }

    @Test
    void theNewestExecutionOfTheQueryIdIsFound() {
        fake.when("SELECT twice").runUntilReleased();
        Instant created = Instant.now();
        String queryId = "q-" + UUID.randomUUID();
        dead.start(request(queryId, "SELECT twice"));
        String second = dead.start(request(queryId, "SELECT twice"));

        assertEquals(Optional.of(second), survivor.findStarted(queryId, created));
    }

    @Test
    void aQueryRejectedAtSubmitIsFoundToo() {
        fake.when("SELEC typo").failAtSubmit(1003, "42000", "SQL compilation error: syntax error");
        Instant created = Instant.now();
        StartRequest request = request("q-" + UUID.randomUUID(), "SELEC typo");
        assertThrows(QueryRelayException.class, () -> dead.start(request));

        String found = survivor.findStarted(request.queryId(), created).orElseThrow();

        assertEquals(ErrorType.SQL, survivor.status(found).error().type(), "following it reports the same error");
    }

    @Test
    void otherIdsAndOlderExecutionsAreNotFound() {
        fake.when("SELECT other").runUntilReleased();
        String queryId = "q-" + UUID.randomUUID();
        dead.start(request(queryId, "SELECT other"));
        int lookups = fake.historyLookups();

        assertEquals(Optional.empty(), survivor.findStarted(queryId + "0", Instant.now().minusSeconds(60)));
        assertEquals(Optional.empty(), survivor.findStarted(queryId.substring(0, queryId.length() - 1),
                Instant.now().minusSeconds(60)));
        assertEquals(Optional.empty(), survivor.findStarted(queryId, Instant.now().plus(Duration.ofMinutes(10))),
                "started before notBefore (beyond the allowed clock skew)");
        assertEquals(lookups + 3, fake.historyLookups());
    }

    @Test
    void findStartedOnAnUnreachableWarehouseIsRetryable() {
        fake.failNext(Endpoint.QUERY, 50, Fault.HTTP_503);

        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> survivor.findStarted("q-" + UUID.randomUUID(), Instant.now()));
        fake.clearFaults();

        assertEquals(ErrorType.NETWORK, e.type());
        assertTrue(e.retryable(), e.getMessage());
    }

    private static StartRequest request(String queryId, String sql) {
        return new StartRequest(queryId, sql, List.of(), QueryOptions.DEFAULTS, Map.of("team", "data"));
    }
}
