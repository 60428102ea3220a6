package dev.queryrelay.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.StartRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns submit and cancel records (key and value as the bytes read from Kafka) into commands, or
 * a {@link QueryRelayException} of type {@code VALIDATION} whose message says what is wrong
 * (docs/protocol.md lists the rules). Keys and values must be UTF-8; a value must be one JSON
 * object. Thread-safe.
 */
public final class CommandParser {

    public static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final int MAX_BINDINGS = 1000;
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY = 128;
    static final int MAX_TAG_VALUE = 1024;
    static final int MAX_REASON = 1000;
    static final long MAX_POLL_INTERVAL_MS = 3_600_000;

    private static final Set<String> SUBMIT_FIELDS = Set.of("query_id", "sql", "bindings", "options", "tags");
    private static final Set<String> CANCEL_FIELDS = Set.of("query_id", "reason");
    private static final Set<String> OPTION_FIELDS = Set.of("timeout_ms", "page_rows", "max_rows", "poll_interval_ms");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final int maxSqlLength;

    /** A parser that accepts SQL texts of up to {@code maxSqlLength} characters. */
    public CommandParser(int maxSqlLength) {
        if (maxSqlLength < 1) {
            throw new IllegalArgumentException("maxSqlLength must be at least 1, got " + maxSqlLength);
        }
        this.maxSqlLength = maxSqlLength;
    }

    /** A submit command from a record's key (may be null) and value. */
    public SubmitCommand parseSubmit(byte[] key, byte[] value) {
        JsonNode root = object(value);
        checkFields(root, SUBMIT_FIELDS, "field");
        String queryId = queryId(root, key);
        JsonNode sqlNode = root.get("sql");
        if (sqlNode == null || sqlNode.isNull()) {
            throw invalid("missing field 'sql'");
        }
        if (!sqlNode.isTextual()) {
            throw invalid("field 'sql' must be a string");
        }
        String sql = sqlNode.textValue();
        if (sql.isBlank()) {
            throw invalid("field 'sql' must not be blank");
        }
        if (sql.length() > maxSqlLength) {
            throw invalid("field 'sql' has " + sql.length() + " characters, more than the limit of " + maxSqlLength);
        }
        return new SubmitCommand(new StartRequest(queryId, sql, bindings(root.get("bindings")),
                options(root.get("options")), tags(root.get("tags"))), root, value);
    }

    /** A cancel command from a record's key (may be null) and value. */
    public CancelCommand parseCancel(byte[] key, byte[] value) {
        JsonNode root = object(value);
        checkFields(root, CANCEL_FIELDS, "field");
        String queryId = queryId(root, key);
        JsonNode reason = root.get("reason");
        if (reason == null || reason.isNull()) {
            return new CancelCommand(queryId, null);
        }
        if (!reason.isTextual()) {
            throw invalid("field 'reason' must be a string");
        }
        if (reason.textValue().length() > MAX_REASON) {
            throw invalid("field 'reason' is longer than " + MAX_REASON + " characters");
        }
        return new CancelCommand(queryId, reason.textValue());
    }

    /**
     * The query id of a record that may be invalid: the {@code query_id} field when it is a valid
     * id, else the record key when the value has no {@code query_id} field and the key is a valid id.
     */
    public static String readableQueryId(byte[] keyBytes, byte[] value) {
        String key = Utf8.decodeOrNull(keyBytes);
        JsonNode root = null;
        if (value != null && Utf8.isValid(value)) {
            try {
                root = MAPPER.readTree(value);
            } catch (IOException | RuntimeException e) {
                root = null;
            }
        }
        JsonNode field = root != null && root.isObject() ? root.get("query_id") : null;
        if (field != null && !field.isNull()) {
            return field.isTextual() && QUERY_ID.matcher(field.textValue()).matches() ? field.textValue() : null;
        }
        return key != null && QUERY_ID.matcher(key).matches() ? key : null;
    }

