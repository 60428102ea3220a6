package dev.queryrelay.snowflake;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.JsonValue;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Reads result rows into the values of the row format ({@link dev.queryrelay.api.ResultCursor}):
 * <ul>
 *   <li>NUMBER: exact, never through a double: {@link Long} when the scale is 0 and the value
 *       fits, else {@link BigDecimal}. FLOAT: {@link Double}. BOOLEAN: {@link Boolean}.</li>
 *   <li>DATE: {@link java.time.LocalDate}; TIME: {@link java.time.LocalTime};
 *       TIMESTAMP_NTZ: {@link LocalDateTime}, read as UTC so no JVM time zone (or its daylight
 *       saving gaps) touches the wall-clock value; TIMESTAMP_LTZ: {@link OffsetDateTime} in the
 *       session's time zone; TIMESTAMP_TZ: {@link OffsetDateTime} with the value's own offset.
 *       Both are parsed from the driver's text, which the session formats as ISO-8601 with the
 *       offset ({@link SnowflakeSettings#SESSION_PARAMETERS}), so no driver-internal class is
 *       needed; text in another format falls back to the instant in UTC. Nanoseconds are kept.</li>
 *   <li>BINARY: {@code byte[]}. VARIANT, OBJECT, ARRAY (and MAP): {@link JsonValue}.</li>
 *   <li>Anything else (text, GEOGRAPHY, VECTOR, intervals): the driver's string.</li>
 * </ul>
 * One reader belongs to one cursor and is used by one thread at a time.
 */
final class RowReader {

    @FunctionalInterface
    private interface CellReader {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    private final List<ColumnMeta> columns;
    private final List<CellReader> readers;

    private RowReader(List<ColumnMeta> columns, List<CellReader> readers) {
        this.columns = List.copyOf(columns);
        this.readers = List.copyOf(readers);
    }

    static RowReader of(ResultSetMetaData md) throws SQLException {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone(ZoneOffset.UTC));
        List<ColumnMeta> columns = new ArrayList<>();
        List<CellReader> readers = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String type = typeName(md.getColumnTypeName(i), md.getColumnType(i));
            boolean number = type.equals("NUMBER") || type.equals("DECFLOAT");
            boolean temporal = type.equals("TIME") || type.startsWith("TIMESTAMP");
            Integer precision = number ? md.getPrecision(i) : null;
            Integer scale = number || temporal ? md.getScale(i) : null;
            columns.add(new ColumnMeta(md.getColumnLabel(i), type,
                    md.isNullable(i) != ResultSetMetaData.columnNoNulls, precision, scale));
            readers.add(readerFor(type, md.getColumnType(i), scale, utc));
        }
        return new RowReader(columns, readers);
    }

    List<ColumnMeta> columns() {
        return columns;
    }

    List<Object> read(ResultSet rs) throws SQLException {
        Object[] values = new Object[readers.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = readers.get(i).read(rs, i + 1);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** Snowflake's SQL type name, from the driver's (which spells timestamps without underscore). */
    static String typeName(String driverName, int jdbcType) {
        String name = driverName == null ? "" : driverName.toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TIMESTAMPNTZ", "TIMESTAMP" -> "TIMESTAMP_NTZ";
            case "TIMESTAMPLTZ" -> "TIMESTAMP_LTZ";
            case "TIMESTAMPTZ" -> "TIMESTAMP_TZ";
            case "DOUBLE", "REAL" -> "FLOAT";
            case "INTEGER", "DECIMAL", "NUMERIC", "BIGINT" -> "NUMBER";
            case "" -> jdbcTypeName(jdbcType);
            default -> name;
        };
    }

    private static String jdbcTypeName(int jdbcType) {
        return switch (jdbcType) {
            case Types.DECIMAL, Types.NUMERIC, Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> "NUMBER";
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> "FLOAT";
            case Types.BOOLEAN, Types.BIT -> "BOOLEAN";
            case Types.DATE -> "DATE";
            case Types.TIME -> "TIME";
            case Types.TIMESTAMP -> "TIMESTAMP_NTZ";
            case Types.TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMP_TZ";
            case Types.BINARY, Types.VARBINARY -> "BINARY";
            default -> "VARCHAR";
        };
    }

    private static CellReader readerFor(String type, int jdbcType, Integer scale, Calendar utc) {
        return switch (type) {
            case "NUMBER" -> scale != null && scale == 0 ? RowReader::integral : (rs, i) -> rs.getBigDecimal(i);
            case "DECFLOAT" -> (rs, i) -> rs.getBigDecimal(i);
            case "FLOAT" -> (rs, i) -> nullIfWasNull(rs, rs.getDouble(i));
            case "BOOLEAN" -> (rs, i) -> nullIfWasNull(rs, rs.getBoolean(i));
            case "DATE" -> RowReader::date;
            case "TIME" -> RowReader::time;
            case "TIMESTAMP_NTZ" -> (rs, i) -> wallClock(rs.getTimestamp(i, utc));
            case "TIMESTAMP_LTZ", "TIMESTAMP_TZ" -> RowReader::zoned;
            case "BINARY" -> (rs, i) -> rs.getBytes(i);
            case "VARIANT", "OBJECT", "ARRAY", "MAP" -> RowReader::json;
            default -> jdbcType == Types.BINARY || jdbcType == Types.VARBINARY
                    ? (rs, i) -> rs.getBytes(i)
                    : (rs, i) -> rs.getString(i);
        };
    }

    private static Object integral(ResultSet rs, int column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column);
        if (value == null) {
            return null;
        }
        try {
            return value.longValueExact();
        } catch (ArithmeticException tooLarge) {
            return value;
        }
    }

    private static Object date(ResultSet rs, int column) throws SQLException {
        Date value = rs.getDate(column);
        return value == null ? null : value.toLocalDate();
    }

    /** The driver gives TIME as a timestamp on 1970-01-01 UTC, with nanoseconds. */
    private static Object time(ResultSet rs, int column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant().atOffset(ZoneOffset.UTC).toLocalTime();
    }

    private static Object wallClock(Timestamp utcValue) {
        return utcValue == null ? null : LocalDateTime.ofInstant(utcValue.toInstant(), ZoneOffset.UTC);
    }

    /** ISO-8601 text with an offset, as the session's timestamp output formats produce it. */
    private static Object zoned(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException notIso) {
            Timestamp value = rs.getTimestamp(column);
            return value == null ? null : value.toInstant().atOffset(ZoneOffset.UTC);
        }
    }

    private static Object json(ResultSet rs, int column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? null : new JsonValue(value);
    }

    private static Object nullIfWasNull(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }
}
