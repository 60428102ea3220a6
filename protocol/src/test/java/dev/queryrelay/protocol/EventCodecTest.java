package dev.queryrelay.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.JsonValue;
import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final EventCodec codec = new EventCodec("w1", "mock");

    private static JsonNode json(byte[] bytes) throws Exception {
        return MAPPER.readTree(bytes);
    }

    private static QuerySnapshot snapshot(QueryStatus status, String providerId, ErrorInfo error, List<ColumnMeta> columns) {
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        boolean terminal = status.isTerminal();
        return new QuerySnapshot("q-1", "SELECT 1", status, t0, t0.plusMillis(1500), providerId == null ? null : t0.plusMillis(10),
                terminal ? t0.plusMillis(1500) : null, terminal && providerId != null ? 1490L : null, 25, 3, true, columns, error,
                providerId, QueryOptions.DEFAULTS, Map.of(), 3);
    }

    @Test
    void pendingEventHasOnlyTheFieldsKnown() throws Exception {
        JsonNode event = json(codec.status(snapshot(QueryStatus.PENDING, null, null, List.of())));
        assertEquals(List.of("query_id", "status", "seq", "at", "worker", "provider"), fieldNames(event));
        assertEquals("2026-11-24T10:00:01.500Z", event.get("at").asText());
        assertEquals("PENDING", event.get("status").asText());
    }

    @Test
    void terminalEventsCarryCountsColumnsAndError() throws Exception {
        ErrorInfo error = new ErrorInfo(ErrorType.SQL, "boom", "002003", "42S02", false);
        JsonNode event = json(codec.status(snapshot(QueryStatus.FAILED, "p-1", error,
                List.of(new ColumnMeta("ID", "NUMBER", false, 38, 0)))));
        assertEquals(25, event.get("row_count").asLong());
        assertEquals(3, event.get("pages").asInt());
        assertTrue(event.get("truncated").asBoolean());
        assertEquals(1490, event.get("execution_ms").asLong());
        assertEquals("p-1", event.get("provider_query_id").asText());
        assertEquals(38, event.get("columns").get(0).get("precision").asInt());
        JsonNode err = event.get("error");
        assertEquals("SQL", err.get("type").asText());
        assertEquals("002003", err.get("code").asText());
        assertEquals("42S02", err.get("sql_state").asText());
        assertFalse(err.get("retryable").asBoolean());
    }

    @Test
    void rejectedEventIsAFailedFirstEvent() throws Exception {
        JsonNode event = json(codec.rejected("bad-1", ErrorInfo.of(ErrorType.VALIDATION, "unknown option 'x'"),
                Instant.parse("2026-11-24T10:00:00Z")));
        assertEquals("FAILED", event.get("status").asText());
        assertEquals(1, event.get("seq").asInt());
        assertEquals("VALIDATION", event.get("error").get("type").asText());
        assertFalse(event.has("provider_query_id"));
        assertEquals(0, event.get("row_count").asInt());
        assertEquals(0, event.get("pages").asInt());
        assertFalse(event.get("truncated").asBoolean());
        assertEquals("2026-11-24T10:00:00.000Z", event.get("at").asText());
    }

    @Test
    void timestampsHaveExactlyThreeFractionDigits() {
        assertEquals("2026-11-24T10:00:00.000Z", Timestamps.format(Instant.parse("2026-11-24T10:00:00Z")));
        assertEquals("2026-11-24T10:00:00.123Z", Timestamps.format(Instant.parse("2026-11-24T10:00:00.123456789Z")));
        assertEquals("2026-11-24T10:00:00.007Z", Timestamps.format(Instant.parse("2026-11-24T10:00:00.007Z")));
        assertEquals("2026-11-24T10:00:01.999Z", Timestamps.format(Instant.parse("2026-11-24T10:00:01.999999Z")));
        assertEquals("1970-01-01T00:00:00.000Z", Timestamps.format(Instant.EPOCH));
        assertEquals("+10000-01-01T00:00:00.000Z", Timestamps.format(Instant.parse("+10000-01-01T00:00:00Z")));
    }

    @Test
    void timestampsOfSecondsTakenInTurnAreEachTheirOwn() {
        for (int i = 0; i < 3; i++) {
            assertEquals("2026-11-24T10:00:59.999Z", Timestamps.format(Instant.parse("2026-11-24T10:00:59.999Z")));
            assertEquals("2026-11-24T10:01:00.001Z", Timestamps.format(Instant.parse("2026-11-24T10:01:00.001Z")));
            assertEquals("2026-11-24T10:02:00.500Z", Timestamps.format(Instant.parse("2026-11-24T10:02:00.500Z")));
        }
    }

    @Test
    void timestampsMatchTheJdkFormatterAcrossSeconds() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        Instant base = Instant.parse("2026-11-24T23:59:58Z");
        for (int i = 0; i < 10_000; i++) {
            Instant at = base.plusNanos(random.nextLong(3_000_000_000L));
            assertEquals(Timestamps.ISO_MILLIS.format(at), Timestamps.format(at), at.toString());
        }
    }

    @Test
    void pageValuesFollowTheRowFormat() throws Exception {
        List<ColumnMeta> columns = List.of(ColumnMeta.of("N", "NUMBER"), ColumnMeta.of("N", "NUMBER"), ColumnMeta.of("D", "DATE"),
                ColumnMeta.of("T", "TIME"), ColumnMeta.of("TS", "TIMESTAMP_NTZ"), ColumnMeta.of("TZ", "TIMESTAMP_TZ"),
                ColumnMeta.of("B", "BINARY"), ColumnMeta.of("V", "VARIANT"), ColumnMeta.of("F", "FLOAT"),
                ColumnMeta.of("X", "TEXT"), ColumnMeta.of("OK", "BOOLEAN"), ColumnMeta.of("I", "TIMESTAMP_LTZ"));
        List<Object> row = Arrays.asList(new BigDecimal("12345678901234567890.123456789"), 7L, LocalDate.of(2026, 11, 24),
                LocalTime.of(10, 15, 30), LocalDateTime.of(2024, 1, 1, 0, 0), OffsetDateTime.of(2026, 11, 24, 10, 15, 30, 0, ZoneOffset.ofHours(1)),
                new byte[]{1, 2, 3}, new JsonValue("{\"a\":[1,2],\"d\":0.10000000000000000000001}"), Double.NaN, "é\"\n", true, Instant.parse("2026-11-24T09:15:30Z"));
        byte[] bytes = codec.page(new QueryPage("q-1", 2, 2000, columns, List.of(row, Arrays.asList(new Object[12])), true));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"N\":12345678901234567890.123456789"), text);
        JsonNode page = json(bytes);
        assertEquals(2, page.get("page").asInt());
        assertEquals(2000, page.get("offset").asLong());
        assertTrue(page.get("last").asBoolean());
        assertEquals("N_2", page.get("columns").get(1).get("name").asText());
        JsonNode first = page.get("rows").get(0);
        assertEquals(7, first.get("N_2").asLong());
        assertEquals("2026-11-24", first.get("D").asText());
        assertEquals("10:15:30", first.get("T").asText());
        assertEquals("2024-01-01T00:00:00", first.get("TS").asText());
        assertEquals("2026-11-24T10:15:30+01:00", first.get("TZ").asText());
        assertEquals("AQID", first.get("B").asText());
        assertEquals(2, first.get("V").get("a").get(1).asInt());
        assertTrue(text.contains("\"d\":0.10000000000000000000001"), "semi-structured numbers stay exact: " + text);
        assertEquals("NaN", first.get("F").asText());
        assertEquals("é\"\n", first.get("X").asText());
        assertTrue(first.get("OK").asBoolean());
        assertEquals("2026-11-24T09:15:30Z", first.get("I").asText());
        assertTrue(page.get("rows").get(1).get("V").isNull());
    }

    @Test
    void theRowSizerBoundsTheEncodedRow() throws Exception {
        List<ColumnMeta> columns = List.of(ColumnMeta.of("ID", "NUMBER"), ColumnMeta.of("NAME", "TEXT"), ColumnMeta.of("TS", "TIMESTAMP_NTZ"));
        List<Object> row = List.of(123456789L, "ünïcödé \"quoted\" \u0001", LocalDateTime.of(2024, 1, 1, 0, 0, 1, 123456789));
        byte[] page = codec.page(new QueryPage("q", 0, 0, columns, List.of(row), true));
        byte[] empty = codec.page(new QueryPage("q", 0, 0, columns, List.of(), true));
        long rowBytes = page.length - empty.length;
        assertTrue(dev.queryrelay.registry.JsonRowSizer.INSTANCE.estimate(columns, row) >= rowBytes,
                "estimate below the real " + rowBytes + " bytes");
    }

    @Test
    void theRowSizerBoundsEveryKindOfCellAndStaysCloseForSemiStructuredValues() throws Exception {
        List<Object> cells = List.of(new java.math.BigDecimal("1E+400"), new java.math.BigDecimal("-1.5E-7"),
                new java.math.BigDecimal("0.000"), 0.1f, Float.MAX_VALUE, -Double.MIN_VALUE, (short) -32768,
                new java.math.BigInteger("-123456789012345678901234567890"),
                new JsonValue("[1e-6, -1.5e-6, 2E5, 1e400, \"\\u0041\\n\", \"\u00e9\u20ac\ud83d\ude00\", 0.10, -0]"),
                LocalDateTime.MAX, LocalDateTime.MIN, java.time.OffsetDateTime.MIN, Instant.MAX, Instant.MIN,
                java.time.ZonedDateTime.of(LocalDateTime.MAX, java.time.ZoneOffset.MIN));
        for (Object cell : cells) {
            List<ColumnMeta> columns = List.of(ColumnMeta.of("C", "X"));
            List<Object> row = java.util.Collections.singletonList(cell);
            long rowBytes = codec.page(new QueryPage("q", 0, 0, columns, List.of(row), true)).length
                    - codec.page(new QueryPage("q", 0, 0, columns, List.of(), true)).length;
            long estimate = dev.queryrelay.registry.JsonRowSizer.INSTANCE.estimate(columns, row);
            assertTrue(estimate >= rowBytes, cell + ": estimate " + estimate + " below the real " + rowBytes + " bytes");
        }
        String variant = "{\"k\":\"" + "x".repeat(300_000) + "\"}";
        List<Object> row = List.of(new JsonValue(variant));
        List<ColumnMeta> columns = List.of(ColumnMeta.of("V", "VARIANT"));
        assertTrue(dev.queryrelay.registry.JsonRowSizer.INSTANCE.estimate(columns, row) < 400_000,
                "a 300 KB VARIANT counts about its size, not three times it");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
