package dev.queryrelay.registry;

import dev.queryrelay.api.QueryStatus;
import io.github.resilience4j.retry.Retry;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The registry's counters; {@link #metrics} reads them with the retry's own. */
final class Counters {

    final LongAdder submitted = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder retries = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder[] terminal = new LongAdder[QueryStatus.values().length];

    Counters() {
        for (int i = 0; i < terminal.length; i++) {
            terminal[i] = new LongAdder();
        }
    }

    void ended(QueryStatus status) {
        inFlight.decrementAndGet();
        terminal[status.ordinal()].increment();
    }

    RegistryMetrics metrics(Retry.Metrics retry) {
        return new RegistryMetrics(submitted.sum(), duplicates.sum(), inFlight.get(),
                count(QueryStatus.SUCCEEDED), count(QueryStatus.FAILED), count(QueryStatus.CANCELED),
                count(QueryStatus.TIMEOUT), retries.sum(), retry.getNumberOfSuccessfulCallsWithRetryAttempt(),
                retry.getNumberOfFailedCallsWithRetryAttempt());
    }

    private long count(QueryStatus status) {
        return terminal[status.ordinal()].sum();
    }
}
