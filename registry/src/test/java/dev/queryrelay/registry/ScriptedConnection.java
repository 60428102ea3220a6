package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A warehouse that does what the test scripts, call by call, and records every call as
 * {@code "kind argument"} (e.g. {@code "start q1"}, {@code "status p-q1"}). By default a start
 * answers {@code p-<query id>}, nothing is found already started, every query keeps running,
 * results are one row, and a cancel does nothing.
 */
final class ScriptedConnection implements WarehouseConnection {

    static final List<ColumnMeta> COLUMNS = List.of(ColumnMeta.of("N", "NUMBER"));

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ScriptedCursor> cursors = new CopyOnWriteArrayList<>();
    volatile Function<StartRequest, String> start = request -> "p-" + request.queryId();
    volatile BiFunction<String, Instant, Optional<String>> findStarted = (queryId, notBefore) -> Optional.empty();
    volatile Function<String, WarehouseStatus> status = id -> WarehouseStatus.running();
    volatile Function<String, ScriptedCursor> results = id -> new ScriptedCursor(1, null, 0);
    volatile Consumer<String> cancel = id -> {
    };

    @Override
    public String start(StartRequest request) {
        calls.add("start " + request.queryId());
        return start.apply(request);
    }

    @Override
    public Optional<String> findStarted(String queryId, Instant notBefore) {
        calls.add("findStarted " + queryId + " " + notBefore);
        return findStarted.apply(queryId, notBefore);
    }

    @Override
    public WarehouseStatus status(String providerQueryId) {
        calls.add("status " + providerQueryId);
        return status.apply(providerQueryId);
    }

    @Override
    public ResultCursor results(String providerQueryId) {
        calls.add("results " + providerQueryId);
        ScriptedCursor cursor = results.apply(providerQueryId);
        cursors.add(cursor);
        return cursor;
    }

    @Override
    public void cancel(String providerQueryId) {
        calls.add("cancel " + providerQueryId);
        cancel.accept(providerQueryId);
    }

    @Override
    public void close() {
    }

    /** The recorded calls of one kind, with their arguments. */
    List<String> calls(String kind) {
        return calls.stream().filter(call -> call.startsWith(kind + " ")).collect(Collectors.toList());
    }

    /** Rows {@code [1] .. [rows]}; reading row {@code gatedRow} (from 1) first passes the gate, if one is given. */
    static final class ScriptedCursor implements ResultCursor {
        private final long rows;
        private final Gate gate;
        private final long gatedRow;
        private long read;
        volatile boolean closed;

        ScriptedCursor(long rows, Gate gate, long gatedRow) {
            this.rows = rows;
            this.gate = gate;
            this.gatedRow = gatedRow;
        }

        @Override
        public List<ColumnMeta> columns() {
            return COLUMNS;
        }

        @Override
        public List<Object> next() {
            if (read >= rows) {
                return null;
            }
            read++;
            if (gate != null && read == gatedRow) {
                gate.pass();
            }
            return List.of(read);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
