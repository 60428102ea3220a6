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
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a query start sets on its statement: the {@code QUERY_TAG} (the command's tags and the
 * QueryRelay query id under {@link #QUERY_ID_TAG}, as a JSON object with sorted keys, so that
 * {@link SnowflakeWarehouseConnection#findStarted} can find the execution again), the {@code STATEMENT_TIMEOUT_IN_SECONDS} (the query's timeout,
 * rounded up to whole seconds) and the bind values. Validated before any call to Snowflake.
 *
 * @param queryTag       the tag
 * @param timeoutSeconds the statement timeout, or 0 for none
 * @param bindings       the positional bind values
 */
record StatementSetup(String queryTag, int timeoutSeconds, List<Object> bindings) {

    /** The tag key that carries the QueryRelay query id; a command's own tags may not use it. */
    static final String QUERY_ID_TAG = "queryrelay.query_id";
    /** Snowflake's longest {@code QUERY_TAG}. */
    static final int MAX_QUERY_TAG = 2_000;
    /** Snowflake's largest {@code STATEMENT_TIMEOUT_IN_SECONDS} (7 days). */
    static final int MAX_TIMEOUT_SECONDS = 604_800;

    StatementSetup {
        Objects.requireNonNull(queryTag, "queryTag");
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
        StatementPolicy.check(request.sql());
        return new StatementSetup(queryTag(request.queryId(), request.tags()), timeoutSeconds(request.options().timeout()), bindings);
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

    static String queryTag(String queryId, Map<String, String> tags) {
        if (tags.containsKey(QUERY_ID_TAG)) {
            throw QueryRelayException.validation("tag " + QUERY_ID_TAG + " is reserved: QueryRelay sets it to the query id");
        }
        Map<String, String> all = new TreeMap<>(tags);
        all.put(QUERY_ID_TAG, queryId);
        StringBuilder json = new StringBuilder("{");
        all.forEach((key, value) -> {
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
                    + " characters as JSON with the query id, at most " + MAX_QUERY_TAG);
        }
        return tag;
    }

    /**
     * The text that the {@code QUERY_TAG} of a query started for {@code queryId} contains, and no
     * other query's tag does: the JSON member {@code "queryrelay.query_id":"<id>"}. A tag value
     * that merely mentions it holds it with escaped quotes, so it does not match.
     */
    static String queryIdMember(String queryId) {
        StringBuilder json = new StringBuilder();
        appendString(json, QUERY_ID_TAG);
        json.append(':');
        appendString(json, queryId);
        return json.toString();
    }

    static int timeoutSeconds(Duration timeout) {
        if (timeout == null) {
            return 0;
        }
        long millis = timeout.toMillis();
        long seconds = Math.max(1, millis / 1000 + (millis % 1000 == 0 ? 0 : 1));
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
