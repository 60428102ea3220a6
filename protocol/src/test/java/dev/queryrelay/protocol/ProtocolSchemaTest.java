package dev.queryrelay.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.JsonValue;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the worker to the JSON Schemas in docs/schemas: over the corpus in
 * {@code protocol-corpus/{valid,invalid}}, the parser accepts a command exactly when its schema does,
 * and every status event and result page the codec writes validates.
 */
class ProtocolSchemaTest {

    private static final String SCHEMA_BASE = "https://queryrelay.dev/schemas/v1/";
    private static final Path SCHEMA_DIR = Path.of("..", "docs", "schemas").toAbsolutePath().normalize();
    private static final Path CORPUS = Path.of("src", "test", "resources", "protocol-corpus");
    /** Every corpus command is read with this record key: a valid id, used when the value has no query_id. */
    private static final byte[] KEY = "corpus-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** A strict JSON reader: what the schema sees, or nothing when the bytes are not one JSON document. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(ProtocolSchemaTest::schemaText));

    private final CommandParser parser = new CommandParser(100_000);
    private final EventCodec codec = new EventCodec("worker-1", "mock");

    @TestFactory
    Stream<DynamicTest> theParserAcceptsACommandExactlyWhenTheSchemaDoes() throws IOException {
        Schema submit = schema("submit-command");
        Schema cancel = schema("cancel-command");
        List<DynamicTest> tests = new ArrayList<>();
        for (String verdict : List.of("valid", "invalid")) {
            try (Stream<Path> files = Files.list(CORPUS.resolve(verdict))) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    boolean isSubmit = name.startsWith("submit-");
                    assertTrue(isSubmit || name.startsWith("cancel-"), "corpus file named neither submit-* nor cancel-*: " + file);
                    tests.add(DynamicTest.dynamicTest(verdict + "/" + name, () -> {
                        byte[] value = Files.readAllBytes(file);
                        List<String> schemaErrors = schemaErrors(isSubmit ? submit : cancel, value);
                        String parserError = parserError(isSubmit, value);
                        boolean expectValid = verdict.equals("valid");
                        assertEquals(expectValid, schemaErrors.isEmpty(), "schema: " + schemaErrors);
                        assertEquals(expectValid, parserError == null, "parser: " + parserError);
                    }));
                }
            }
        }
        assertTrue(tests.size() > 50, "corpus not found under " + CORPUS.toAbsolutePath());
        return tests.stream();
    }

    @Test
    void everyStatusEventTheCodecWritesValidates() {
        Schema status = schema("status-event");
        List<ColumnMeta> columns = List.of(new ColumnMeta("ID", "NUMBER", false, 38, 0), ColumnMeta.of("NAME", "TEXT"));
        for (QueryStatus state : QueryStatus.values()) {
            ErrorInfo error = switch (state) {
                case FAILED -> new ErrorInfo(ErrorType.SQL, "SQL compilation error", "002003", "42S02", false);
                case CANCELED -> ErrorInfo.of(ErrorType.CANCELED, "superseded");
                case TIMEOUT -> ErrorInfo.of(ErrorType.TIMEOUT, "query exceeded its timeout of 10 ms");
                default -> null;
            };
            String providerId = state == QueryStatus.PENDING ? null : "01b8f0a2-0000-1c2d";
            assertValid(status, codec.status(snapshot(state, providerId, error, state.isTerminal() ? columns : List.of())));
        }
        assertValid(status, codec.status(snapshot(QueryStatus.CANCELED, null, ErrorInfo.of(ErrorType.CANCELED, "before start"), List.of())));
        for (ErrorType type : ErrorType.values()) {
            assertValid(status, codec.rejected("bad-1", ErrorInfo.of(type, "rejected"), Instant.parse("2026-11-24T10:00:00Z")));
        }
    }

    @Test
    void theStatusSchemaRejectsEventsThatBreakTheLifecycleRules() {
        Schema status = schema("status-event");
        String base = "\"query_id\":\"q-1\",\"seq\":2,\"at\":\"2026-11-24T10:15:30.125Z\",\"worker\":\"w1\",\"provider\":\"mock\"";
        assertInvalid(status, "{" + base + ",\"status\":\"RUNNING\"}");
        assertInvalid(status, "{" + base + ",\"status\":\"FAILED\",\"row_count\":0,\"pages\":0,\"truncated\":false}");
        assertInvalid(status, "{" + base + ",\"status\":\"SUCCEEDED\",\"provider_query_id\":\"p\"}");
        assertInvalid(status, "{" + base + ",\"status\":\"PENDING\",\"error\":{\"type\":\"SQL\",\"message\":\"m\",\"retryable\":false}}");
        assertInvalid(status, "{" + base + ",\"status\":\"DONE\"}");
        assertInvalid(status, "{" + base.replace(".125Z", "Z") + ",\"status\":\"PENDING\"}");
    }

    @Test
    void resultPagesWithEveryCellTypeValidate() {
        Schema page = schema("result-page");
        List<ColumnMeta> columns = List.of(ColumnMeta.of("N", "NUMBER"), ColumnMeta.of("N", "NUMBER"), ColumnMeta.of("F", "FLOAT"),
                ColumnMeta.of("INF", "DOUBLE"), ColumnMeta.of("X", "TEXT"), ColumnMeta.of("OK", "BOOLEAN"), ColumnMeta.of("D", "DATE"),
                ColumnMeta.of("T", "TIME"), ColumnMeta.of("TS", "TIMESTAMP_NTZ"), ColumnMeta.of("TZ", "TIMESTAMP_TZ"),
                ColumnMeta.of("LTZ", "TIMESTAMP_LTZ"), ColumnMeta.of("B", "BINARY"), ColumnMeta.of("V", "VARIANT"),
                ColumnMeta.of("A", "ARRAY"), new ColumnMeta("DEC", "NUMBER", true, 38, 9));
        List<Object> row = Arrays.asList(new BigDecimal("12345678901234567890.123456789"), 7L, 1.5d, Double.NEGATIVE_INFINITY,
                "é\"\n", true, LocalDate.of(2026, 11, 24), LocalTime.of(10, 15, 30, 500_000_000), LocalDateTime.of(2024, 1, 1, 0, 0, 1),
                OffsetDateTime.of(2026, 11, 24, 10, 15, 30, 0, ZoneOffset.ofHours(1)), Instant.parse("2026-11-24T09:15:30Z"),
                new byte[]{1, 2, 3}, new JsonValue("{\"a\":[1,2],\"d\":0.10000000000000000000001}"), new JsonValue("[1,\"two\",null]"),
                new BigDecimal("0.000000001"));
        List<Object> nulls = Arrays.asList(new Object[columns.size()]);
        assertValid(page, codec.page(new QueryPage("q-1", 0, 0, columns, List.of(row, nulls), false)));
        assertValid(page, codec.page(new QueryPage("q-1", 1, 2, columns, List.of(), true)));
    }

    @Test
    void theAsyncApiDocumentAndTheSchemasExamplesAgreeWithTheSchemas() throws IOException {
        JsonNode asyncApi = new YAMLMapper().readTree(SCHEMA_DIR.resolveSibling("asyncapi.yaml").toFile());
        Map<String, String> payloads = Map.of("submitCommand", "submit-command", "cancelCommand", "cancel-command",
                "statusEvent", "status-event", "resultPage", "result-page");
        payloads.forEach((message, name) -> {
            JsonNode definition = asyncApi.path("components").path("messages").path(message);
            assertEquals("./schemas/" + name + ".schema.json", definition.path("payload").path("schema").path("$ref").asText(), message);
            Schema schema = schema(name);
            for (JsonNode example : definition.path("examples")) {
                assertTrue(schema.validate(example.path("payload")).isEmpty(), message + " example " + example);
            }
            for (JsonNode example : schemaNode(name).path("examples")) {
                assertTrue(schema.validate(example).isEmpty(), name + " example " + example);
            }
        });
        for (String topic : List.of("submit", "cancel", "status", "results", "dlq")) {
            assertEquals("queryrelay." + topic, asyncApi.path("channels").path(topic).path("address").asText(), topic);
        }
    }

    private static QuerySnapshot snapshot(QueryStatus status, String providerId, ErrorInfo error, List<ColumnMeta> columns) {
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        boolean terminal = status.isTerminal();
        return new QuerySnapshot("q-1", "SELECT 1", status, t0, t0.plusMillis(1500), providerId == null ? null : t0.plusMillis(10),
                terminal ? t0.plusMillis(1500) : null, terminal && providerId != null ? 1490L : null, terminal ? 25 : 0,
                terminal ? 3 : 0, false, columns, error, providerId, QueryOptions.DEFAULTS, Map.of(), status.ordinal() + 1);
    }

    private String parserError(boolean submit, byte[] value) {
        try {
            if (submit) {
                parser.parseSubmit(KEY, value);
            } else {
                parser.parseCancel(KEY, value);
            }
            return null;
        } catch (QueryRelayException e) {
            assertEquals(ErrorType.VALIDATION, e.type(), e.getMessage());
            return e.getMessage();
        }
    }

    private static List<String> schemaErrors(Schema schema, byte[] value) {
        JsonNode node;
        try {
            node = STRICT.readTree(value);
        } catch (IOException e) {
            return List.of("not one JSON document: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            return List.of("no JSON document");
        }
        return schema.validate(node).stream().map(Error::toString).toList();
    }

    private static void assertValid(Schema schema, byte[] json) {
        List<String> errors = schemaErrors(schema, json);
        assertTrue(errors.isEmpty(), () -> errors + " in " + new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void assertInvalid(Schema schema, String json) {
        assertFalse(schemaErrors(schema, json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEmpty(), json);
    }

    /** The text of a schema named by its $id, read from docs/schemas; null (unknown) for other ids. */
    private static String schemaText(String id) {
        if (!id.startsWith(SCHEMA_BASE)) {
            return null;
        }
        try {
            return Files.readString(SCHEMA_DIR.resolve(id.substring(SCHEMA_BASE.length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode schemaNode(String name) {
        try {
            return STRICT.readTree(SCHEMA_DIR.resolve(name + ".schema.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema schema(String name) {
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of(SCHEMA_BASE + name + ".schema.json"));
        schema.initializeValidators();
        return schema;
    }
}
