package dev.queryrelay.snowflake;

import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.StartRequest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a query start sets on its statement: the {@code QUERY_TAG} (the command's tags as a JSON
 * object with sorted keys), the {@code STATEMENT_TIMEOUT_IN_SECONDS} (the query's timeout,
 * rounded up to whole seconds) and the bind values. Validated before any call to Snowflake.
 *
 * @param queryTag       the tag, or null for none
 * @param timeoutSeconds the statement timeout, or 0 for none
 * @param bindings       the positional bind values
 */
record StatementSetup(String queryTag, int timeoutSeconds, List<Object> bindings) {

    /** Snowflake's longest {@code QUERY_TAG}. */
    static final int MAX_QUERY_TAG = 2_000;
    /** Snowflake's largest {@code STATEMENT_TIMEOUT_IN_SECONDS} (7 days). */
    static final int MAX_TIMEOUT_SECONDS = 604_800;

    StatementSetup {
        bindings = bindings == null ? List.of() : bindings;
    }

    static StatementSetup of(StartRequest request) {
        List<Object> bindings = request.bindings();
        for (int i = 0; i < bindings.size(); i++) {
            Object value = bindings.get(i);
            if (value != null && !(value instanceof Boolean || value instanceof Number || value instanceof String)) {
                throw QueryRelayException.validation("binding " + (i + 1) + " has unsupported type "
                        + value.getClass().getSimpleName() + " (use null, boolean, number or string)");
            }
        }
        return new StatementSetup(queryTag(request.tags()), timeoutSeconds(request.options().timeout()), bindings);
    }

    /** Binds the values to {@code ps} (positions from 1). */
    void bind(PreparedStatement ps) throws SQLException {
        for (int i = 0; i < bindings.size(); i++) {
            int position = i + 1;
            Object value = bindings.get(i);
            if (value == null) {
                ps.setNull(position, Types.VARCHAR);
            } else if (value instanceof Boolean b) {
                ps.setBoolean(position, b);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte) {
                ps.setLong(position, ((Number) value).longValue());
            } else if (value instanceof Double || value instanceof Float) {
                ps.setDouble(position, ((Number) value).doubleValue());
            } else if (value instanceof BigDecimal d) {
                ps.setBigDecimal(position, d);
            } else if (value instanceof BigInteger n) {
                ps.setBigDecimal(position, new BigDecimal(n));
            } else if (value instanceof Number n) {
                ps.setBigDecimal(position, new BigDecimal(n.toString()));
            } else {
                ps.setString(position, (String) value);
            }
        }
    }

    static String queryTag(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return null;
        }
        StringBuilder json = new StringBuilder("{");
        new TreeMap<>(tags).forEach((key, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json, key);
            json.append(':');
            appendString(json, value);
        });
        String tag = json.append('}').toString();
        if (tag.length() > MAX_QUERY_TAG) {
            throw QueryRelayException.validation("tags are too long for Snowflake's QUERY_TAG: " + tag.length()
                    + " characters as JSON, at most " + MAX_QUERY_TAG);
        }
        return tag;
    }

    static int timeoutSeconds(Duration timeout) {
        if (timeout == null) {
            return 0;
        }
        long millis = timeout.toMillis();
        long seconds = Math.max(1, (millis + 999) / 1000);
        return (int) Math.min(seconds, MAX_TIMEOUT_SECONDS);
    }

    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
