package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transactional outbox on Kafka's MockProducer: what becomes visible when, and how failures are survived. */
class OutboxTest {

    private static final TopicPartition SUBMIT_0 = new TopicPartition("submit", 0);
    private static final TopicPartition SUBMIT_1 = new TopicPartition("submit", 1);
    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("workers");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final OwnershipLease lease = new OwnershipLease(Duration.ofSeconds(10), nanos::get);
    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
    private final Outbox outbox = new Outbox(() -> {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producers.add(producer);
        return producer;
    }, lease, Duration.ofHours(1), "test-outbox", Map.of());

    OutboxTest() {
        outbox.start();
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    private MockProducer<byte[], byte[]> producer() {
        return producers.get(producers.size() - 1);
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>("status", "q".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> committedValues() {
        return producers.stream().flatMap(p -> p.history().stream())
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private boolean commit() throws Exception {
        return outbox.commitNow().get(10, TimeUnit.SECONDS);
    }

    @Test
    void recordsBecomeVisibleOnlyWithTheOffsetsInOneTransaction() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(5)), GROUP);
        outbox.send(record("a"), 0, null);
        outbox.send(record("b"), 0, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer().uncommittedRecords().size() == 2);
        assertEquals(List.of(), committedValues(), "nothing visible before the commit (due after an hour)");
        assertFalse(lease.isValid(), "no commit yet, no lease");

        assertTrue(commit());

        assertEquals(List.of("a", "b"), committedValues());
        assertEquals(List.of(Map.of("workers", Map.of(SUBMIT_0, new OffsetAndMetadata(5)))),
                producer().consumerGroupOffsetsHistory());
        assertTrue(lease.isValid(), "a commit renews the lease");
    }

    @Test
    void aRecordSomeoneWaitsForIsCommittedAtOnceAndItsCallbackRuns() {
        AtomicInteger committed = new AtomicInteger();
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(5)), GROUP);
        outbox.send(record("plain"), 0, null);
        outbox.send(record("awaited"), 0, committed::incrementAndGet);
        await("committed without waiting for the interval").atMost(Duration.ofSeconds(10))
                .until(() -> committed.get() == 1);
        assertEquals(List.of("plain", "awaited"), committedValues());
    }

    @Test
    void closingCommitsWhatIsQueuedWithoutWaitingOutTheInterval() {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(5)), GROUP);
        outbox.send(record("last"), 0, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer().uncommittedRecords().size() == 1);

        outbox.close();

        assertEquals(List.of("last"), committedValues(), "committed by close, not an hour later");
    }

    private static ProducerRecord<byte[], byte[]> state(String queryId, String value) {
        return new ProducerRecord<>("state", 0, queryId.getBytes(StandardCharsets.UTF_8),
                (queryId + " " + value).getBytes(StandardCharsets.UTF_8), null);
    }

    private static LatestRecord held(String queryId, String value, int partition) {
        return new LatestRecord("state", 0, queryId, partition, () -> (queryId + " " + value).getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void onlyTheLastHeldRecordOfAKeyIsWrittenPerTransactionAndARecordSentWithThatKeyKeepsItsPlace() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(1)), GROUP);
        outbox.sendLatest(held("q1", "PENDING", 0));
        outbox.sendLatest(held("q1", "RUNNING", 0));
        outbox.sendLatest(held("q2", "PENDING", 0));
        outbox.send(state("q2", "cancel asked"), 0, null);
        outbox.sendLatest(held("q1", "SUCCEEDED", 0));
        assertTrue(commit());
        assertEquals(List.of("q2 PENDING", "q2 cancel asked", "q1 SUCCEEDED"), committedValues());

        outbox.sendLatest(held("q3", "RUNNING", 0));
        assertTrue(commit());
        assertEquals(List.of("q2 PENDING", "q2 cancel asked", "q1 SUCCEEDED", "q3 RUNNING"), committedValues(),
                "a held record is written by the commit of its transaction");
    }

    @Test
    void heldRecordsOfAPurgedPartitionAreDropped() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(1), SUBMIT_1, new OffsetAndMetadata(1)), GROUP);
        outbox.sendLatest(held("q0", "RUNNING", 0));
        outbox.sendLatest(held("q1", "RUNNING", 1));
        outbox.purge(Set.of(1), Set.of(SUBMIT_1)).get(10, TimeUnit.SECONDS);
        assertTrue(commit());
        assertEquals(List.of("q0 RUNNING"), committedValues());
    }

    @Test
    void aRefusedCommitIsAbortedAndItsRecordsAreSentAgainInTheNextTransaction() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(1)), GROUP);
        assertTrue(commit());
        assertTrue(lease.isValid());
        outbox.send(record("a"), 0, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer().uncommittedRecords().size() == 1);
        producer().commitTransactionException = new CommitFailedException("the group has moved on");

        assertFalse(commit());
        assertFalse(lease.isValid(), "a refused commit ends the lease");
        assertTrue(outbox.aborts.get() > 0, "the abort is counted");
        assertEquals(List.of(), committedValues());

        producer().commitTransactionException = null;
        await("sent again in a new transaction").atMost(Duration.ofSeconds(30))
                .until(() -> committedValues().equals(List.of("a")));
        assertTrue(lease.isValid());
    }

    @Test
    void aFencedProducerIsReplacedAndTheTransactionRedone() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(1)), GROUP);
        outbox.send(record("a"), 0, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer().uncommittedRecords().size() == 1);
        producers.get(0).fenceProducer();

        assertFalse(commit());
        assertTrue(commit());

        assertEquals(2, producers.size(), "a new producer");
        assertEquals(List.of("a"), committedValues());
    }

    @Test
    void purgedPartitionsLoseWhatWasNotCommittedAndTheirOffsets() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(3), SUBMIT_1, new OffsetAndMetadata(7)), GROUP);
        outbox.send(record("p0"), 0, null);
        outbox.send(record("p1"), 1, null);
        outbox.purge(Set.of(1), Set.of(SUBMIT_1)).get(10, TimeUnit.SECONDS);

        assertTrue(commit());

        assertEquals(List.of("p0"), committedValues());
        Map<TopicPartition, OffsetAndMetadata> offsets = producer().consumerGroupOffsetsHistory()
                .get(producer().consumerGroupOffsetsHistory().size() - 1).get("workers");
        assertEquals(Map.of(SUBMIT_0, new OffsetAndMetadata(3)), offsets);
    }

    @Test
    void recordsWaitForTheOffsetsOfAnOwnedPartition() throws Exception {
        outbox.send(record("early"), 0, null);
        assertFalse(commit(), "nothing to fence a commit with");
        assertEquals(List.of(), committedValues());
        assertFalse(lease.isValid());

        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(1)), GROUP);
        assertTrue(commit());
        assertEquals(List.of("early"), committedValues());
    }

    @Test
    void anIdleWorkerRenewsItsLeaseWithAnEmptyTransaction() throws Exception {
        outbox.offsets(Map.of(SUBMIT_0, new OffsetAndMetadata(1)), GROUP);
        assertTrue(commit());
        long commits = producer().commitCount();

        nanos.addAndGet(Duration.ofSeconds(8).toNanos());
        assertTrue(lease.isValid(), "still valid, but due for renewal");

        await("an empty transaction renews the lease").atMost(Duration.ofSeconds(30))
                .until(() -> producer().commitCount() > commits);
        assertEquals(List.of(), committedValues());
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        assertTrue(lease.isValid(), "renewed from the renewal's start");
    }
}
