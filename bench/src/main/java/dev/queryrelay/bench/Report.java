package dev.queryrelay.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of one run: a summary table (figure, measured, its limit, the ratio, the target,
 * whether it is met) and the raw numbers, written as {@code summary.md} and {@code results.json}.
 */
final class Report {

    /** One line of the summary table; {@code met} is "yes", "NO" or "-" (no target). */
    record Row(String id, String figure, String measured, String limit, String ratio, String target, String met) {
        Row {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(figure, "figure");
        }
    }

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> raw = new LinkedHashMap<>();

    synchronized void header(String line) {
        header.add(line);
    }

    synchronized void row(String id, String figure, String measured, String limit, String ratio, String target,
                          String met) {
        Row row = new Row(id, figure, measured, dash(limit), dash(ratio), dash(target), dash(met));
        rows.add(row);
        System.out.printf(Locale.ROOT, "[%s] %s: %s%s%n", id, figure, measured,
                row.ratio().equals("-") ? "" : " (" + row.ratio() + " of " + row.limit() + ")");
    }

    synchronized void raw(String key, Object value) {
        raw.put(key, value);
    }

    synchronized Object raw(String key) {
        return raw.get(key);
    }

    synchronized boolean anyMissed() {
        return rows.stream().anyMatch(row -> row.met().equals("NO"));
    }

    synchronized String markdown() {
        StringBuilder out = new StringBuilder();
        for (String line : header) {
            out.append(line).append('\n');
        }
        out.append('\n');
        out.append("| # | figure | measured | limit | ratio | target | met |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            out.append("| ").append(String.join(" | ", row.id(), row.figure(), row.measured(), row.limit(), row.ratio(),
                    row.target(), row.met())).append(" |\n");
        }
        return out.toString();
    }

    synchronized void write(Path dir) {
        try {
            Files.writeString(dir.resolve("summary.md"), markdown());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("header", header);
            json.put("rows", rows);
            json.put("raw", raw);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(),
                    json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String met(boolean met) {
        return met ? "yes" : "NO";
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f%%", value * 100);
    }

    static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f s", value);
    }

    static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f ms", value);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String dash(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }
}
