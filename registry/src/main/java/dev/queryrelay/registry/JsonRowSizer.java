package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.JsonValue;

import java.math.BigDecimal;
import java.util.List;

/**
 * Upper bound of a row's size as a UTF-8 JSON object keyed by column name, as the protocol's codec
 * writes it: strings count their escaped UTF-8 length, binary its base64 length, decimals their
 * plain notation, floats their shortest decimal form, times the longest ISO-8601 form, and
 * semi-structured values their UTF-8 length plus what re-writing a number with an exponent may
 * add.
 */
public final class JsonRowSizer implements PageSizer {

    public static final JsonRowSizer INSTANCE = new JsonRowSizer();

    /** The longest ISO-8601 text of any date or time, quoted ({@code "+999999999-12-31T23:59:59.999999999-18:00"}). */
    private static final int TEMPORAL_BYTES = 48;
    /** At most what re-writing one number with an exponent adds ({@code -1e-6} becomes {@code -0.000001}). */
    private static final int EXPONENT_GROWTH = 5;

    private JsonRowSizer() {
    }

    @Override
    public long estimate(List<ColumnMeta> columns, List<Object> row) {
        long bytes = 2;
        for (int i = 0; i < row.size(); i++) {
            String name = i < columns.size() ? columns.get(i).name() : "";
            bytes += stringBytes(name) + 2 + valueBytes(row.get(i));
        }
        return bytes;
    }

    private static long valueBytes(Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof String s) {
            return stringBytes(s);
        }
        if (value instanceof byte[] b) {
            return 2 + 4L * ((b.length + 2) / 3);
        }
        if (value instanceof JsonValue j) {
            return semiStructuredBytes(j.json());
        }
        if (value instanceof BigDecimal d) {
            return plainDigits(d) + 2;
        }
        if (value instanceof Float f) {
            return Double.toString(f.doubleValue()).length() + 2;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString().length() + 2;
        }
        if (value instanceof java.time.temporal.TemporalAccessor) {
            return TEMPORAL_BYTES;
        }
        return stringBytes(value.toString());
    }

    /** The length of {@link BigDecimal#toPlainString()}, without building it (it may be huge). */
    private static long plainDigits(BigDecimal d) {
        long digits = d.precision();
        long scale = d.scale();
        long plain = scale <= 0 ? digits - scale : Math.max(digits, scale + 1) + 1;
        return plain + (d.signum() < 0 ? 1 : 0);
    }

    private static long semiStructuredBytes(String json) {
        long bytes = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                boolean exponent = (c == 'e' || c == 'E') && i > 0 && json.charAt(i - 1) >= '0' && json.charAt(i - 1) <= '9';
                bytes += exponent ? 1 + EXPONENT_GROWTH : 1;
            } else {
                bytes += c < 0x800 ? 2 : 3;
            }
        }
        return bytes;
    }

    private static long stringBytes(String s) {
        long bytes = 2;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                bytes += 6;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
