package dev.queryrelay.worker;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupSessionTest {

    private static final Supplier<Admin> NO_BROKER = () -> {
        throw new AssertionError("a classic-protocol consumer's session timeout is its own setting, not the broker's");
    };

    @Test
    void withTheClassicProtocolTheLeaseIsAtMostHalfTheConsumersSessionTimeout() {
        Map<String, Object> shortSession = Map.of("group.protocol", "classic", "session.timeout.ms", "10000");
        assertEquals(Duration.ofSeconds(5), GroupSession.lease(shortSession, NO_BROKER, Duration.ofSeconds(15)));
        assertEquals(Duration.ofSeconds(2), GroupSession.lease(shortSession, NO_BROKER, Duration.ofSeconds(2)));
        Map<String, Object> asInteger = Map.of("group.protocol", "classic", "session.timeout.ms", 10_000);
        assertEquals(Duration.ofSeconds(5), GroupSession.lease(asInteger, NO_BROKER, Duration.ofSeconds(15)));
    }

    @Test
    void aSessionTimeoutThatIsNoNumberIsABadSettingNamedAsSuch() {
        Map<String, Object> bad = Map.of("group.protocol", "classic", "session.timeout.ms", "45s");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupSession.lease(bad, NO_BROKER, Duration.ofSeconds(15)));
        assertEquals("setting kafka.session.timeout.ms must be a whole number of milliseconds, got '45s'", e.getMessage());
    }

    @Test
    void withTheClassicProtocolAndNoSessionTimeoutSetKafkasDefaultCounts() {
        Map<String, Object> classic = Map.of("group.protocol", "CLASSIC");
        assertEquals(Duration.ofSeconds(15), GroupSession.lease(classic, NO_BROKER, Duration.ofSeconds(15)));
        assertEquals(Duration.ofMillis(22_500), GroupSession.lease(classic, NO_BROKER, Duration.ofSeconds(60)));
    }
}
