package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import dev.queryrelay.snowflake.fake.FakeQuery;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer.Endpoint;
import dev.queryrelay.snowflake.fake.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a real account does that a naive fake does not: session parameters, token renewal and
 * expiry, statuses right after a submission, compile errors through the status, 429, and calls
 * that hang.
 */
class SnowflakeSessionsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private FakeSnowflakeServer fake;
    private WarehouseConnection connection;

    @BeforeEach
    void start() {
        fake = FakeSnowflakeServer.start();
        fake.addPasswordUser("alice", "alice-password-1");
        connection = new SnowflakeConnectionProvider().connect(settings(Map.of()));
    }

    @AfterEach
    void stop() {
        connection.close();
        fake.close();
    }

    @Test
    void everySessionKeepsDetachedQueriesAndRunsOneStatementPerQuery() {
        fake.when("SELECT params").returning(FakeResult.single(1));

        String id = connection.start(SnowflakeProviderIT.request("SELECT params"));

        Map<String, Object> parameters = fake.sessionParameters(fake.query(id).sessionId());
        assertEquals("FALSE", String.valueOf(parameters.get("ABORT_DETACHED_QUERY")));
        assertEquals("1", String.valueOf(parameters.get("MULTI_STATEMENT_COUNT")));
        assertEquals(SnowflakeSettings.ISO_TIMESTAMP_FORMAT, parameters.get("TIMESTAMP_TZ_OUTPUT_FORMAT"));
    }

    @Test
    void aStatementThatWouldChangeThePooledSessionIsRefusedBeforeReachingSnowflake() {
        int before = fake.queries().size();

        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> connection.start(SnowflakeProviderIT.request("ALTER SESSION SET TIMEZONE = 'UTC'")));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("ALTER SESSION"), e.getMessage());
        assertEquals(before, fake.queries().size(), "nothing was sent");
    }

    @Test
    void anExpiredSessionTokenIsRenewedWithoutANewLogin() {
        fake.when("SELECT renewed").runUntilReleased();
        String id = connection.start(SnowflakeProviderIT.request("SELECT renewed"));
        long logins = fake.loginCount();
        long renewals = fake.renewalCount();

        fake.expireSessionTokens();

        assertEquals(WarehouseState.RUNNING, connection.status(id).state());
        assertTrue(fake.renewalCount() > renewals, "the driver renewed the token (390112)");
        assertEquals(logins, fake.loginCount(), "no new login");
        fake.query(id).release();
        await().atMost(WAIT).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
    }

    @Test
    void anExpiredMasterTokenLeadsToOneNewLogin() {
        fake.when("SELECT relogin").runUntilReleased();
        String id = connection.start(SnowflakeProviderIT.request("SELECT relogin"));
        long logins = fake.loginCount();

        fake.expireMasterTokens();

        assertEquals(WarehouseState.RUNNING, connection.status(id).state());
        assertEquals(logins + 1, fake.loginCount(), "renewal refused (390114), so one login");
        fake.query(id).release();
    }

    @Test
    void aQueryNotYetVisibleRightAfterItsSubmitIsRunningForTheConnectionThatStartedIt() {
        fake.when("SELECT invisible").runFor(Duration.ofMillis(200)).invisibleForPolls(2).returning(FakeResult.single(4));

        String id = connection.start(SnowflakeProviderIT.request("SELECT invisible"));

        assertEquals(WarehouseState.RUNNING, connection.status(id).state(), "NO_DATA right after the submit");
        await().atMost(WAIT).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
        assertEquals(List.of(List.of(4L)), SnowflakeProviderIT.readAll(connection, id));
    }

    @Test
    void aSyntaxErrorReportedThroughTheStatusIsAFinalSqlError() {
        fake.when("SELEC late").compileErrorThroughStatus(1003,
                "SQL compilation error: syntax error line 1 at position 0 unexpected 'SELEC'.");

        String id = connection.start(SnowflakeProviderIT.request("SELEC late"));

        await().atMost(WAIT).until(() -> connection.status(id).state() == WarehouseState.FAILED);
        WarehouseStatus status = connection.status(id);
        assertEquals(ErrorType.SQL, status.error().type());
        assertEquals("001003", status.error().code());
        assertFalse(status.error().retryable());
    }

    @Test
    void aStatusTheDriverDoesNotKnowIsStillRunning() {
        fake.when("SELECT future").runUntilReleased();
        String id = connection.start(SnowflakeProviderIT.request("SELECT future"));
        FakeQuery query = fake.query(id);

        for (String status : List.of("QUEUED", "RESUMING_WAREHOUSE", "BLOCKED", "SOME_STATUS_OF_2030")) {
            query.forceState(status, 0, "");
            assertEquals(WarehouseState.RUNNING, connection.status(id).state(), status);
        }
        query.clearForcedState();
        query.release();
        await().atMost(WAIT).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
    }

    @Test
    void tooManyRequestsIsAbsorbedByTheDriver() {
        fake.when("SELECT throttled").returning(FakeResult.single(1));
        String id = connection.start(SnowflakeProviderIT.request("SELECT throttled"));
        fake.failNext(Endpoint.MONITORING, 1, Fault.HTTP_429);
        int before = fake.requestCount(Endpoint.MONITORING);

        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
        assertEquals(2, fake.requestCount(Endpoint.MONITORING) - before, "the 429, then the driver's retry");
    }

    private Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(fake.providerSettings("alice", "alice-password-1"));
        settings.putAll(extra);
        return settings;
    }
}
