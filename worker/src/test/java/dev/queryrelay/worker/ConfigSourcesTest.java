package dev.queryrelay.worker;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSourcesTest {

    @Test
    void argumentsOverrideEnvironmentOverrideFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, "kafka.bootstrap.servers=file:9092\nworker.max-in-flight=10\ntopics.submit=from-file\n");
        ConfigSources.Loaded loaded = ConfigSources.load(
                new String[]{"--config", file.toString(), "--worker.max-in-flight=30"},
                Map.of("QUERYRELAY_WORKER_MAX_IN_FLIGHT", "20", "QUERYRELAY_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                        "QUERYRELAY_PROVIDER_PRIVATE_KEY_FILE", "/keys/k.p8", "QUERYRELAY_PROVIDER_PASSWORD__FILE", "/run/pw",
                        "QUERYRELAY_KAFKA_SASL_JAAS_CONFIG", "jaas", "QUERYRELAY_PROVIDER_QUERYRELAY_POOL__SIZE", "3", "OTHER", "x"));
        WorkerConfig config = new WorkerConfig(loaded.settings());
        assertEquals(30, config.getInt(WorkerConfig.MAX_IN_FLIGHT));
        assertEquals("env:9092", config.getString(WorkerConfig.BOOTSTRAP_SERVERS));
        assertEquals("from-file", config.getString(WorkerConfig.TOPICS_SUBMIT));
        assertEquals("/keys/k.p8", config.providerSettings().get("private_key_file"));
        assertEquals("/run/pw", config.providerSettings().get("password-file"));
        assertEquals("jaas", config.kafkaClientSettings().get("sasl.jaas.config"));
        assertEquals("3", config.providerSettings().get("queryrelay.pool-size"));
        assertFalse(loaded.embeddedKafka());
    }

    @Test
    void embeddedKafkaFlag() {
        assertTrue(ConfigSources.load(new String[]{"--embedded-kafka"}, Map.of()).embeddedKafka());
    }

    @Test
    void badInputNamesTheCulprit() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ConfigSources.load(new String[]{"--worker.max-inflight=3"}, Map.of())).getMessage()
                .contains("worker.max-inflight"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ConfigSources.load(new String[]{"oops"}, Map.of())).getMessage().contains("oops"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ConfigSources.load(new String[]{"--config", "/nonexistent/file"}, Map.of())).getMessage()
                .contains("/nonexistent/file"));
        ConfigException missing = assertThrows(ConfigException.class, () -> new WorkerConfig(Map.of()));
        assertTrue(missing.getMessage().contains("kafka.bootstrap.servers"), missing.getMessage());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> new WorkerConfig(Map.of("kafka.bootstrap.servers", "x:1", "worker.max-in-flight", "0")));
        assertTrue(bad.getMessage().contains("worker.max-in-flight"), bad.getMessage());
    }
}
