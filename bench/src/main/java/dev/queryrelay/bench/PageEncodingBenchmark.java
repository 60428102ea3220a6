package dev.queryrelay.bench;

import dev.queryrelay.protocol.EventCodec;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.registry.JsonRowSizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker's hot path from warehouse rows to a result page record: the registry's page sizing
 * ({@link JsonRowSizer}, once per row), the {@link QueryPage} value, and {@link EventCodec#page}
 * (the JSON bytes handed to the producer), on the mock warehouse's rows (a number, a text and a
 * timestamp). {@code encode} is the codec alone. One thread; multiply pages/s by {@code rows} for
 * rows/s.
 *
 * <pre>{@code
 * cd /work/main && mvn -B -q -pl bench install
 * mvn -B -q -pl bench org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
 *     -Dmdep.outputFile=$PWD/bench/target/classpath.txt
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main PageEncodingBenchmark \
 *     -f 1 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 * ({@code bench/run.sh} runs it last, with these options.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PageEncodingBenchmark {

    private static final LocalDateTime FIRST_TIME = LocalDateTime.of(2024, 1, 1, 0, 0);

    @Param({"1", "1000"})
    int rows;

    private EventCodec codec;
    private List<ColumnMeta> columns;
    private List<List<Object>> data;
    private QueryPage page;

    @Setup
    public void setup() {
        codec = new EventCodec("bench-worker", "mock");
        columns = NullProtocolWorker.COLUMNS;
        data = new ArrayList<>(rows);
        for (long id = 1; id <= rows; id++) {
            data.add(List.of(id, "row-" + id, FIRST_TIME.plusSeconds(id)));
        }
        page = new QueryPage("bench-query-000001", 0, 0, columns, data, true);
    }

    @Benchmark
    public byte[] pageRecord() {
        long bytes = 0;
        for (List<Object> row : data) {
            bytes += JsonRowSizer.INSTANCE.estimate(columns, row);
        }
        QueryPage built = new QueryPage("bench-query-000001", 0, 0, columns, data, bytes > 0);
        return codec.page(built);
    }

    @Benchmark
    public byte[] encode() {
        return codec.page(page);
    }
}
