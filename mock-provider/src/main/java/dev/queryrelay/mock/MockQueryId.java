package dev.queryrelay.mock;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A self-describing mock query id:
 * {@code mock-<start>-<random>[-<directives>]}, where {@code start} is the start time in epoch
 * milliseconds and {@code random} eight characters, both base 36, and {@code directives} the
 * non-default directive values joined by {@code .}: {@code d<duration_ms>}, {@code r<rows>},
 * {@code f<TYPE>}, {@code c<code>}, {@code n<network_faults>}, {@code s<start_faults>} (only when it
 * differs from network_faults). Example: {@code mock-lr3k2a8g-4f9k2c1x-d2000.r5000.fSQL.c002003.n2}.
 */
record MockQueryId(String value, long startMillis, MockDirective directive) {

    static final String PREFIX = "mock-";
    private static final int RANDOM_LENGTH = 8;
    private static final long RANDOM_BOUND = 2_821_109_907_456L; // 36^8
    private static final int MAX_LENGTH = 160;

    /** A new id for a query started at {@code startMillis}. */
    static String create(long startMillis, MockDirective directive) {
        String random = Long.toString(ThreadLocalRandom.current().nextLong(RANDOM_BOUND), 36);
        StringBuilder id = new StringBuilder(PREFIX)
                .append(Long.toUnsignedString(startMillis, 36))
                .append('-');
        for (int i = random.length(); i < RANDOM_LENGTH; i++) {
            id.append('0');
        }
        id.append(random);
        if (!directive.equals(MockDirective.DEFAULT)) {
            id.append('-').append(encode(directive));
        }
        return id.toString();
    }

    /** The id's parts, or {@code null} when {@code id} is not a valid mock id. */
    static MockQueryId parse(String id) {
        if (id == null || id.length() > MAX_LENGTH || !id.startsWith(PREFIX)) {
            return null;
        }
        int startEnd = id.indexOf('-', PREFIX.length());
        if (startEnd < 0) {
            return null;
        }
        int randomEnd = id.indexOf('-', startEnd + 1);
        String start = id.substring(PREFIX.length(), startEnd);
        String random = randomEnd < 0 ? id.substring(startEnd + 1) : id.substring(startEnd + 1, randomEnd);
        if (!isBase36(start) || random.length() != RANDOM_LENGTH || !isBase36(random)) {
            return null;
        }
        try {
            long startMillis = Long.parseUnsignedLong(start, 36);
            MockDirective directive = randomEnd < 0 ? MockDirective.DEFAULT : decode(id.substring(randomEnd + 1));
            return directive == null ? null : new MockQueryId(id, startMillis, directive);
        } catch (IllegalArgumentException | ArithmeticException | QueryRelayException e) {
            return null;
        }
    }

    private static String encode(MockDirective d) {
        StringJoiner fields = new StringJoiner(".");
        if (d.durationMs() != 0) {
            fields.add("d" + d.durationMs());
        }
        if (d.rows() != 1) {
            fields.add("r" + d.rows());
        }
        if (d.failType() != null) {
            fields.add("f" + d.failType().name());
        }
        if (d.failCode() != null) {
            fields.add("c" + d.failCode());
        }
        if (d.networkFaults() != 0) {
            fields.add("n" + d.networkFaults());
        }
        if (d.startFaults() != d.networkFaults()) {
            fields.add("s" + d.startFaults());
        }
        return fields.toString();
    }

    private static MockDirective decode(String fields) {
        long duration = 0;
        long rows = 1;
        ErrorType failType = null;
        String failCode = null;
        int networkFaults = 0;
        Integer startFaults = null;
        String seen = "";
        for (String field : fields.split("\\.", -1)) {
            if (field.length() < 2 || seen.indexOf(field.charAt(0)) >= 0) {
                return null;
            }
            seen += field.charAt(0);
            String value = field.substring(1);
            switch (field.charAt(0)) {
                case 'd' -> duration = parseDecimal(value);
                case 'r' -> rows = parseDecimal(value);
                case 'f' -> failType = ErrorType.valueOf(value);
                case 'c' -> failCode = value;
                case 'n' -> networkFaults = Math.toIntExact(parseDecimal(value));
                case 's' -> startFaults = Math.toIntExact(parseDecimal(value));
                default -> {
                    return null;
                }
            }
        }
        return new MockDirective(duration, rows, failType, failCode, networkFaults,
                startFaults == null ? networkFaults : startFaults);
    }

    private static long parseDecimal(String value) {
        if (!value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(value);
        }
        return Long.parseLong(value);
    }

    private static boolean isBase36(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
