package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import net.snowflake.client.api.resultset.QueryStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class StatusMappingTest {

    @Test
    void runningLikeStatesAreRunning() {
        for (String name : new String[] {"RUNNING", "QUEUED", "RESUMING_WAREHOUSE", "QUEUED_REPARING_WAREHOUSE",
                "BLOCKED", "RESTARTED"}) {
            assertEquals(WarehouseState.RUNNING, map(name, 0, "").state(), name);
        }
    }

    @Test
    void successAndNoData() {
        assertEquals(WarehouseState.SUCCEEDED, map("SUCCESS", 0, "").state());
        assertEquals(WarehouseState.UNKNOWN, StatusMapping.map(QueryStatus.empty()).state());
    }

    @Test
    void aStatusTheDriverDoesNotKnowIsStillRunningAndLoggedOnce() {
        String name = "SOME_FUTURE_STATE_" + System.nanoTime();
        assertEquals(QueryStatus.Status.NO_DATA, statusOf(name, 0, "").getStatus(), "the driver reads it as NO_DATA");
        String logs;
        try (LogCapture capture = new LogCapture()) {
            assertEquals(WarehouseState.RUNNING, map(name, 0, "").state());
            assertEquals(WarehouseState.RUNNING, map(name, 0, "").state());
            logs = capture.text();
        }

        assertEquals(1, logs.split(name, -1).length - 1, "logged once: " + logs);
        assertEquals(WarehouseState.UNKNOWN, map("", 0, "").state(), "no query at all is still unknown");
    }

    @Test
    void errorStates() {
        assertFailed("ABORTED", 604, ErrorType.CANCELED);
        assertFailed("ABORTING", 0, ErrorType.CANCELED);
        assertFailed("FAILED_WITH_ERROR", 2003, ErrorType.SQL);
        assertFailed("FAILED_WITH_ERROR", 630, ErrorType.TIMEOUT);
        assertFailed("ABORTED", 630, ErrorType.TIMEOUT);
        assertFailed("FAILED_WITH_INCIDENT", 300005, ErrorType.INTERNAL);
        assertFailed("DISCONNECTED", 0, ErrorType.NETWORK);
    }

    @Test
    void failedStatusCarriesCodeAndMessage() {
        WarehouseStatus status = map("FAILED_WITH_ERROR", 100038, "Numeric value 'abc' is not recognized");

        assertEquals("100038", status.error().code());
        assertEquals("Numeric value 'abc' is not recognized", status.error().message());
        assertFalse(status.error().retryable());
        assertEquals("query ended with status DISCONNECTED", map("DISCONNECTED", 0, "No error reported").error().message());
    }

    @ParameterizedTest
    @EnumSource(QueryStatus.Status.class)
    void everyDriverStatusIsMapped(QueryStatus.Status driverStatus) {
        assertNotNull(map(driverStatus.getDescription(), 0, "").state());
    }

    private static void assertFailed(String name, int code, ErrorType type) {
        WarehouseStatus status = map(name, code, "message");
        assertEquals(WarehouseState.FAILED, status.state(), name);
        assertEquals(type, status.error().type(), name + " " + code);
    }

    private static WarehouseStatus map(String name, int code, String message) {
        return StatusMapping.map(statusOf(name, code, message));
    }

    private static QueryStatus statusOf(String name, int code, String message) {
        return new QueryStatus(0, code, message, "id", name, 0, "", 0, "", 0, "", 0, "", "");
    }
}
