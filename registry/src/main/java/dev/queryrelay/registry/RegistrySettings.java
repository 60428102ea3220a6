package dev.queryrelay.registry;

import dev.queryrelay.api.WarehouseConnection;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The validated settings of a registry, as {@link QueryRegistry.Builder} collected them; {@code scheduler} null for its own. */
record RegistrySettings(WarehouseConnection connection, boolean closeConnection, Clock clock, Scheduler scheduler,
                        List<QueryListener> listeners, int warehouseThreads, Duration callTimeout,
                        Duration maxPollInterval, double pollBackoffMultiplier, Duration unknownQueryLimit,
                        Duration ttl, int maxFinished, Duration pruneInterval, int inlineRowLimit, long maxPageBytes,
                        PageSizer pageSizer, int retryMaxAttempts, Duration retryInitialBackoff,
                        Duration retryMaxBackoff, String threadNamePrefix, Map<String, String> logContext) {

    RegistrySettings {
        listeners = List.copyOf(listeners);
        logContext = Map.copyOf(logContext);
    }
}
