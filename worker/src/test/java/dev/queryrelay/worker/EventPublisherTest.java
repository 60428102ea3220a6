package dev.queryrelay.worker;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.protocol.EventCodec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventPublisherTest {

    private static final List<ColumnMeta> COLUMNS = List.of(ColumnMeta.of("ID", "NUMBER"));

    private final TestOutbox test = new TestOutbox();
    private final Ownership ownership = new Ownership();
    private final StateStore state = new StateStore(test.outbox, "state", "w1", ownership);
    private final EventPublisher publisher = new EventPublisher(test.outbox, new EventCodec("w1", "mock"), "status",
            "results", state, ownership, Duration.ofSeconds(60));

    @AfterEach
    void close() {
        test.close();
    }

    private static QueryPage page(int number, boolean last) {
        return new QueryPage("q1", number, number, COLUMNS, List.of(List.of((Object) (long) number)), last);
    }

    private static QuerySnapshot snapshot(QueryStatus status, long seq, int pages) {
        Instant now = Instant.now();
        return new QuerySnapshot("q1", "SELECT 1", status, now, now, now, status.isTerminal() ? now : null, 1L,
                pages, pages, false, COLUMNS, null, "p-1", QueryOptions.DEFAULTS, Map.of(), seq);
    }

    /** A page of about 1 MiB: one row of one text cell. */
    private static QueryPage bigPage(int number, boolean last) {
        return new QueryPage("q1", number, number, List.of(ColumnMeta.of("TEXT", "TEXT")),
                List.of(List.of((Object) "x".repeat(1024 * 1024 - 200))), last);
    }

    @Test
    void aQueryHasAtMostItsWindowOfPageBytesUncommittedAndSucceededFollowsItsPages() {
        ownership.assign("q1", 2, null);
        test.holdCommits();
        int fit = EventPublisher.MAX_UNCOMMITTED_PAGE_BYTES / (1024 * 1024);
        int pages = fit + 2;
        Thread streamer = new Thread(() -> {
            for (int i = 0; i < pages; i++) {
                publisher.onPage(bigPage(i, i == pages - 1));
            }
            publisher.onTransition(snapshot(QueryStatus.SUCCEEDED, 3, pages));
        });
        streamer.start();
        await("the page past the window waits for a commit").atMost(Duration.ofSeconds(10))
                .until(() -> streamer.getState() == Thread.State.TIMED_WAITING);
        int left = ownership.get("q1").pageWindow().availablePermits();
        assertTrue(left >= 0 && left < 1024 * 1024 - 200, "the window's bytes are taken: " + left + " left");
        assertEquals(List.of(), test.producer.history(), "nothing committed while commits are held");

        test.releaseCommits();
        await().atMost(Duration.ofSeconds(10)).until(() -> !streamer.isAlive());
        List<String> topics = test.commit().stream().map(ProducerRecord::topic).toList();

        assertEquals(pages + 2, topics.size());
        assertEquals(List.of("status", "state"), topics.subList(pages, pages + 2), "SUCCEEDED after every page");
        assertEquals(null, ownership.get("q1"), "a terminal state ends the ownership");
    }

    @Test
    void aTerminalEventIsWaitedForAndCommittedWithoutWaitingOutTheInterval() {
        ownership.assign("q1", 1, null);
        publisher.onTransition(snapshot(QueryStatus.RUNNING, 2, 0));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10))
                .until(() -> test.producer.history().isEmpty());

        publisher.onTransition(snapshot(QueryStatus.FAILED, 3, 0));

        await("committed with no commit asked for and the interval an hour").atMost(Duration.ofSeconds(10))
                .until(() -> test.producer.history().stream().filter(r -> r.topic().equals("status")).count() == 2);
    }

    @Test
    void eventsOfAQueryThisWorkerNoLongerOwnsAreDropped() {
        publisher.onTransition(snapshot(QueryStatus.RUNNING, 2, 0));
        publisher.onPage(page(0, true));
        assertEquals(List.of(), test.commit());
    }

    @Test
    void eventsGoToTheOwnedQuerysPartitionGroup() {
        ownership.assign("q1", 3, null);
        publisher.onTransition(snapshot(QueryStatus.RUNNING, 2, 0));
        List<ProducerRecord<byte[], byte[]>> records = test.commit();
        assertEquals(List.of("status", "state"), records.stream().map(ProducerRecord::topic).toList());
        assertEquals(3, records.get(1).partition(), "the state record goes to the state partition numbered like the submit");
    }
}