    private static JsonNode object(byte[] value) {
        if (value == null || value.length == 0) {
            throw invalid("empty record value");
        }
        String encodingProblem = Utf8.problem(value);
        if (encodingProblem != null) {
            throw invalid("record value is not UTF-8 JSON: " + encodingProblem);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw invalid("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            throw invalid("not valid UTF-8 JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("not a JSON object");
        }
        return root;
    }

    private static void checkFields(JsonNode node, Set<String> allowed, String what) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid("unknown " + what + " '" + name + "'");
            }
        }
    }

    private static String queryId(JsonNode root, byte[] keyBytes) {
        JsonNode field = root.get("query_id");
        String id;
        if (field == null || field.isNull()) {
            if (keyBytes == null) {
                throw invalid("missing field 'query_id' and the record has no key");
            }
            id = Utf8.decodeOrNull(keyBytes);
            if (id == null) {
                throw invalid("missing field 'query_id' and the record key is not valid UTF-8");
            }
        } else if (!field.isTextual()) {
            throw invalid("field 'query_id' must be a string");
        } else {
            id = field.textValue();
        }
        if (!QUERY_ID.matcher(id).matches()) {
            throw invalid("invalid query id '" + abbreviate(id) + "': 1 to 128 characters from A-Z a-z 0-9 . _ : -");
        }
        return id;
    }

    private static List<Object> bindings(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("field 'bindings' must be an array");
        }
        if (node.size() > MAX_BINDINGS) {
            throw invalid("field 'bindings' has " + node.size() + " values, more than " + MAX_BINDINGS);
        }
        List<Object> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            if (value.isNull()) {
                values.add(null);
            } else if (value.isBoolean()) {
                values.add(value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                values.add(value.longValue());
            } else if (value.isNumber()) {
                values.add(value.decimalValue());
            } else if (value.isTextual()) {
                values.add(value.textValue());
            } else {
                throw invalid("bindings[" + i + "] must be null, a boolean, a number or a string");
            }
        }
        return values;
    }

    private static QueryOptions options(JsonNode node) {
        if (node == null || node.isNull()) {
            return QueryOptions.DEFAULTS;
        }
        if (!node.isObject()) {
            throw invalid("field 'options' must be an object");
        }
        checkFields(node, OPTION_FIELDS, "option");
        Long timeout = integer(node, "timeout_ms", 1, Long.MAX_VALUE);
        Long pageRows = integer(node, "page_rows", 1, QueryOptions.MAX_PAGE_ROWS);
        Long maxRows = integer(node, "max_rows", 0, Long.MAX_VALUE);
        Long pollInterval = integer(node, "poll_interval_ms", 1, MAX_POLL_INTERVAL_MS);
        return new QueryOptions(timeout == null ? null : Duration.ofMillis(timeout),
                pageRows == null ? QueryOptions.DEFAULT_PAGE_ROWS : pageRows.intValue(), maxRows,
                pollInterval == null ? QueryOptions.DEFAULT_POLL_INTERVAL : Duration.ofMillis(pollInterval));
    }

    private static Long integer(JsonNode options, String name, long min, long max) {
        JsonNode value = options.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw invalid("option '" + name + "' must be an integer");
        }
        long number;
        try {
            number = value.decimalValue().longValueExact();
        } catch (ArithmeticException e) {
            throw invalid("option '" + name + "' must be an integer");
        }
        if (number < min || number > max) {
            throw invalid("option '" + name + "' must be between " + min + " and " + max + ", got " + number);
        }
        return number;
    }

    private static Map<String, String> tags(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid("field 'tags' must be an object");
        }
        if (node.size() > MAX_TAGS) {
            throw invalid("field 'tags' has " + node.size() + " entries, more than " + MAX_TAGS);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (!entry.getValue().isTextual()) {
                throw invalid("tag '" + abbreviate(entry.getKey()) + "' must be a string");
            }
            if (entry.getKey().length() > MAX_TAG_KEY || entry.getValue().textValue().length() > MAX_TAG_VALUE) {
                throw invalid("tag '" + abbreviate(entry.getKey()) + "' is too long (keys up to " + MAX_TAG_KEY
                        + ", values up to " + MAX_TAG_VALUE + " characters)");
            }
            tags.put(entry.getKey(), entry.getValue().textValue());
        }
        return tags;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static QueryRelayException invalid(String message) {
        return QueryRelayException.validation(message);
    }
}
