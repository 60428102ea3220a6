package dev.queryrelay.registry;

/**
 * Counters of a registry since it was built.
 *
 * @param submitted   queries accepted (duplicates not counted)
 * @param duplicates  submits ignored because the query id was known
 * @param inFlight    queries not yet in a terminal state
 * @param succeeded   queries that ended {@code SUCCEEDED}
 * @param failed      queries that ended {@code FAILED}
 * @param canceled    queries that ended {@code CANCELED}
 * @param timedOut    queries that ended {@code TIMEOUT}
 * @param retries     warehouse calls repeated after a retryable error
 * @param retriedCallsSucceeded warehouse calls that succeeded after at least one retry
 * @param retriedCallsFailed    warehouse calls that failed after exhausting their retries
 */
public record RegistryMetrics(long submitted, long duplicates, long inFlight, long succeeded, long failed,
                              long canceled, long timedOut, long retries, long retriedCallsSucceeded,
                              long retriedCallsFailed) {
}
