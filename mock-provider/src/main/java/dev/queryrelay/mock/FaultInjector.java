package dev.queryrelay.mock;

import dev.queryrelay.api.QueryRelayException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throws the scripted network faults: per call kind and key, the first {@code faults} calls fail
 * with a retryable {@link QueryRelayException#network} error and every later one passes. Keeps
 * state only for keys that have faults scripted.
 */
final class FaultInjector {

    private final Clock clock;
    private final ExpiringMap<AtomicInteger> counters;

    FaultInjector(Clock clock, ExpiringMap<AtomicInteger> counters) {
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * Counts one {@code call} (start, status, results, cancel) for {@code key}.
     *
     * @throws QueryRelayException a retryable network error while fewer than {@code faults}
     *                             calls have failed for this call kind and key
     */
    void call(String call, String key, int faults) {
        if (faults == 0) {
            return;
        }
        AtomicInteger failed = counters.computeIfAbsent(call + ':' + key, clock.millis(), AtomicInteger::new);
        int before = failed.getAndUpdate(n -> n < faults ? n + 1 : n);
        if (before < faults) {
            throw QueryRelayException.network(
                    "injected network fault " + (before + 1) + "/" + faults + " on " + call + " (mock)", null);
        }
    }

    int trackedKeys() {
        return counters.size();
    }
}
