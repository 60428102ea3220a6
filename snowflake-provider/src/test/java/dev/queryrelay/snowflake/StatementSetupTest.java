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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatementSetupTest {

    @Test
    void queryTagIsTheTagsAsJsonWithSortedKeys() {
        assertEquals("{\"a\":\"1\",\"b\":\"x \\\"y\\\" \\\\ \\n\"}",
                StatementSetup.queryTag(Map.of("b", "x \"y\" \\ \n", "a", "1")));
        assertEquals("{\"c\":\"\\u0001\"}", StatementSetup.queryTag(Map.of("c", "\u0001")));
        assertNull(StatementSetup.queryTag(Map.of()));
    }

    @Test
    void tooLongTagsAreAValidationError() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> StatementSetup.queryTag(Map.of("k", "v".repeat(StatementSetup.MAX_QUERY_TAG))));

        assertEquals(ErrorType.VALIDATION, e.type());
    }

    @Test
    void timeoutRoundsUpToWholeSecondsWithinSnowflakesLimit() {
        assertEquals(0, StatementSetup.timeoutSeconds(null));
        assertEquals(1, StatementSetup.timeoutSeconds(Duration.ofMillis(1)));
        assertEquals(1, StatementSetup.timeoutSeconds(Duration.ofSeconds(1)));
        assertEquals(2, StatementSetup.timeoutSeconds(Duration.ofMillis(1_001)));
        assertEquals(StatementSetup.MAX_TIMEOUT_SECONDS, StatementSetup.timeoutSeconds(Duration.ofDays(30)));
    }

    @Test
    void unsupportedBindingTypesAreRefusedBeforeAnyCall() {
        StartRequest request = new StartRequest("q1", "SELECT ?", List.of(new Object()), QueryOptions.DEFAULTS, Map.of());

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> StatementSetup.of(request));

        assertEquals(ErrorType.VALIDATION, e.type());
    }
}
