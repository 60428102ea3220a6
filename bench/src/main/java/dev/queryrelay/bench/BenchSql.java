package dev.queryrelay.bench;

import dev.queryrelay.protocol.Commands;

import java.nio.charset.StandardCharsets;

/** The bench's commands as record values, written by the protocol module's {@link Commands}, and its SQL. */
final class BenchSql {

    /** An instant mock query: one row, at once. */
    static final String INSTANT = "SELECT 1";

    private BenchSql() {
    }

    static byte[] submit(String queryId, String sql) {
        return Commands.submit(queryId, sql).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] cancel(String queryId) {
        return Commands.cancel(queryId, "bench").getBytes(StandardCharsets.UTF_8);
    }

    /** A mock query that runs {@code durationMs} and returns {@code rows} rows. */
    static String mock(long durationMs, long rows) {
        return "/* mock: duration_ms=" + durationMs + " rows=" + rows + " */ SELECT 1";
    }
}
