package dev.queryrelay.testkit;

import dev.queryrelay.embedded.TopicRecorder;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

@EmbeddedKafka(topics = {"ext.a", "ext.b"}, partitions = 3, brokerProperties = "message.max.bytes=2097152")
class EmbeddedKafkaExtensionIT {

    private static EmbeddedKafkaBroker fromBeforeAll;
    private final EmbeddedKafkaBroker fromConstructor;

    EmbeddedKafkaExtensionIT(EmbeddedKafkaBroker broker) {
        this.fromConstructor = broker;
    }

    @BeforeAll
    static void rememberBroker(EmbeddedKafkaBroker broker) {
        fromBeforeAll = broker;
    }

    @Test
    void injectsOneRunningBrokerEverywhere(EmbeddedKafkaBroker broker) {
        assertSame(fromBeforeAll, broker);
        assertSame(fromConstructor, broker);
        assertTrue(broker.isRunning());
        assertTrue(broker.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), broker.bootstrapServers());
    }

    @Test
    void createsTheAnnotationsTopicsWithItsPartitionCount(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of("ext.a", "ext.b")).allTopicNames().get(30, TimeUnit.SECONDS);

            assertEquals(3, topics.get("ext.a").partitions().size());
            assertEquals(3, topics.get("ext.b").partitions().size());
        }
    }

    @Test
    void appliesTheAnnotationsBrokerProperties(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(node)).all().get(30, TimeUnit.SECONDS).get(node);

            assertEquals("2097152", config.get("message.max.bytes").value());
            assertEquals("3", config.get("num.partitions").value());
        }
    }

    @Test
    void createTopicsAcceptsExistingTopicsAndKeepsThem(EmbeddedKafkaBroker broker) throws Exception {
        broker.createTopics(1, "ext.again");
        broker.createTopics(5, "ext.again", "ext.a");

        try (Admin admin = broker.admin()) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> topics =
                    admin.describeTopics(List.of("ext.again", "ext.a")).allTopicNames().get(30, TimeUnit.SECONDS);

            assertTrue(names.contains("ext.again"), names.toString());
            assertEquals(1, topics.get("ext.again").partitions().size());
            assertEquals(3, topics.get("ext.a").partitions().size());
        }
    }

    /**
     * KAFKA-14359: on a topic created moments earlier, an idempotent producer's first batch could
     * be refused (NOT_LEADER_OR_FOLLOWER) while a later one is written, and then be lost
     * (OUT_OF_ORDER_SEQUENCE_NUMBER). Tiny batches put several in flight per partition.
     * createTopics waits for the leaders, so every record of every round must arrive.
     */
    @Test
    void idempotentProducerLosesNothingRightAfterTopicCreation(EmbeddedKafkaBroker broker) throws Exception {
        int rounds = 20;
        int perRound = 60;
        Map<String, Object> config = broker.producerConfig();
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config);
             TopicRecorder recorder = broker.record(roundTopics(rounds).toArray(String[]::new))) {
            for (String topic : roundTopics(rounds)) {
                broker.createTopics(3, topic);
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    sends.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 6), Integer.toString(i))));
                }
                producer.flush();
                for (Future<RecordMetadata> send : sends) {
                    send.get(60, TimeUnit.SECONDS);
                }
            }

            for (String topic : roundTopics(rounds)) {
                var records = recorder.awaitCount(topic, perRound, Duration.ofSeconds(60));
                assertEquals(perRound, records.size(), topic);
                for (int key = 0; key < 6; key++) {
                    String k = "key-" + key;
                    List<Integer> values = records.stream()
                            .filter(r -> r.key().equals(k)).map(r -> Integer.parseInt(r.value())).toList();
                    assertEquals(values.stream().sorted().toList(), values, "order of " + k + " in " + topic);
                    assertEquals(perRound / 6, values.size());
                }
            }
        }
    }

    private static List<String> roundTopics(int rounds) {
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            topics.add("ext.round-" + i);
        }
        return topics;
    }

    @Nested
    class NestedTests {

        @Test
        void shareTheOuterClassesBroker(EmbeddedKafkaBroker broker) {
            assertSame(fromBeforeAll, broker);
        }
    }
}
