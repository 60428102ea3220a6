package dev.queryrelay.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/** Cancels that came before their query's submit: remembered (for the TTL) and taken when it arrives. */
final class EarlyCancels {

    /** A remembered cancel: its reason (possibly null) and when it came. */
    record EarlyCancel(String reason, Instant at) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, EarlyCancel> cancels = new ConcurrentHashMap<>();

    EarlyCancels(Clock clock) {
        this.clock = clock;
    }

    void remember(String queryId, String reason) {
        cancels.put(queryId, new EarlyCancel(reason, clock.instant()));
    }

    /** The cancel remembered for {@code queryId}, now forgotten, or null. */
    EarlyCancel take(String queryId) {
        return cancels.remove(queryId);
    }

    /** Forgets the cancels that came at or before {@code cutoff}. */
    void prune(Instant cutoff) {
        cancels.values().removeIf(cancel -> !cancel.at().isAfter(cutoff));
    }
}
