package dev.queryrelay.bench;

import java.nio.charset.StandardCharsets;

/** The JSON of submit and cancel commands (docs/protocol.md), for keys and SQL that need no escaping. */
final class Commands {

    /** An instant mock query: one row, at once. */
    static final String INSTANT = "SELECT 1";

    private Commands() {
    }

    static byte[] submit(String queryId, String sql) {
        return ("{\"query_id\":\"" + queryId + "\",\"sql\":\"" + sql + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] cancel(String queryId) {
        return ("{\"query_id\":\"" + queryId + "\",\"reason\":\"bench\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** A mock query that runs {@code durationMs} and returns {@code rows} rows. */
    static String mock(long durationMs, long rows) {
        return "/* mock: duration_ms=" + durationMs + " rows=" + rows + " */ SELECT 1";
    }
}
