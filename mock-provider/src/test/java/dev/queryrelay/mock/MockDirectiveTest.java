package dev.queryrelay.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MockDirectiveTest {

    @Test
    void readsEveryKey() {
        MockDirective d = MockDirective.parse(
                "/* mock: duration_ms=2000 rows=5000 fail=SQL:002003 network_faults=2 start_faults=3 */ SELECT 1");

        assertEquals(new MockDirective(2000, 5000, ErrorType.SQL, "002003", 2, 3), d);
    }

    @Test
    void appliesDefaultsToMissingKeys() {
        MockDirective d = MockDirective.parse("/* mock: rows=0 */ SELECT 1");

        assertEquals(new MockDirective(0, 0, null, null, 0, 0), d);
    }

    @Test
    void startFaultsDefaultToNetworkFaults() {
        assertEquals(2, MockDirective.parse("/* mock: network_faults=2 */").startFaults());
        assertEquals(0, MockDirective.parse("/* mock: network_faults=2 start_faults=0 */").startFaults());
        assertEquals(0, MockDirective.parse("/* mock: start_faults=4 */").networkFaults());
    }

    @Test
    void readsFailTypeCaseInsensitivelyWithOrWithoutCode() {
        MockDirective withoutCode = MockDirective.parse("/* mock: fail=auth */");
        MockDirective notFound = MockDirective.parse("/* mock: fail=Not_Found:X-1 */");

        assertEquals(ErrorType.AUTH, withoutCode.failType());
        assertNull(withoutCode.failCode());
        assertEquals(ErrorType.NOT_FOUND, notFound.failType());
        assertEquals("X-1", notFound.failCode());
    }

    @Test
    void acceptsLeadingWhitespaceNewlinesAndUpperCase() {
        MockDirective d = MockDirective.parse("\n\t  /*MOCK :\n DURATION_MS=5\trows=7*/SELECT 1");

        assertEquals(5, d.durationMs());
        assertEquals(7, d.rows());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1",
        "",
        "SELECT /* mock: rows=5 */ 1",
        "/* a plain comment */ /* mock: rows=5 */ SELECT 1",
        "/* mockery */ SELECT 1",
        "-- mock: rows=5\nSELECT 1",
        "/* mock: */ SELECT 1",
    })
    void withoutDirectiveTheQuerySucceedsAtOnceWithOneRow(String sql) {
        assertSame(MockDirective.DEFAULT, MockDirective.parse(sql));
        assertEquals(new MockDirective(0, 1, null, null, 0, 0), MockDirective.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/* mock: color=red */",
        "/* mock: rows=5 Rows=6 */",
        "/* mock: rows=abc */",
        "/* mock: rows=-1 */",
        "/* mock: rows=+1 */",
        "/* mock: rows=1.5 */",
        "/* mock: rows=1000000000001 */",
        "/* mock: duration_ms=-5 */",
        "/* mock: duration_ms=99999999999999999999 */",
        "/* mock: network_faults=x */",
        "/* mock: network_faults=2147483648 */",
        "/* mock: start_faults=-1 */",
        "/* mock: fail=BOGUS */",
        "/* mock: fail=:002003 */",
        "/* mock: fail=SQL: */",
        "/* mock: fail=SQL:00.2 */",
        "/* mock: rows= */",
        "/* mock: =5 */",
        "/* mock: rows */",
        "/* mock: rows = 5 */",
        "/* mock rows=5 */",
        "/* mock */",
        "/* mock: rows=5 SELECT 1",
        "  /* mock: rows=5",
    })
    void rejectsMalformedDirectivesAsValidation(String sql) {
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> MockDirective.parse(sql));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertFalse(e.retryable());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void namesTheUnknownKey() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> MockDirective.parse("/* mock: rowz=5 */"));

        assertTrue(e.getMessage().contains("rowz"), e.getMessage());
    }

    @Test
    void validatesInTheConstructor() {
        assertThrows(QueryRelayException.class, () -> new MockDirective(-1, 1, null, null, 0, 0));
        assertThrows(QueryRelayException.class, () -> new MockDirective(0, -1, null, null, 0, 0));
        assertThrows(QueryRelayException.class, () -> new MockDirective(0, 1, null, "002003", 0, 0));
        assertThrows(QueryRelayException.class, () -> new MockDirective(0, 1, null, null, -1, 0));
    }
}
