package dev.queryrelay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs the JMH benchmark of the page hot path in a JVM of its own and reports rows/s. */
final class JmhScenario {

    private final BenchContext ctx;
    private final Report report;

    JmhScenario(BenchContext ctx) {
        this.ctx = ctx;
        this.report = ctx.report();
    }

    void run() throws InterruptedException {
        Path results = ctx.dir().resolve("jmh.json");
        List<String> args = new ArrayList<>(List.of("dev.queryrelay.bench.PageEncodingBenchmark"));
        args.addAll(ctx.settings().jmhOptions());
        args.addAll(List.of("-rf", "json", "-rff", results.toString()));
        ChildJvm jmh = ChildJvm.start("jmh", ctx.dir(), List.of(), "org.openjdk.jmh.Main", args, BenchContext.CHILD_ENV);
        int exit = jmh.awaitExit(Duration.ofMinutes(20));
        if (exit != 0) {
            throw new IllegalStateException("JMH exited with " + exit + ": " + jmh.tail());
        }
        Object streamed = report.raw("stream.rows_per_s");
        for (JsonNode result : read(results)) {
            String method = result.path("benchmark").asText().replaceAll(".*\\.", "");
            int rows = result.path("params").path("rows").asInt();
            double opsPerSecond = result.path("primaryMetric").path("score").asDouble();
            double error = result.path("primaryMetric").path("scoreError").asDouble();
            double rowsPerSecond = opsPerSecond * rows;
            report.raw("jmh." + method + "." + rows, Map.of("ops_per_s", opsPerSecond, "error", error,
                    "rows_per_s", rowsPerSecond));
            boolean streamingPath = method.equals("pageRecord") && rows == 1000 && streamed instanceof Double;
            String measured = String.format(Locale.ROOT, "%,.0f pages/s", opsPerSecond)
                    + (Double.isNaN(error) ? "" : String.format(Locale.ROOT, " ± %,.0f", error))
                    + (rows == 1 ? "" : " = " + Report.rate(rowsPerSecond) + " rows");
            report.row("JMH", String.format(Locale.ROOT, "%s, %d-row page (one thread)", method, rows), measured,
                    streamingPath ? "scenario 5 " + Report.rate((Double) streamed) + " rows" : null,
                    streamingPath ? "5 reaches " + Report.percent((Double) streamed / rowsPerSecond) : null, null, null);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
