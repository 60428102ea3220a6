package dev.queryrelay.api;

import java.util.List;

/**
 * A forward-only stream over a finished query's rows. Implementations fetch rows lazily and
 * never hold the whole result in memory.
 *
 * <p>How the registry uses a cursor: it calls {@link #columns()} once, right after
 * {@link WarehouseConnection#results} opened it, then reads the rows a page at a time: each page
 * is one task on a warehouse pool thread that calls {@link #next()} up to {@code page_rows} times
 * (one row ahead). The next page is read only once the listeners had the previous one, maybe on
 * another pool thread. So one thread uses a cursor at a time, not always the same one, each
 * call ordered after the previous (happens-before); a cursor needs no locking of its own.
 *
 * <p>A page's reads share one deadline ({@code callTimeout}). Past it the reading thread is
 * interrupted and the cursor is abandoned: it is closed as soon as that read returns, by the
 * registry, never while {@link #next()} runs; the remaining rows are read from a new cursor.
 * A page read that throws a retryable error is handled the same way; any other error fails the
 * query.
 *
 * <p>Cell values are one of: {@code null}, {@link Boolean}, {@link Long}, {@link Integer},
 * {@link java.math.BigDecimal}, {@link java.math.BigInteger}, {@link Double}, {@link String},
 * {@code byte[]}, {@link java.time.LocalDate}, {@link java.time.LocalTime},
 * {@link java.time.LocalDateTime}, {@link java.time.OffsetDateTime}, {@link java.time.Instant},
 * or {@link JsonValue}.
 */
public interface ResultCursor extends AutoCloseable {

    /** The result's columns, in order. */
    List<ColumnMeta> columns();

    /**
     * The next row (one value per column, in column order), or {@code null} at the end.
     *
     * @throws QueryRelayException on failure; the registry retries a retryable one by opening a
     *                             new cursor and skipping the rows it delivered, never by calling
     *                             this cursor again
     */
    List<Object> next();

    /**
     * Releases the cursor's resources. Idempotent; never throws. The registry calls it once it
     * has read the last row it needs ({@code max_rows} may stop it early), when the query stops
     * (cancel, timeout, hand-over), and when it abandons the cursor; never concurrently with
     * {@link #next()}. A cursor still open when the registry is closed is left to
     * {@link WarehouseConnection#close()}.
     */
    @Override
    void close();
}
