package dev.queryrelay.worker;

import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.registry.Providers;
import dev.queryrelay.registry.QueryRegistry;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The poll loop's handling of records, driven directly (the broker tests are WorkerIT and FailoverIT). */
class PollLoopTest {

    private static final WorkerTopics TOPICS = new WorkerTopics("t.submit", "t.cancel", "t.status", "t.results", "t.dlq",
            "t.state");
    private static final TopicPartition SUBMIT_0 = new TopicPartition(TOPICS.submit(), 0);

    private final TestOutbox test = new TestOutbox();
    private final Ownership ownership = new Ownership();
    private final StateStore state = new StateStore(test.outbox, TOPICS.state(), "w1", ownership);
    private final EventCodec codec = new EventCodec("w1", "mock");
    private final EventPublisher publisher = new EventPublisher(test.outbox, codec, TOPICS.status(), TOPICS.results(),
            state, ownership, Duration.ofSeconds(1));
    private final QueryRegistry registry = QueryRegistry.builder(Providers.load("mock").connect(Map.of()))
            .listener(publisher).maxFinished(1).inlineRowLimit(0).build();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final OffsetTracker offsets = new OffsetTracker();
    private final CommandHandler handler = new CommandHandler(registry, new CommandParser(100_000), codec, publisher,
            new DeadLetters(TOPICS.dlq(), "g"), state, ownership, TOPICS.status(), Clock.systemUTC(), 1_048_588);
    private final BackPressure gate = new BackPressure(TOPICS.submit(), registry::inFlight, 1_000);
    private final PollLoop loop = new PollLoop(consumer, TOPICS, handler, gate, offsets,
            test.outbox, new NoOpListener(), () -> { });

    @AfterEach
    void close() {
        registry.close();
        test.close();
    }

    private static ConsumerRecords<byte[], byte[]> submits(String... ids) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            byte[] value = ("{\"sql\":\"SELECT 1\"}").getBytes(StandardCharsets.UTF_8);
            records.add(new ConsumerRecord<>(SUBMIT_0.topic(), 0, i, ids[i].getBytes(StandardCharsets.UTF_8), value));
        }
        return new ConsumerRecords<>(Map.of(SUBMIT_0, records));
    }

    private long succeededEvents() {
        return test.commit().stream().filter(r -> r.topic().equals(TOPICS.status()))
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"SUCCEEDED\"")).count();
    }

    @Test
    void submitsReadAgainAfterARewindRunNothingEvenWhenTheirQueriesWereForgotten() {
        loop.handle(submits("q1", "q2", "q3"));
        await().atMost(Duration.ofSeconds(30)).until(() -> succeededEvents() == 3);
        List<String> remembered = registry.list(Set.of()).stream().map(QuerySnapshot::queryId).toList();
        assertEquals(1, remembered.size(), "max-finished 1 keeps only the last to finish: " + remembered);

        loop.handle(submits("q1", "q2", "q3"));

        assertEquals(3, registry.metrics().submitted(), "nothing started again");
        assertEquals(1, registry.metrics().duplicates(), "the remembered one is a duplicate, the others are skipped");
        assertEquals(QueryStatus.SUCCEEDED, registry.snapshot(remembered.get(0)).orElseThrow().status());
        assertEquals(3, succeededEvents());
    }

    private static final class NoOpListener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }
}
