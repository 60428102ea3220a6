package dev.queryrelay.registry;

import java.time.Duration;

/**
 * Told of every attempt of a warehouse call when it ends, to time and count them (metrics) without
 * the engine depending on a metrics library. Called on the thread that ended the attempt (a
 * warehouse pool thread, or the scheduler's for a call past its deadline), outside every lock of
 * the registry; it must return quickly and not throw (what it throws is logged and ignored).
 */
@FunctionalInterface
public interface CallObserver {

    /** {@link dev.queryrelay.api.WarehouseConnection#start}. */
    String START = "start";
    /** {@link dev.queryrelay.api.WarehouseConnection#status}. */
    String STATUS = "status";
    /** Reading a page through {@link dev.queryrelay.api.WarehouseConnection#results}. */
    String RESULTS = "results";
    /** {@link dev.queryrelay.api.WarehouseConnection#cancel}. */
    String CANCEL = "cancel";
    /** {@link dev.queryrelay.api.WarehouseConnection#findStarted}. */
    String FIND_STARTED = "find_started";

    /** Observes nothing. */
    CallObserver NONE = (operation, took, failure) -> {
    };

    /**
     * One attempt of {@code operation} (one of the constants above) ended after {@code took},
     * counted from its hand-off to the warehouse pool: {@code failure} is null when it returned
     * normally, else what it threw, or the retryable {@code TIMEOUT} error when it passed its deadline.
     */
    void callEnded(String operation, Duration took, Throwable failure);
}
