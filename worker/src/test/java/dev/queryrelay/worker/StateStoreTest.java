package dev.queryrelay.worker;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.SubmitCommand;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123456Z");
    private static final String SUBMIT = "{\"query_id\":\"q1\",\"sql\":\"SELECT ?\",\"bindings\":[1.50, \"x\"],"
            + "\"options\":{\"timeout_ms\":60000,\"page_rows\":10},\"tags\":{\"team\":\"a\"}}";

    private final TestOutbox test = new TestOutbox();
    private final Ownership ownership = new Ownership();
    private final StateStore store = new StateStore(test.outbox, "state", "w1", ownership);

    @AfterEach
    void close() {
        test.close();
    }
    private final CommandParser parser = new CommandParser(100_000);

    private static QuerySnapshot snapshot(String id, QueryStatus status, long seq, String providerId) {
        boolean terminal = status.isTerminal();
        return new QuerySnapshot(id, "SELECT ?", status, T0, T0, providerId == null ? null : T0.plusMillis(5),
                terminal ? T0.plusMillis(9) : null, null, 0, 0, false, List.of(), null, providerId,
                QueryOptions.DEFAULTS, Map.of(), seq);
    }

    private List<QueryState> written() {
        return test.commit().stream().map(ProducerRecord::value).map(QueryState::fromJson).toList();
    }

    private void transition(QuerySnapshot snapshot) {
        store.transition(snapshot, ownership.get(snapshot.queryId()));
    }

    @Test
    void eachTransactionRecordsTheQuerysLastStateInItsStatePartition() {
        ownership.assign("q1", 2, SUBMIT);
        transition(snapshot("q1", QueryStatus.PENDING, 1, null));
        assertEquals(List.of("q1 PENDING"), written().stream().map(s -> s.queryId() + " " + s.status()).toList());
        transition(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"));
        transition(snapshot("q1", QueryStatus.RUNNING, 3, "p-1"));

        List<QueryState> states = written();

        assertEquals(List.of("q1 PENDING 1", "q1 RUNNING 3"),
                states.stream().map(s -> s.queryId() + " " + s.status() + " " + s.seq()).toList(),
                "one record per transaction: the last state");
        assertTrue(test.producer.history().stream().allMatch(r -> r.partition() == 2 && r.topic().equals("state")));
    }

    @Test
    void aTerminalStateEndsOwnershipAndCarriesTheSubmitCommand() {
        ownership.assign("q1", 0, SUBMIT);
        transition(snapshot("q1", QueryStatus.PENDING, 1, null));
        transition(snapshot("q1", QueryStatus.SUCCEEDED, 3, "p-1"));

        List<QueryState> states = written();
        assertEquals(1, states.size(), "PENDING and SUCCEEDED in one transaction: SUCCEEDED only");
        QueryState state = states.get(0);
        assertEquals(QueryStatus.SUCCEEDED, state.status());
        assertEquals(3, state.seq());
        assertEquals("p-1", state.providerQueryId());
        assertEquals("w1", state.worker());
        assertNull(ownership.get("q1"));
    }

    @Test
    void theSubmitCommandReadsBackAsTheSameRequest() {
        StartRequest original = parser.parseSubmit(null, utf8(SUBMIT)).request();
        ownership.assign("q1", 0, parser.parseSubmit(null, utf8(SUBMIT)).json());
        transition(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"));

        QueryState state = written().get(0);
        StartRequest restored = state.request(parser);
        assertEquals(original, restored);
        assertEquals(new BigDecimal("1.50"), restored.bindings().get(0));
        assertEquals(Duration.ofSeconds(60), restored.options().timeout());
        assertEquals(T0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), state.createdAt());
        assertEquals(T0.plusMillis(5).truncatedTo(java.time.temporal.ChronoUnit.MILLIS), state.startedAt());
    }

    @Test
    void aSubmitIsHandedFromOwnerToOwnerByteForByteWhateverItsEscapesAndNumbers() {
        String tricky = "{\"query_id\":\"q1\",\"sql\":\"SELECT '\\ud800', ?\",\"bindings\":[1." + "9".repeat(997) + "e-6]}";
        StartRequest original = parser.parseSubmit(null, utf8(tricky)).request();
        String json = parser.parseSubmit(null, utf8(tricky)).json();
        for (int owner = 1; owner <= 3; owner++) {
            ownership.assign("q1", 0, json);
            transition(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"));
            List<QueryState> states = written();
            QueryState state = states.get(states.size() - 1);
            assertEquals(owner, states.size(), "one record per owner");
            assertEquals(tricky, state.submit(), "owner " + owner);
            assertEquals(original, state.request(parser), "owner " + owner);
            json = state.submit();
            ownership.release("q1");
        }
    }

    @Test
    void aSubmitKeyedByItsIdAloneIsRestoredWithThatId() {
        String keyedOnly = "{\"sql\":\"SELECT 'é'\"}";
        SubmitCommand command = parser.parseSubmit(utf8("q1"), utf8(keyedOnly));
        ownership.assign("q1", 0, command.json());
        transition(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"));

        assertEquals(command.request(), written().get(0).request(parser));
        assertEquals(keyedOnly, written().get(0).submit(), "the command as it was sent");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAnOwnedCommandTheSubmitIsRebuiltFromTheSnapshot() {
        ownership.assign("q9", 0, null);
        transition(snapshot("q9", QueryStatus.FAILED, 1, null));

        QueryState state = written().get(0);
        StartRequest restored = state.request(parser);
        assertEquals("q9", restored.queryId());
        assertEquals("SELECT ?", restored.sql());
        assertEquals(QueryOptions.DEFAULTS, restored.options());
    }

    @Test
    void aCancelRequestIsWrittenAtOnceWithItsReason() {
        ownership.assign("q1", 1, SUBMIT);
        transition(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"));
        store.cancelRequested(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"), "stop");
        store.earlyCancel("q7", null, 1);

        List<QueryState> states = written();
        assertEquals("stop", states.get(1).cancelReason());
        assertTrue(states.get(2).isCancelOnly());
        assertEquals("", states.get(2).cancelReason());
    }

    @Test
    void aCancelRequestForAQueryWhoseEndIsRecordedWritesNothing() {
        ownership.assign("q1", 1, SUBMIT);
        transition(snapshot("q1", QueryStatus.CANCELED, 3, "p-1"));
        store.cancelRequested(snapshot("q1", QueryStatus.RUNNING, 2, "p-1"), "late");

        assertEquals(List.of(QueryStatus.CANCELED), written().stream().map(QueryState::status).toList(),
                "a RUNNING record after the terminal one would make a new owner cancel it again");
    }

    @Test
    void aQueryWhoseEndIsNotCommittedYetStaysWithItsPartitionUntilItIs() {
        ownership.assign("q1", 2, SUBMIT);
        ownership.assign("q2", 2, SUBMIT);
        transition(snapshot("q1", QueryStatus.SUCCEEDED, 3, "p-1"));
        transition(snapshot("q2", QueryStatus.FAILED, 2, "p-2"));
        ownership.release("q2");

        assertNull(ownership.get("q1"), "no longer owned: nothing more is recorded for it");
        assertEquals(List.of("q1"), ownership.queriesOf(2),
                "a partition handed over now takes it along: the state topic does not know its end yet");
        written();
        assertEquals(List.of(), ownership.queriesOf(2), "its end is committed");
    }

    @Test
    void aStatePartitionNotReadToItsEndInTimeIsAnErrorNotAPartialState() {
        MockConsumer<String, byte[]> reader = new MockConsumer<>("earliest");
        TopicPartition tp = new TopicPartition("state", 1);
        reader.updateBeginningOffsets(Map.of(tp, 0L));
        reader.updateEndOffsets(Map.of(tp, 5L));

        TimeoutException e = assertThrows(TimeoutException.class, () -> store.read(reader, 1, Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("read to offset 0 of 5"), e.getMessage());
        assertTrue(reader.assignment().isEmpty(), "the reader is free for the next attempt");
    }

    @Test
    void aCancelRequestRacingTheTerminalStateNeverFollowsIt() throws Exception {
        int queries = 2_000;
        Phaser both = new Phaser(2);
        ExecutorService canceler = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < queries; i++) {
                String id = "q" + i;
                ownership.assign(id, i % 4, SUBMIT);
                Ownership.Owned owned = ownership.get(id);
                int spins = i % 64;
                Future<?> cancel = canceler.submit(() -> {
                    both.arriveAndAwaitAdvance();
                    for (int spin = 0; spin < spins; spin++) {
                        Thread.onSpinWait();
                    }
                    store.cancelRequested(snapshot(id, QueryStatus.RUNNING, 2, "p-1"), "stop");
                });
                both.arriveAndAwaitAdvance();
                store.transition(snapshot(id, QueryStatus.CANCELED, 3, "p-1"), owned);
                cancel.get(10, TimeUnit.SECONDS);
            }
        } finally {
            canceler.shutdownNow();
        }

        Map<String, QueryState> last = new HashMap<>();
        written().forEach(state -> last.put(state.queryId(), state));
        assertEquals(queries, last.size());
        List<String> regressed = last.values().stream().filter(state -> !state.status().isTerminal())
                .map(QueryState::queryId).toList();
        assertEquals(List.of(), regressed, "a RUNNING record written after the terminal one");
    }
}
