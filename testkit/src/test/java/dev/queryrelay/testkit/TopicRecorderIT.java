package dev.queryrelay.testkit;

import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.embedded.TopicRecorder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

@EmbeddedKafka(topics = {"rec.one", "rec.two"}, partitions = 2)
class TopicRecorderIT {

    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void openProducer(EmbeddedKafkaBroker broker) {
        producer = broker.producer();
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @Test
    void recordsEveryTopicInPartitionOrder(EmbeddedKafkaBroker broker) throws Exception {
        try (TopicRecorder recorder = TopicRecorder.start(broker.bootstrapServers(), "rec.one", "rec.two")) {
            for (int i = 0; i < 10; i++) {
                send("rec.one", "k", "one-" + i);
                send("rec.two", "k" + (i % 2), "two-" + i);
            }

            List<ConsumerRecord<String, String>> all = recorder.await(r -> r.size() >= 20, Duration.ofSeconds(30));

            assertEquals(20, all.size());
            assertEquals(List.of("one-0", "one-1", "one-2", "one-3", "one-4", "one-5", "one-6", "one-7", "one-8",
                    "one-9"), values(recorder.records("rec.one")));
            assertEquals(10, recorder.records("rec.two").size());
            assertEquals(List.of("two-1", "two-3", "two-5", "two-7", "two-9"), values(recorder.records("rec.two")
                    .stream().filter(r -> r.key().equals("k1")).toList()));
        }
    }

    @Test
    void seesTopicsCreatedAfterItStartedWithoutDuplicates(EmbeddedKafkaBroker broker) throws Exception {
        try (TopicRecorder recorder = broker.record("rec.one", "rec.late")) {
            send("rec.one", "a", "before");
            recorder.awaitCount("rec.one", 1, Duration.ofSeconds(30));
            int seenBefore = recorder.records().size();

            broker.createTopics(3, "rec.late");
            for (int i = 0; i < 6; i++) {
                send("rec.late", "k" + i, "late-" + i);
            }

            assertEquals(6, recorder.awaitCount("rec.late", 6, Duration.ofSeconds(30)).size());
            assertEquals(seenBefore, recorder.records("rec.one").size(), "records re-read after a rebalance");
        }
    }

    @Test
    void awaitFailsWhenTheConditionNeverHolds(EmbeddedKafkaBroker broker) {
        try (TopicRecorder recorder = broker.record("rec.two")) {
            assertThrows(ConditionTimeoutException.class,
                    () -> recorder.await(r -> r.stream().anyMatch(x -> "never".equals(x.value())),
                            Duration.ofMillis(500)));
        }
    }

    private static void send(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
