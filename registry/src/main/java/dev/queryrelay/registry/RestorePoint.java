package dev.queryrelay.registry;

import dev.queryrelay.api.QueryStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * Where another registry (another process) left a query, for {@link QueryRegistry#restore}: a
 * {@code PENDING} query is started, a {@code RUNNING} one is followed by its provider query id
 * (never started again), a terminal one is only remembered so that a resubmit runs nothing.
 *
 * @param status          the last published status
 * @param seq             the {@code seq} of that status; the next transition gets {@code seq + 1}
 * @param createdAt       when the query was first accepted (the timeout counts from here)
 * @param providerQueryId the warehouse's id; required for {@code RUNNING}
 * @param startedAt       when the warehouse accepted the query, or {@code null}
 * @param finishedAt      when it ended, or {@code null}
 */
public record RestorePoint(QueryStatus status, long seq, Instant createdAt, String providerQueryId,
                           Instant startedAt, Instant finishedAt) {

    public RestorePoint {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, got " + seq);
        }
        if (status == QueryStatus.RUNNING && providerQueryId == null) {
            throw new IllegalArgumentException("a RUNNING query needs its provider query id");
        }
    }
}
