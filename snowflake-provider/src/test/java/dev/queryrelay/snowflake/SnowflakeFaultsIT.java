package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import dev.queryrelay.snowflake.fake.Fault;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP faults between the driver and Snowflake. The driver retries 5xx and dropped connections
 * itself (its HTTP client retries a dropped GET three times at once, then the driver backs off
 * from about a second, up to {@code maxHttpRetries}=2 times here); what still
 * escapes must be a retryable NETWORK error, and 4xx must not be retryable. Few tests, as the
 * driver's backoff makes each take seconds.
 */
class SnowflakeFaultsIT {

    private static FakeSnowflakeServer fake;
    private static WarehouseConnection connection;

    @BeforeAll
    static void connect() {
        fake = FakeSnowflakeServer.start();
        fake.addPasswordUser("alice", "alice-password-1");
        fake.when("SELECT 1").returning(FakeResult.single(1));
        connection = new SnowflakeConnectionProvider().connect(fake.providerSettings("alice", "alice-password-1"));
    }

    @AfterAll
    static void close() {
        connection.close();
        fake.close();
    }

    @Test
    void aShort503BurstIsAbsorbedByTheDriver() {
        String id = connection.start(SnowflakeProviderIT.request("SELECT 1"));
        fake.failNext(Endpoint.MONITORING, 1, Fault.HTTP_503);
        int before = fake.requestCount(Endpoint.MONITORING);

        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
        assertEquals(2, fake.requestCount(Endpoint.MONITORING) - before, "the 503, then the driver's retry");
    }

    @Test
    void droppedConnectionsAreAbsorbedByTheDriver() {
        String id = connection.start(SnowflakeProviderIT.request("SELECT 1"));
        fake.failNext(Endpoint.MONITORING, 4, Fault.DROP_CONNECTION);
        int before = fake.requestCount(Endpoint.MONITORING);

        assertEquals(WarehouseState.SUCCEEDED, connection.status(id).state());
        assertEquals(5, fake.requestCount(Endpoint.MONITORING) - before, "four dropped, then an answer");
    }

    @Test
    void a503BurstBeyondTheDriverRetriesIsRetryableAndRetriedToSuccess() {
        String id = connection.start(SnowflakeProviderIT.request("SELECT 1"));
        fake.failNext(Endpoint.MONITORING, 4, Fault.HTTP_503);
        List<QueryRelayException> failures = new ArrayList<>();

        WarehouseStatus status = retryWhileRetryable(() -> connection.status(id), failures);

        assertEquals(WarehouseState.SUCCEEDED, status.state());
        assertFalse(failures.isEmpty(), "a failure escaped the driver's own retries");
        for (QueryRelayException failure : failures) {
            assertEquals(ErrorType.NETWORK, failure.type(), failure.getMessage());
            assertTrue(failure.retryable(), failure.getMessage());
            assertTrue(failure.getMessage().contains("503"), failure.getMessage());
        }
    }

    @Test
    void slowAnswersAreWaitedFor() {
        fake.when("SELECT slowly").returning(FakeResult.numbered(5_000));
        for (Endpoint endpoint : List.of(Endpoint.QUERY, Endpoint.MONITORING, Endpoint.CHUNK)) {
            fake.setLatency(endpoint, Duration.ofMillis(400));
        }
        try {
            String id = connection.start(SnowflakeProviderIT.request("SELECT slowly"));
            await().atMost(Duration.ofSeconds(20)).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);

            assertEquals(5_000, SnowflakeProviderIT.readAll(connection, id).size());
        } finally {
            for (Endpoint endpoint : Endpoint.values()) {
                fake.setLatency(endpoint, Duration.ZERO);
            }
        }
    }

    @Test
    void clientErrorsAreNotRetryable() {
        fake.failNext(Endpoint.QUERY, 1, Fault.HTTP_400);

        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> connection.start(SnowflakeProviderIT.request("SELECT 1")));

        assertFalse(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains("400"), e.getMessage());
        String id = connection.start(SnowflakeProviderIT.request("SELECT 1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
    }

    @Test
    void loginSurvivesA503() {
        fake.failNext(Endpoint.LOGIN, 1, Fault.HTTP_503);

        WarehouseConnection other = new SnowflakeConnectionProvider()
                .connect(fake.providerSettings("alice", "alice-password-1"));

        other.close();
    }

    /** What the registry does: repeat while the failure is retryable, a bounded number of times. */
    private static <T> T retryWhileRetryable(Supplier<T> call, List<QueryRelayException> failures) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (QueryRelayException e) {
                failures.add(e);
                if (!e.retryable() || attempt == 5) {
                    throw e;
                }
            }
        }
    }
}
