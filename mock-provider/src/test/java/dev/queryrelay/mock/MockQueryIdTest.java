package dev.queryrelay.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.queryrelay.api.ErrorType;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MockQueryIdTest {

    private static final long START = 1_704_067_200_123L;

    static Stream<MockDirective> directives() {
        return Stream.of(
                MockDirective.DEFAULT,
                new MockDirective(2000, 5000, ErrorType.SQL, "002003", 2, 2),
                new MockDirective(0, 0, ErrorType.NOT_FOUND, null, 0, 3),
                new MockDirective(Long.MAX_VALUE, MockDirective.MAX_ROWS, ErrorType.AUTH, "A_b-9", 7, 0));
    }

    @ParameterizedTest
    @MethodSource("directives")
    void roundTripsStartTimeAndDirective(MockDirective directive) {
        String id = MockQueryId.create(START, directive);
        MockQueryId parsed = MockQueryId.parse(id);

        assertNotNull(parsed, id);
        assertEquals(id, parsed.value());
        assertEquals(START, parsed.startMillis());
        assertEquals(directive, parsed.directive());
        assertTrue(id.matches("mock-[0-9a-z]+-[0-9a-z]{8}(-[A-Za-z0-9_.-]+)?"), id);
    }

    @Test
    void isShortAndReadable() {
        String plain = MockQueryId.create(START, MockDirective.DEFAULT);
        String scripted = MockQueryId.create(START, new MockDirective(2000, 5000, ErrorType.SQL, "002003", 2, 2));

        assertEquals(22, plain.length(), plain);
        assertTrue(scripted.endsWith("-d2000.r5000.fSQL.c002003.n2"), scripted);
    }

    @Test
    void differsBetweenQueriesStartedAtTheSameTime() {
        assertNotEquals(MockQueryId.create(START, MockDirective.DEFAULT),
                MockQueryId.create(START, MockDirective.DEFAULT));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "mock", "mock-", "mock-lr3k2a8g", "mock-lr3k2a8g-", "mock-lr3k2a8g-abc",
        "mock-LR3K2A8G-4f9k2c1x", "mock--4f9k2c1x", "mock-lr3k2a8g-4f9k2c1x-", "mock-lr3k2a8g-4f9k2c1x-x5",
        "mock-lr3k2a8g-4f9k2c1x-d5.d6", "mock-lr3k2a8g-4f9k2c1x-d-5", "mock-lr3k2a8g-4f9k2c1x-fBOGUS",
        "mock-lr3k2a8g-4f9k2c1x-c002003", "mock-lr3k2a8g-4f9k2c1x-r5..n1", "mock-lr3k2a8g-4f9k2c1x-n9999999999",
        "mock-zzzzzzzzzzzzzz-4f9k2c1x", "01b2c3d4-0000-1111-0000-000000000001", "MOCK-lr3k2a8g-4f9k2c1x"
    })
    void rejectsWhatIsNotAMockId(String id) {
        assertNull(MockQueryId.parse(id));
    }

    @Test
    void rejectsNull() {
        assertNull(MockQueryId.parse(null));
    }
}
