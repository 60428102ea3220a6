package dev.queryrelay.snowflake.fake;

import java.util.Objects;

/**
 * A column of a {@link FakeResult}, described as Snowflake describes it in a JSON result's
 * {@code rowtype}.
 *
 * @param name      the column name
 * @param type      Snowflake's wire type: {@code fixed}, {@code real}, {@code text}, {@code boolean},
 *                  {@code date}, {@code time}, {@code timestamp_ntz}, {@code timestamp_ltz},
 *                  {@code timestamp_tz}, {@code binary}, {@code variant}, {@code object},
 *                  {@code array}
 * @param precision the precision ({@code fixed}), else ignored
 * @param scale     the scale ({@code fixed}, and 9 for time and timestamp types)
 * @param nullable  whether the column may hold nulls
 */
public record FakeColumn(String name, String type, int precision, int scale, boolean nullable) {

    public FakeColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static FakeColumn number(String name, int precision, int scale) {
        return new FakeColumn(name, "fixed", precision, scale, true);
    }

    public static FakeColumn text(String name) {
        return new FakeColumn(name, "text", 0, 0, true);
    }

    public static FakeColumn of(String name, String type) {
        int scale = type.startsWith("time") ? 9 : 0;
        return new FakeColumn(name, type, 0, scale, true);
    }
}
