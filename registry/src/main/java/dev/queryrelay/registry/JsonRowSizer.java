package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;
import dev.queryrelay.api.JsonValue;

import java.util.List;

/**
 * Upper bound of a row's size as a UTF-8 JSON object keyed by column name: strings count their
 * escaped UTF-8 length, binary its base64 length, times their ISO-8601 length.
 */
public final class JsonRowSizer implements PageSizer {

    public static final JsonRowSizer INSTANCE = new JsonRowSizer();

    private static final int TEMPORAL_BYTES = 40;

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
            return j.json().length() * 3L;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString().length() + 2;
        }
        if (value instanceof java.time.temporal.TemporalAccessor) {
            return TEMPORAL_BYTES;
        }
        return stringBytes(value.toString());
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
