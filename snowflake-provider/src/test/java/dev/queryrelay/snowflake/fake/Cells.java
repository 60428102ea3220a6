package dev.queryrelay.snowflake.fake;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Encoders from Java values to the cell strings of Snowflake's JSON result format (every cell is a
 * string or null), as the real driver parses them.
 */
public final class Cells {

    private Cells() {
    }

    public static String number(BigDecimal value) {
        return value.toPlainString();
    }

    public static String number(long value) {
        return Long.toString(value);
    }

    public static String bool(boolean value) {
        return value ? "1" : "0";
    }

    /** Days since 1970-01-01. */
    public static String date(LocalDate value) {
        return Long.toString(value.toEpochDay());
    }

    /** Seconds since midnight with nine fractional digits. */
    public static String time(LocalTime value) {
        return secondsAndNanos(value.toSecondOfDay(), value.getNano());
    }

    /** The wall-clock value read as UTC: epoch seconds with nine fractional digits. */
    public static String timestampNtz(LocalDateTime value) {
        return secondsAndNanos(value.toEpochSecond(ZoneOffset.UTC), value.getNano());
    }

    public static String timestampLtz(Instant value) {
        return secondsAndNanos(value.getEpochSecond(), value.getNano());
    }

    /** Epoch seconds and nanos, a space, then the offset in minutes plus 1440. */
    public static String timestampTz(OffsetDateTime value) {
        int offsetMinutes = value.getOffset().getTotalSeconds() / 60;
        return timestampLtz(value.toInstant()) + " " + (offsetMinutes + 1440);
    }

    public static String binary(byte[] value) {
        return HexFormat.of().withUpperCase().formatHex(value);
    }

    private static String secondsAndNanos(long seconds, int nanos) {
        BigDecimal exact = BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9));
        return exact.setScale(9).toPlainString();
    }
}
