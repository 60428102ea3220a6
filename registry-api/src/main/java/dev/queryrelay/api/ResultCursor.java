package dev.queryrelay.api;

import java.util.List;

/**
 * A forward-only stream over a finished query's rows. Implementations fetch rows lazily and
 * never hold the whole result in memory. One thread uses a cursor at a time.
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
     * @throws QueryRelayException on failure; retryable failures may be retried by the caller
     *                             only by opening a new cursor
     */
    List<Object> next();

    /** Releases the cursor's resources. Idempotent; never throws. */
    @Override
    void close();
}
