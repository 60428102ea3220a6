package dev.queryrelay.mock;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The script of one mock query, read from a directive comment at the very start of its SQL:
 * {@code /* mock: duration_ms=2000 rows=5000 fail=SQL:002003 network_faults=2 *}{@code / SELECT ...}.
 *
 * @param durationMs    how long the query runs, in milliseconds ({@code duration_ms}, default 0)
 * @param rows          rows returned by a successful query ({@code rows}, default 1)
 * @param failType      the error the query ends {@code FAILED} with ({@code fail}), or {@code null}
 * @param failCode      the vendor code of that error, or {@code null}
 * @param networkFaults retryable network failures thrown by each status, results and cancel call
 *                      ({@code network_faults}, default 0)
 * @param startFaults   retryable network failures thrown by the start call ({@code start_faults},
 *                      default {@code network_faults})
 */
public record MockDirective(long durationMs, long rows, ErrorType failType, String failCode,
                            int networkFaults, int startFaults) {

    /** The script of a query without a directive: succeeds at once with one row. */
    public static final MockDirective DEFAULT = new MockDirective(0, 1, null, null, 0, 0);

    /** The most rows a mock query may return. */
    public static final long MAX_ROWS = 1_000_000_000_000L;

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Set<String> KEYS =
            Set.of("duration_ms", "rows", "fail", "network_faults", "start_faults");

    public MockDirective {
        if (durationMs < 0) {
            throw QueryRelayException.validation("mock duration_ms must not be negative, got " + durationMs);
        }
        if (rows < 0 || rows > MAX_ROWS) {
            throw QueryRelayException.validation(
                    "mock rows must be between 0 and " + MAX_ROWS + ", got " + rows);
        }
        if (networkFaults < 0 || startFaults < 0) {
            throw QueryRelayException.validation("mock fault counts must not be negative");
        }
        if (failCode != null && (failType == null || !CODE.matcher(failCode).matches())) {
            throw QueryRelayException.validation(
                    "mock fail code must be 1 to 32 of [A-Za-z0-9_-] after a type, got '" + failCode + "'");
        }
    }

    /**
     * Reads the directive at the start of {@code sql} (after optional whitespace).
     *
     * @return the directive, or {@link #DEFAULT} when the SQL does not start with one
     * @throws QueryRelayException with {@link ErrorType#VALIDATION} for a malformed directive,
     *                             an unknown key or a bad value
     */
    public static MockDirective parse(String sql) {
        Objects.requireNonNull(sql, "sql");
        int open = skipWhitespace(sql, 0);
        if (!sql.startsWith("/*", open)) {
            return DEFAULT;
        }
        int word = skipWhitespace(sql, open + 2);
        if (!sql.regionMatches(true, word, "mock", 0, 4) || !endsWord(sql, word + 4)) {
            return DEFAULT;
        }
        int colon = skipWhitespace(sql, word + 4);
        int close = sql.indexOf("*/", word);
        if (close < 0) {
            throw QueryRelayException.validation("mock directive is not closed with */");
        }
        if (colon >= close || sql.charAt(colon) != ':') {
            throw QueryRelayException.validation(
                    "mock directive must read /* mock: key=value ... */, the ':' is missing");
        }
        String body = sql.substring(colon + 1, close).strip();
        return body.isEmpty() ? DEFAULT : parseBody(body);
    }

    private static MockDirective parseBody(String body) {
        long duration = 0;
        long rows = 1;
        ErrorType failType = null;
        String failCode = null;
        int networkFaults = 0;
        Integer startFaults = null;
        Set<String> seen = new HashSet<>();
        for (String token : body.split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq <= 0 || eq == token.length() - 1) {
                throw QueryRelayException.validation("mock directive expects key=value, got '" + token + "'");
            }
            String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = token.substring(eq + 1);
            if (!KEYS.contains(key)) {
                throw QueryRelayException.validation(
                        "unknown mock directive key '" + key + "', expected one of " + KEYS);
            }
            if (!seen.add(key)) {
                throw QueryRelayException.validation("mock directive key '" + key + "' is given twice");
            }
            switch (key) {
                case "duration_ms" -> duration = parseCount(key, value, Long.MAX_VALUE);
                case "rows" -> rows = parseCount(key, value, MAX_ROWS);
                case "network_faults" -> networkFaults = (int) parseCount(key, value, Integer.MAX_VALUE);
                case "start_faults" -> startFaults = (int) parseCount(key, value, Integer.MAX_VALUE);
                default -> {
                    int sep = value.indexOf(':');
                    failType = parseType(sep < 0 ? value : value.substring(0, sep));
                    failCode = sep < 0 ? null : value.substring(sep + 1);
                }
            }
        }
        return new MockDirective(duration, rows, failType, failCode, networkFaults,
                startFaults == null ? networkFaults : startFaults);
    }

    private static long parseCount(String key, String value, long max) {
        if (!value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw QueryRelayException.validation(
                    "mock " + key + " must be a non-negative integer, got '" + value + "'");
        }
        try {
            long n = Long.parseLong(value);
            if (n <= max) {
                return n;
            }
        } catch (NumberFormatException tooLong) {
            // falls through to the range error
        }
        throw QueryRelayException.validation("mock " + key + " must be at most " + max + ", got " + value);
    }

    private static ErrorType parseType(String name) {
        try {
            return ErrorType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw QueryRelayException.validation("unknown error type '" + name + "' in mock fail, expected one of "
                    + Arrays.toString(ErrorType.values()));
        }
    }

    private static int skipWhitespace(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean endsWord(String s, int at) {
        return at >= s.length() || !Character.isLetterOrDigit(s.charAt(at)) && s.charAt(at) != '_';
    }
}
