package dev.queryrelay.registry;

import dev.queryrelay.api.ColumnMeta;

import java.util.List;

/** Estimates how many bytes a row takes in a published page; pages are cut under a byte bound. */
@FunctionalInterface
public interface PageSizer {

    /** An upper estimate of the encoded size of {@code row}, in bytes. */
    long estimate(List<ColumnMeta> columns, List<Object> row);
}
