package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.StartRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatementSetupTest {

    @Test
    void queryTagIsTheTagsAndTheQueryIdAsJsonWithSortedKeys() {
        assertEquals("{\"a\":\"1\",\"b\":\"x \\\"y\\\" \\\\ \\n\",\"queryrelay.query_id\":\"q1\"}",
                StatementSetup.queryTag("q1", Map.of("b", "x \"y\" \\ \n", "a", "1")));
        assertEquals("{\"c\":\"\\u0001\",\"queryrelay.query_id\":\"q\\\"2\"}",
                StatementSetup.queryTag("q\"2", Map.of("c", "\u0001")));
        assertEquals("{\"queryrelay.query_id\":\"q3\"}", StatementSetup.queryTag("q3", Map.of()));
    }

    @Test
    void theQueryIdMemberMatchesOnlyItsOwnQuerysTag() {
        String member = StatementSetup.queryIdMember("q1");

        assertEquals("\"queryrelay.query_id\":\"q1\"", member);
        assertTrue(StatementSetup.queryTag("q1", Map.of("z", "zz")).contains(member));
        assertFalse(StatementSetup.queryTag("q10", Map.of()).contains(member), "a longer id");
        assertFalse(StatementSetup.queryTag("q2", Map.of("note", "{" + member + "}")).contains(member),
                "a tag value that mentions it has its quotes escaped");
    }

    @Test
    void theReservedTagKeyIsRefused() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> StatementSetup.queryTag("q1", Map.of(StatementSetup.QUERY_ID_TAG, "other")));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    void tooLongTagsAreAValidationError() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> StatementSetup.queryTag("q1", Map.of("k", "v".repeat(StatementSetup.MAX_QUERY_TAG - 20))));

        assertEquals(ErrorType.VALIDATION, e.type());
    }

    @Test
    void sessionChangingStatementsAreRefusedBeforeAnyCall() {
        StartRequest request = new StartRequest("q1", "/* x */ USE ROLE ACCOUNTADMIN", List.of(),
                QueryOptions.DEFAULTS, Map.of());

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> StatementSetup.of(request));

        assertEquals(ErrorType.VALIDATION, e.type());
    }

    @Test
    void timeoutRoundsUpToWholeSecondsWithinSnowflakesLimit() {
        assertEquals(0, StatementSetup.timeoutSeconds(null));
        assertEquals(1, StatementSetup.timeoutSeconds(Duration.ofMillis(1)));
        assertEquals(1, StatementSetup.timeoutSeconds(Duration.ofSeconds(1)));
        assertEquals(2, StatementSetup.timeoutSeconds(Duration.ofMillis(1_001)));
        assertEquals(StatementSetup.MAX_TIMEOUT_SECONDS, StatementSetup.timeoutSeconds(Duration.ofDays(30)));
        assertEquals(StatementSetup.MAX_TIMEOUT_SECONDS, StatementSetup.timeoutSeconds(Duration.ofMillis(Long.MAX_VALUE)),
                "the largest timeout_ms the protocol allows is the longest timeout, not an overflow to 1 s");
    }

    @Test
    void unsupportedBindingTypesAreRefusedBeforeAnyCall() {
        StartRequest request = new StartRequest("q1", "SELECT ?", List.of(new Object()), QueryOptions.DEFAULTS, Map.of());

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> StatementSetup.of(request));

        assertEquals(ErrorType.VALIDATION, e.type());
    }
}
