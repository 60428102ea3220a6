package dev.queryrelay.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker with a data directory the test owns, restarted while clients stay open. */
class EmbeddedKafkaBrokerRestartIT {

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().logDir(dataDir).partitions(2).start();
    }

    @AfterAll
    static void closeBroker() {
        broker.close();
    }

    @Test
    void restartKeepsAddressTopicsRecordsAndCommittedOffsets() throws Exception {
        broker.createTopics(2, "restart.data");
        String address = broker.bootstrapServers();
        try (KafkaProducer<String, String> producer = broker.producer()) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("restart.data", "k", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<String, String> consumer = broker.consumer("restart-group")) {
            consumer.subscribe(List.of("restart.data"));
            assertEquals(10, pollUntil(consumer, 10).size());
            consumer.commitSync();
        }

        broker.restart();

        assertEquals(address, broker.bootstrapServers());
        try (Admin admin = broker.admin()) {
            TopicDescription topic = admin.describeTopics(List.of("restart.data")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("restart.data");
            assertEquals(2, topic.partitions().size());
        }
        try (TopicRecorder recorder = broker.record("restart.data")) {
            assertEquals(10, recorder.awaitCount("restart.data", 10, Duration.ofSeconds(30)).size());
        }
        try (KafkaProducer<String, String> producer = broker.producer();
             KafkaConsumer<String, String> consumer = broker.consumer("restart-group")) {
            producer.send(new ProducerRecord<>("restart.data", "k", "after")).get(30, TimeUnit.SECONDS);
            consumer.subscribe(List.of("restart.data"));
            List<ConsumerRecord<String, String>> rest = pollUntil(consumer, 1);
            assertEquals(List.of("after"), rest.stream().map(ConsumerRecord::value).toList());
        }
    }

    @Test
    void openClientsCarryOnAcrossARestart() throws Exception {
        broker.createTopics(1, "restart.live");
        try (KafkaProducer<String, String> producer = broker.producer();
             TopicRecorder recorder = broker.record("restart.live")) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("restart.live", "k", "before-" + i)).get(30, TimeUnit.SECONDS);
            }
            recorder.awaitCount("restart.live", 5, Duration.ofSeconds(30));

            broker.restart();

            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("restart.live", "k", "after-" + i)).get(30, TimeUnit.SECONDS);
            }
            List<String> values = recorder.awaitCount("restart.live", 10, Duration.ofSeconds(60)).stream()
                    .map(ConsumerRecord::value).toList();
            assertEquals(List.of("before-0", "before-1", "before-2", "before-3", "before-4",
                    "after-0", "after-1", "after-2", "after-3", "after-4"), values);
        }
    }

    @Test
    void aNewBrokerOnTheSamePortAndDirectoryHasTheData(@TempDir Path dir) throws Exception {
        int port;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().logDir(dir).start()) {
            port = first.port();
            first.createTopics(1, "second.data");
            try (KafkaProducer<String, String> producer = first.producer()) {
                producer.send(new ProducerRecord<>("second.data", "k", "kept")).get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(Files.exists(dir.resolve("meta.properties")), "a given log dir must survive close()");

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().port(port).logDir(dir).start();
             TopicRecorder recorder = second.record("second.data")) {
            assertEquals(port, second.port());
            assertEquals(List.of("kept"), recorder.awaitCount("second.data", 1, Duration.ofSeconds(30)).stream()
                    .map(ConsumerRecord::value).toList());
        }
    }

    @Test
    void stoppedBrokerRefusesTopicWorkUntilRestarted() {
        broker.stop();
        try {
            assertFalse(broker.isRunning());
            assertThrows(IllegalStateException.class, () -> broker.createTopics(1, "restart.refused"));
        } finally {
            broker.restart();
        }
        assertTrue(broker.isRunning());
        broker.createTopics(1, "restart.after-stop");
    }

    @Test
    void aFatalBrokerErrorFailsTheStartInsteadOfEndingTheJvm(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("not-a-topic-partition"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedKafkaBroker.builder().logDir(dir).start());

        assertTrue(e.getMessage().contains("fatal error"), e.getMessage());
    }

    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        Awaitility.await("" + count + " records").atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            return records.size() >= count;
        });
        return records;
    }
}
