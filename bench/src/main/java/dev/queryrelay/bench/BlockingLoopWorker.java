package dev.queryrelay.bench;

import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import dev.queryrelay.registry.Providers;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4's reference: the loop a user would write by hand. One thread takes a submit, starts
 * the query, polls its status every 10 ms until it ends, publishes its rows and its final status,
 * and only then takes the next submit. Events use the worker's codec, so clients see the same
 * messages; the provider is the same mock warehouse.
 *
 * <pre>java -cp CLASSPATH dev.queryrelay.worker.BlockingLoopWorker --bootstrap=HOST:PORT --submit=TOPIC
 *      --status=TOPIC --results=TOPIC --group=GROUP</pre>
 */
public final class BlockingLoopWorker {

    static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private BlockingLoopWorker() {
    }

    public static void main(String[] arguments) {
        Args args = Args.parse(arguments, Set.of("bootstrap", "submit", "status", "results", "group"));
        String statusTopic = args.required("status");
        String resultsTopic = args.required("results");
        String workerId = "bench-blocking-loop";
        CommandParser parser = new CommandParser(100_000);
        EventCodec codec = new EventCodec(workerId, "mock");
        WarehouseConnection connection = Providers.load("mock").connect(Map.of());
        RelayLoop loop = new RelayLoop(args.required("bootstrap"), args.required("group"), args.required("submit"),
                workerId, 1);
        loop.run(record -> {
            StartRequest request = parser.parseSubmit(record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), record.value()).request();
            String id = request.queryId();
            Instant created = Instant.now();
            loop.send(statusTopic, id, codec.status(snapshot(request, QueryStatus.PENDING, created, null, 0, 0, 1)));
            String providerId = connection.start(request);
            loop.send(statusTopic, id, codec.status(snapshot(request, QueryStatus.RUNNING, created, providerId, 0, 0, 2)));
            WarehouseStatus status = connection.status(providerId);
            while (status.state() == WarehouseState.RUNNING) {
                TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
                status = connection.status(providerId);
            }
            if (status.state() != WarehouseState.SUCCEEDED) {
                loop.send(statusTopic, id,
                        codec.status(snapshot(request, QueryStatus.FAILED, created, providerId, 0, 0, 3)));
                return;
            }
            int pages = 0;
            long rows = 0;
            try (ResultCursor cursor = connection.results(providerId)) {
                List<ColumnMeta> columns = cursor.columns();
                List<List<Object>> page = new ArrayList<>();
                for (List<Object> row = cursor.next(); ; row = cursor.next()) {
                    if (row != null) {
                        page.add(row);
                    }
                    if (row == null || page.size() == request.options().pageRows()) {
                        loop.producer().send(new ProducerRecord<>(resultsTopic, id,
                                codec.page(new QueryPage(id, pages, rows, columns, page, row == null)))).get();
                        pages++;
                        rows += page.size();
                        page.clear();
                    }
                    if (row == null) {
                        break;
                    }
                }
            }
            loop.send(statusTopic, id, codec.status(snapshot(request, QueryStatus.SUCCEEDED, created, providerId,
                    pages, rows, 3)));
        });
    }

    private static QuerySnapshot snapshot(StartRequest request, QueryStatus status, Instant created, String providerId,
                                          int pages, long rows, long seq) {
        Instant now = Instant.now();
        boolean done = status.isTerminal();
        return new QuerySnapshot(request.queryId(), request.sql(), status, created, now, providerId == null ? null : created,
                done ? now : null, done ? Duration.between(created, now).toMillis() : null, rows, pages, false,
                List.of(), null, providerId, request.options(), request.tags(), seq);
    }
}
