package dev.queryrelay.protocol;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * ISO-8601 UTC timestamps with exactly three fraction digits ({@code 2026-11-24T10:00:00.123Z}), as
 * docs/protocol.md promises. Every event carries one, so the text up to the second is formatted
 * once per second and reused (the last two seconds: a record often carries the times of two
 * neighbouring seconds); the result is the same as {@link #ISO_MILLIS}'s.
 */
public final class Timestamps {

    public static final DateTimeFormatter ISO_MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    /** {@code yyyy-MM-ddTHH:mm:ss.} of one second. */
    private record Second(long epochSecond, String prefix) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");
    private static volatile Second before = last;

    private Timestamps() {
    }

    /** The instant as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}. */
    public static String format(Instant instant) {
        long epochSecond = instant.getEpochSecond();
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            second = before;
        }
        if (second.epochSecond() != epochSecond) {
            String full = ISO_MILLIS.format(Instant.ofEpochSecond(epochSecond));
            if (full.length() != 24) {
                return ISO_MILLIS.format(instant);
            }
            second = new Second(epochSecond, full.substring(0, 20));
            before = last;
            last = second;
        }
        int millis = instant.getNano() / 1_000_000;
        char[] text = new char[24];
        second.prefix().getChars(0, 20, text, 0);
        text[20] = (char) ('0' + millis / 100);
        text[21] = (char) ('0' + millis / 10 % 10);
        text[22] = (char) ('0' + millis % 10);
        text[23] = 'Z';
        return new String(text);
    }
}
