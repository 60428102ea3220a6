package dev.queryrelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaBrokerMainTest {

    @Test
    void parsesSpaceAndEqualsForms() {
        BrokerSettings settings = KafkaBrokerMain.parse(new String[] {
            "--port", "19092", "--log-dir=/tmp/k", "--partitions", "4",
            "--property", "message.max.bytes=100", "--property=log.retention.ms=1000"}).settings();

        assertEquals(19092, settings.port());
        assertEquals(Path.of("/tmp/k"), settings.logDir());
        assertEquals(4, settings.partitions());
        assertEquals(Map.of("message.max.bytes", "100", "log.retention.ms", "1000"), settings.overrides());
        assertFalse(settings.guardJvm(), "a broker-only process should halt on a fatal error as Kafka does");
    }

    @Test
    void defaultsToFreePortAndTemporaryDirectory() {
        BrokerSettings settings = KafkaBrokerMain.parse(new String[0]).settings();

        assertEquals(0, settings.port());
        assertNull(settings.logDir());
        assertEquals(1, settings.partitions());
    }

    @Test
    void rejectsBadArguments() {
        assertMessage("unknown argument --verbose", "--verbose");
        assertMessage("missing value after --port", "--port");
        assertMessage("--port must be a number, got 'abc'", "--port", "abc");
        assertMessage("port must be between 0 and 65535, got 70000", "--port=70000");
        assertMessage("broker property must look like key=value, got 'x'", "--property", "x");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaBrokerMain.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
