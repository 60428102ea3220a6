package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warehouse that stops answering does not hold a warehouse thread for long: the driver's socket
 * read timeout and retry caps end the call as a retryable failure. snowflake-jdbc builds its HTTP
 * client once per JVM with the socket timeout of the first session opened, so this class runs in
 * a JVM of its own (failsafe {@code reuseForks=false}) and every session here sets the short one.
 */
class SnowflakeTimeoutsIT {

    private FakeSnowflakeServer fake;
    private WarehouseConnection connection;

    @BeforeEach
    void start() {
        fake = FakeSnowflakeServer.start();
        fake.addPasswordUser("alice", "alice-password-1");
        Map<String, String> settings = new HashMap<>(fake.providerSettings("alice", "alice-password-1"));
        settings.putAll(Map.of("HTTP_CLIENT_SOCKET_TIMEOUT", "300", "loginTimeout", "1", "maxHttpRetries", "1"));
        connection = new SnowflakeConnectionProvider().connect(settings);
    }

    @AfterEach
    void stop() {
        fake.setLatency(Endpoint.MONITORING, Duration.ZERO);
        connection.close();
        fake.close();
    }

    @Test
    void aCallThatGetsNoAnswerEndsAsARetryableNetworkFailure() {
        fake.when("SELECT hangs").runUntilReleased();
        String id = connection.start(SnowflakeProviderIT.request("SELECT hangs"));
        fake.setLatency(Endpoint.MONITORING, Duration.ofMinutes(10));

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> connection.status(id));

        assertEquals(ErrorType.NETWORK, e.type(), e.getMessage());
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }
}
