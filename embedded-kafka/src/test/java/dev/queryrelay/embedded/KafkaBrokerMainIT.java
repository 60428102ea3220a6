package dev.queryrelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** KafkaBrokerMain as a separate JVM, the way scripts and multi-process tests run it. */
class KafkaBrokerMainIT {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerMainIT.class);

    @TempDir
    Path dir;

    @Test
    void printsItsAddressServesClientsAndStopsCleanlyOnSigterm() throws Exception {
        Path logDir = dir.resolve("kafka");
        Path stderr = dir.resolve("broker.err");
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), "--log-dir", logDir.toString(), "--partitions", "2")
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader stdout = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(90, TimeUnit.SECONDS);
            assertNotNull(line, () -> "no output; stderr: " + read(stderr));
            assertTrue(line.matches("bootstrap\\.servers=127\\.0\\.0\\.1:\\d+"), line);
            String bootstrap = line.substring("bootstrap.servers=".length());
            LOG.info("Broker process {} serves {}, RSS {}", process.pid(), bootstrap, rss(process.pid()));

            try (Admin admin = KafkaTestClients.admin(bootstrap);
                 KafkaProducer<String, String> producer = KafkaTestClients.producer(bootstrap);
                 TopicRecorder recorder = TopicRecorder.start(bootstrap, "main.topic")) {
                KafkaTestClients.createTopics(admin, 2, "main.topic");
                producer.send(new ProducerRecord<>("main.topic", "k", "hello")).get(30, TimeUnit.SECONDS);
                assertEquals(List.of("hello"), recorder.awaitCount("main.topic", 1, Duration.ofSeconds(30))
                        .stream().map(ConsumerRecord::value).toList());
            }
        } finally {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "broker process did not exit on SIGTERM");
        }
        assertEquals(143, process.exitValue(), () -> "stderr: " + read(stderr));
        assertTrue(Files.exists(logDir.resolve(".kafka_cleanshutdown")), () -> "no clean shutdown marker; stderr: "
                + read(stderr));
    }

    private static String readLine(BufferedReader reader) {
        try {
            return reader.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String rss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("unknown").replaceAll("\\s+", " ");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
