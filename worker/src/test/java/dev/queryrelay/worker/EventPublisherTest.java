package dev.queryrelay.worker;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.protocol.EventCodec;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EventPublisherTest {

    private static final List<ColumnMeta> COLUMNS = List.of(ColumnMeta.of("ID", "NUMBER"));

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final StateStore state = new StateStore(producer, "state", "w1", new SendFailures(), new Ownership());
    private final EventPublisher publisher = new EventPublisher(producer, new EventCodec("w1", "mock"), "status",
            "results", new SendFailures(), state, Duration.ofSeconds(30), Duration.ofSeconds(60));

    @AfterEach
    void close() {
        while (producer.completeNext()) {
            // acknowledge whatever is left so the publisher can stop
        }
        publisher.close();
    }

    private static QueryPage page(int number, boolean last) {
        return new QueryPage("q1", number, number, COLUMNS, List.of(List.of((Object) (long) number)), last);
    }

    private List<String> topics() {
        return producer.history().stream().map(ProducerRecord::topic).toList();
    }

    @Test
    void aQueryHasAtMostEightPagesInFlightAndSucceededFollowsTheLastAcknowledgement() {
        int pages = EventPublisher.MAX_UNACKNOWLEDGED_PAGES + 2;
        Thread streamer = new Thread(() -> {
            for (int i = 0; i < pages; i++) {
                publisher.onPage(page(i, i == pages - 1));
            }
        });
        streamer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> streamer.getState() == Thread.State.TIMED_WAITING
                && producer.history().size() == EventPublisher.MAX_UNACKNOWLEDGED_PAGES);

        producer.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == EventPublisher.MAX_UNACKNOWLEDGED_PAGES + 1);
        producer.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> !streamer.isAlive());
        assertEquals(pages, producer.history().size());

        Instant now = Instant.now();
        publisher.onTransition(new QuerySnapshot("q1", "SELECT 1", QueryStatus.SUCCEEDED, now, now, now, now, 1L,
                pages, pages, false, COLUMNS, null, "p-1", QueryOptions.DEFAULTS, Map.of(), 3));
        assertEquals(pages, producer.history().size(), "SUCCEEDED waits for the last page's acknowledgement");
        while (producer.completeNext()) {
            // acknowledge the remaining pages
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> topics().contains("status"));
        assertEquals(List.of("status", "state"), topics().subList(pages, pages + 2));
    }
}
