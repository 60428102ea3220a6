package dev.queryrelay.api.contract;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link WarehouseConnection} must pass, as JUnit 5 tests: start, status,
 * results read from another connection, cancel from another connection and idempotent, unknown
 * ids, typed errors, {@code close} that leaves queries running, and
 * {@link WarehouseConnection#findStarted} (empty by default, or finding the execution).
 *
 * <p>Use it from a provider's tests: depend on
 * {@code dev.queryrelay:queryrelay-registry-api:<version>:test-jar} (classifier {@code tests}),
 * JUnit Jupiter and Awaitility, extend this class and implement the hooks. Each test opens two
 * connections with {@link #connect()}: they must behave as two worker processes would (share no
 * state a real second process would not have, apart from the warehouse itself).
 *
 * <pre>{@code
 * class MyProviderContractTest extends WarehouseConnectionContract {
 *     protected WarehouseConnection connect() { return new MyProvider().connect(Map.of(...)); }
 *     protected String quickQuery() { return "SELECT * FROM small_table"; }
 *     protected long quickQueryRows() { return 3; }
 *     protected String longQuery() { return "SELECT slow_function()"; }
 *     protected String failingQuery() { return "SELECT * FROM no_such_table"; }
 *     protected String unknownProviderQueryId() { return "..."; }
 * }
 * }</pre>
 */
public abstract class WarehouseConnectionContract {

    private final List<WarehouseConnection> opened = new CopyOnWriteArrayList<>();
    private final List<String> toCancel = new CopyOnWriteArrayList<>();

    /** The connection the tests start queries on. */
    protected WarehouseConnection first;
    /** Another connection, standing for another worker process. */
    protected WarehouseConnection second;

    /** Opens a new, independent connection to the warehouse under test. */
    protected abstract WarehouseConnection connect();

    /** SQL that succeeds within {@link #patience()} and returns {@link #quickQueryRows()} rows. */
    protected abstract String quickQuery();

    /** How many rows {@link #quickQuery()} returns (at least 1). */
    protected abstract long quickQueryRows();

    /** SQL that runs much longer than {@link #patience()}, until canceled. */
    protected abstract String longQuery();

    /** SQL that the warehouse rejects with an SQL error, at start or through its status. */
    protected abstract String failingQuery();

    /** A query id of the provider's form that the warehouse does not know. */
    protected abstract String unknownProviderQueryId();

    /** Whether the provider implements {@link WarehouseConnection#findStarted}; false keeps the default. */
    protected boolean findsStartedQueries() {
        return false;
    }

    /** How long a query may take to reach the state a test waits for. */
    protected Duration patience() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void openConnections() {
        first = open();
        second = open();
    }

    @AfterEach
    void closeConnections() {
        for (String id : toCancel) {
            try {
                second.cancel(id);
            } catch (QueryRelayException ignored) {
                // best effort: the test may have closed or broken the connection on purpose
            }
        }
        opened.forEach(WarehouseConnection::close);
    }

    @Test
    void startReturnsAnIdAndTheStatusFollowsTheQueryToSuccess() {
        List<WarehouseState> seen = new CopyOnWriteArrayList<>();
        String id = first.start(request(quickQuery()));

        assertNotNull(id, "start returns the provider query id");
        await("the query succeeds").atMost(patience()).until(() -> {
            WarehouseState state = first.status(id).state();
            seen.add(state);
            return state == WarehouseState.SUCCEEDED;
        });
        assertTrue(EnumSet.of(WarehouseState.RUNNING, WarehouseState.SUCCEEDED).containsAll(seen),
                "a query this connection started is running or succeeded, never unknown: " + seen);
        assertEquals(WarehouseState.SUCCEEDED, second.status(id).state(), "another connection sees it too");
    }

    @Test
    void resultsAreReadFromAnotherConnectionAndAgainFromTheFirstRow() {
        String id = startAndAwait(quickQuery(), WarehouseState.SUCCEEDED).id();

        List<List<Object>> rows = readAll(second, id);
        List<List<Object>> again = readAll(first, id);

        assertEquals(quickQueryRows(), rows.size());
        assertEquals(rows.size(), again.size());
        assertEquals(String.valueOf(rows.get(0)), String.valueOf(again.get(0)), "each call starts at the first row");
    }

    @Test
    void columnsDescribeEveryCell() {
        String id = startAndAwait(quickQuery(), WarehouseState.SUCCEEDED).id();

        try (ResultCursor cursor = second.results(id)) {
            assertFalse(cursor.columns().isEmpty(), "a result has columns");
            for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
                assertEquals(cursor.columns().size(), row.size(), "one value per column");
            }
            assertNull(cursor.next(), "the end stays the end");
        }
    }

    @Test
    void cancelFromAnotherConnectionStopsTheQueryAndIsIdempotent() {
        String id = first.start(request(longQuery()));
        toCancel.add(id);

        second.cancel(id);

        WarehouseStatus status = await("the query ends canceled").atMost(patience())
                .until(() -> first.status(id), s -> s.state() == WarehouseState.FAILED);
        assertEquals(ErrorType.CANCELED, status.error().type());
        assertDoesNotThrow(() -> second.cancel(id), "a second cancel");
        assertDoesNotThrow(() -> first.cancel(id), "a cancel from the starting connection");
    }

    @Test
    void cancelOfAFinishedQueryIsNotAnErrorAndChangesNothing() {
        String id = startAndAwait(quickQuery(), WarehouseState.SUCCEEDED).id();

        assertDoesNotThrow(() -> second.cancel(id));

        assertEquals(WarehouseState.SUCCEEDED, first.status(id).state());
    }

    @Test
    void unknownIdsAreUnknownAndTheirResultsNotFound() {
        String unknown = unknownProviderQueryId();

        assertEquals(WarehouseState.UNKNOWN, first.status(unknown).state(), "no exception for an unknown id");
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> first.results(unknown));
        assertEquals(ErrorType.NOT_FOUND, e.type());
        assertFalse(e.retryable());
        try {
            second.cancel(unknown);
        } catch (QueryRelayException refused) {
            assertFalse(refused.retryable(), "a cancel of an unknown id is a no-op or a final error");
            assertTrue(Set.of(ErrorType.NOT_FOUND, ErrorType.SQL, ErrorType.VALIDATION).contains(refused.type()),
                    refused.type() + ": " + refused.getMessage());
        }
    }

    @Test
    void sqlErrorsAreTypedAndFinal() {
        String id;
        try {
            id = first.start(request(failingQuery()));
        } catch (QueryRelayException atStart) {
            assertEquals(ErrorType.SQL, atStart.type(), atStart.getMessage());
            assertFalse(atStart.retryable());
            return;
        }
        WarehouseStatus status = await("the query fails").atMost(patience())
                .until(() -> second.status(id), s -> s.state() == WarehouseState.FAILED);
        assertEquals(ErrorType.SQL, status.error().type(), status.error().message());
        assertFalse(status.error().retryable());
        assertThrows(QueryRelayException.class, () -> second.results(id), "no results for a failed query");
    }

    @Test
    void closingTheStartingConnectionLeavesTheQueryRunning() {
        WarehouseConnection starter = open();
        String id = starter.start(request(longQuery()));
        toCancel.add(id);

        starter.close();

        assertEquals(WarehouseState.RUNNING, second.status(id).state());
    }

    @Test
    void findStartedFindsTheExecutionOrKeepsTheDefault() {
        Instant created = Instant.now();
        StartRequest request = request(quickQuery());
        String id = first.start(request);

        Optional<String> found = second.findStarted(request.queryId(), created);
        Optional<String> other = second.findStarted("contract-" + UUID.randomUUID(), created);

        assertEquals(findsStartedQueries() ? Optional.of(id) : Optional.empty(), found);
        assertEquals(Optional.empty(), other, "no execution for a query id never started");
    }

    /** A start request for {@code sql} with a fresh query id, default options and one tag. */
    protected StartRequest request(String sql) {
        return new StartRequest("contract-" + UUID.randomUUID(), sql, List.of(), QueryOptions.DEFAULTS,
                Map.of("test", getClass().getSimpleName()));
    }

    private record Started(String id, WarehouseStatus status) {
    }

    private Started startAndAwait(String sql, WarehouseState state) {
        String id = first.start(request(sql));
        WarehouseStatus status = await("the query reaches " + state).atMost(patience())
                .until(() -> first.status(id), s -> s.state() == state);
        return new Started(id, status);
    }

    private WarehouseConnection open() {
        WarehouseConnection connection = connect();
        opened.add(connection);
        return connection;
    }

    private static List<List<Object>> readAll(WarehouseConnection connection, String id) {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultCursor cursor = connection.results(id)) {
            for (List<Object> row = cursor.next(); row != null; row = cursor.next()) {
                rows.add(row);
            }
        }
        return rows;
    }
}
