package dev.queryrelay.bench;

import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;

/**
 * Limit (b) of the benchmark: a do-nothing protocol worker, with no registry and no provider. For
 * each submit it does the protocol work every worker must do, with the worker's own parser and
 * codec and client settings: parse and validate the command, publish {@code PENDING} and
 * {@code RUNNING}, one result page with the mock's single row, and {@code SUCCEEDED} once the page
 * is acknowledged (pages before {@code SUCCEEDED}, as the protocol requires). One thread, nothing
 * blocks: the most any worker can do on a given broker and machine.
 *
 * <pre>java -cp CLASSPATH dev.queryrelay.worker.NullProtocolWorker --bootstrap=HOST:PORT --submit=TOPIC
 *      --status=TOPIC --results=TOPIC --group=GROUP</pre>
 */
public final class NullProtocolWorker {

    static final List<ColumnMeta> COLUMNS = List.of(
            new ColumnMeta("ID", "NUMBER", false, 38, 0),
            new ColumnMeta("NAME", "TEXT", false, null, null),
            new ColumnMeta("CREATED_AT", "TIMESTAMP_NTZ", false, null, 9));
    static final List<List<Object>> ONE_ROW = List.of(List.of(1L, "row-1", LocalDateTime.of(2024, 1, 1, 0, 0, 1)));

    private NullProtocolWorker() {
    }

    public static void main(String[] arguments) {
        Args args = Args.parse(arguments, Set.of("bootstrap", "submit", "status", "results", "group"));
        String statusTopic = args.required("status");
        String resultsTopic = args.required("results");
        String workerId = "bench-null-worker";
        CommandParser parser = new CommandParser(100_000);
        EventCodec codec = new EventCodec(workerId, "null");
        RelayLoop loop = new RelayLoop(args.required("bootstrap"), args.required("group"), args.required("submit"),
                workerId, 0);
        loop.run(record -> {
            StartRequest request = parser.parseSubmit(record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), record.value()).request();
            String id = request.queryId();
            Instant now = Instant.now();
            String providerId = "null-" + id;
            loop.send(statusTopic, id, codec.status(snapshot(request, QueryStatus.PENDING, now, null, 0, 1)));
            loop.send(statusTopic, id, codec.status(snapshot(request, QueryStatus.RUNNING, now, providerId, 0, 2)));
            byte[] succeeded = codec.status(snapshot(request, QueryStatus.SUCCEEDED, now, providerId, 1, 3));
            byte[] page = codec.page(new QueryPage(id, 0, 0, COLUMNS, ONE_ROW, true));
            loop.send(resultsTopic, id, page, () -> loop.send(statusTopic, id, succeeded));
        });
    }

    private static QuerySnapshot snapshot(StartRequest request, QueryStatus status, Instant at, String providerId,
                                          int pages, long seq) {
        boolean done = status.isTerminal();
        return new QuerySnapshot(request.queryId(), request.sql(), status, at, at, providerId == null ? null : at,
                done ? at : null, done ? 0L : null, pages, pages, false, done ? COLUMNS : List.of(), null,
                providerId, request.options(), request.tags(), seq);
    }
}
