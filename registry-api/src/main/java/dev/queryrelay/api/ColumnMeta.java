package dev.queryrelay.api;

import java.util.Objects;

/**
 * Metadata of one result column.
 *
 * @param name      the column name as the warehouse reports it
 * @param type      the warehouse type name (e.g. {@code NUMBER}, {@code TEXT}, {@code TIMESTAMP_NTZ})
 * @param nullable  whether the column may hold nulls
 * @param precision the precision, or {@code null} where not applicable
 * @param scale     the scale, or {@code null} where not applicable
 */
public record ColumnMeta(String name, String type, boolean nullable, Integer precision, Integer scale) {

    public ColumnMeta {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static ColumnMeta of(String name, String type) {
        return new ColumnMeta(name, type, true, null, null);
    }
}
