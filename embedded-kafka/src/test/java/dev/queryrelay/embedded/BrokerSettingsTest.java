package dev.queryrelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    private static final Path DIR = Path.of("/tmp/kafka-data");

    @Test
    void singleNodeDefaults() {
        Properties props = new BrokerSettings(0, null, 3, Map.of(), true).serverProperties(9092, 9093, DIR);

        assertEquals("broker,controller", props.getProperty("process.roles"));
        assertEquals("1@127.0.0.1:9093", props.getProperty("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", props.getProperty("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:9092", props.getProperty("advertised.listeners"));
        assertEquals(DIR.toString(), props.getProperty("log.dirs"));
        assertEquals(DIR.toString(), props.getProperty("metadata.log.dir"));
        assertEquals("3", props.getProperty("num.partitions"));
        assertEquals("1", props.getProperty("offsets.topic.replication.factor"));
        assertEquals("1", props.getProperty("transaction.state.log.replication.factor"));
        assertEquals("1", props.getProperty("transaction.state.log.min.isr"));
        assertEquals("0", props.getProperty("group.initial.rebalance.delay.ms"));
        assertEquals("false", props.getProperty("auto.create.topics.enable"));
    }

    @Test
    void overridesReplaceDefaults() {
        Map<String, String> overrides = Map.of("message.max.bytes", "2097152", "auto.create.topics.enable", "true");
        Properties props = new BrokerSettings(0, null, 1, overrides, true).serverProperties(1, 2, DIR);

        assertEquals("2097152", props.getProperty("message.max.bytes"));
        assertEquals("true", props.getProperty("auto.create.topics.enable"));
    }

    @Test
    void rejectsSettingsTheTestkitOwns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BrokerSettings(0, null, 1, Map.of("listeners", "PLAINTEXT://:9092"), true));
        assertTrue(e.getMessage().contains("'listeners'"), e.getMessage());
    }

    @Test
    void rejectsBadPortAndPartitions() {
        assertThrows(IllegalArgumentException.class, () -> new BrokerSettings(-1, null, 1, Map.of(), true));
        assertThrows(IllegalArgumentException.class, () -> new BrokerSettings(65_536, null, 1, Map.of(), true));
        assertThrows(IllegalArgumentException.class, () -> new BrokerSettings(0, null, 0, Map.of(), true));
    }

    @Test
    void parsesKeyValueProperties() {
        assertEquals(Map.entry("message.max.bytes", "100"), BrokerSettings.parseProperty("message.max.bytes=100"));
        assertEquals(Map.entry("a", "b=c"), BrokerSettings.parseProperty(" a = b=c"));
        assertEquals(Map.entry("empty", ""), BrokerSettings.parseProperty("empty="));
    }

    @Test
    void rejectsMalformedProperties() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrokerSettings.parseProperty("no-equals-sign"));
        assertTrue(e.getMessage().contains("'no-equals-sign'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrokerSettings.parseProperty("=value"));
    }
}
