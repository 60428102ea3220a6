package dev.queryrelay.snowflake;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.JsonValue;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.snowflake.fake.Cells;
import dev.queryrelay.snowflake.fake.FakeColumn;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Every Snowflake type through the real driver into the row format. The build runs this JVM in
 * America/New_York, and the TIMESTAMP_NTZ value lies in that zone's daylight saving gap.
 */
class SnowflakeTypesIT {

    private static final LocalDateTime NTZ = LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_456_789);
    private static final Instant LTZ = Instant.parse("2024-03-10T10:30:00.123456789Z");
    private static final OffsetDateTime TZ = OffsetDateTime.parse("2024-03-10T02:30:00.987654321+05:45");
    private static final LocalTime TIME = LocalTime.of(13, 14, 15, 123_456_789);
    private static final List<FakeColumn> COLUMNS = List.of(
            FakeColumn.number("SMALL", 10, 0), FakeColumn.number("HUGE", 38, 0), FakeColumn.number("DEC", 12, 3),
            FakeColumn.of("F", "real"), FakeColumn.of("B", "boolean"), FakeColumn.of("D", "date"),
            FakeColumn.of("T", "time"), FakeColumn.of("NTZ", "timestamp_ntz"), FakeColumn.of("LTZ", "timestamp_ltz"),
            FakeColumn.of("TZ", "timestamp_tz"), FakeColumn.of("BIN", "binary"), FakeColumn.of("V", "variant"),
            FakeColumn.of("O", "object"), FakeColumn.of("A", "array"), FakeColumn.text("S"));
    private static final List<String> VALUES = List.of(
            "-42", "123456789012345678901234567890", "-0.001", "1.5", Cells.bool(true),
            Cells.date(LocalDate.of(1969, 12, 31)), Cells.time(TIME), Cells.timestampNtz(NTZ), Cells.timestampLtz(LTZ),
            Cells.timestampTz(TZ), Cells.binary(new byte[] {1, 2, (byte) 0xff}), "{\"a\": [1, 2]}", "{\"k\": \"v\"}",
            "[1,\"x\"]", "héllo");

    private FakeSnowflakeServer fake;

    @BeforeEach
    void start() {
        fake = FakeSnowflakeServer.start();
        fake.addPasswordUser("alice", "alice-password-1");
        List<List<String>> rows = List.of(VALUES, new ArrayList<>(Collections.nCopies(COLUMNS.size(), (String) null)));
        fake.when("SELECT types").returning(FakeResult.of(COLUMNS, rows));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void everyTypeMapsToAnExactJavaValue() {
        assertEquals("America/New_York", TimeZone.getDefault().getID(), "the build's JVM zone");

        List<List<Object>> rows = query(Map.of());

        List<Object> row = rows.get(0);
        assertEquals(-42L, row.get(0));
        assertEquals(new BigDecimal("123456789012345678901234567890"), row.get(1));
        assertEquals(new BigDecimal("-0.001"), row.get(2));
        assertEquals(1.5, row.get(3));
        assertEquals(true, row.get(4));
        assertEquals(LocalDate.of(1969, 12, 31), row.get(5));
        assertEquals(TIME, row.get(6));
        assertEquals(NTZ, row.get(7));
        assertEquals(OffsetDateTime.parse("2024-03-10T03:30:00.123456789-07:00"), row.get(8),
                "LTZ in the session time zone (America/Los_Angeles)");
        assertEquals(TZ, row.get(9));
        assertEquals(TZ.getOffset(), ((OffsetDateTime) row.get(9)).getOffset());
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, (byte[]) row.get(10));
        assertEquals(new JsonValue("{\"a\": [1, 2]}"), row.get(11));
        assertEquals(new JsonValue("{\"k\": \"v\"}"), row.get(12));
        assertEquals(new JsonValue("[1,\"x\"]"), row.get(13));
        assertEquals("héllo", row.get(14));
        assertEquals(Collections.nCopies(COLUMNS.size(), null), rows.get(1));
    }

    @Test
    void columnsCarrySnowflakeTypeNames() {
        WarehouseConnection connection = new SnowflakeConnectionProvider().connect(settings(Map.of()));
        try {
            String id = connection.start(SnowflakeProviderIT.request("SELECT types"));
            await().atMost(Duration.ofSeconds(20)).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
            try (ResultCursor cursor = connection.results(id)) {
                List<String> types = cursor.columns().stream().map(ColumnMeta::type).toList();
                assertEquals(List.of("NUMBER", "NUMBER", "NUMBER", "FLOAT", "BOOLEAN", "DATE", "TIME", "TIMESTAMP_NTZ",
                        "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "BINARY", "VARIANT", "OBJECT", "ARRAY", "VARCHAR"), types);
                assertEquals(new ColumnMeta("DEC", "NUMBER", true, 12, 3), cursor.columns().get(2));
                assertEquals(9, cursor.columns().get(7).scale());
                assertNull(cursor.columns().get(14).precision());
            }
        } finally {
            connection.close();
        }
    }

    @Test
    void zonedTimestampsKeepTheirOffsetWithoutTheDriversZonedTimestampClass() {
        List<Object> row = query(Map.of("JDBC_USE_SESSION_TIMEZONE", "false")).get(0);

        assertEquals(NTZ, row.get(7));
        assertEquals(OffsetDateTime.parse("2024-03-10T03:30:00.123456789-07:00"), row.get(8),
                "LTZ still in the session time zone: parsed from the session's ISO text, not the driver's class");
        assertEquals(TZ, row.get(9));
        assertEquals(TIME.withNano(123_000_000), row.get(6), "the driver gives TIME in milliseconds then");
    }

    private List<List<Object>> query(Map<String, String> extra) {
        WarehouseConnection connection = new SnowflakeConnectionProvider().connect(settings(extra));
        try {
            String id = connection.start(SnowflakeProviderIT.request("SELECT types"));
            await().atMost(Duration.ofSeconds(20)).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
            return SnowflakeProviderIT.readAll(connection, id);
        } finally {
            connection.close();
        }
    }

    private Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(fake.providerSettings("alice", "alice-password-1"));
        settings.putAll(extra);
        return settings;
    }
}
