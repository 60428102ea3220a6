package dev.queryrelay.api;

/** What the warehouse says about a query it was asked about by id. */
public enum WarehouseState {
    /** Queued or executing. */
    RUNNING,
    /** Finished; results can be read. */
    SUCCEEDED,
    /** Finished with an error (including an abort). */
    FAILED,
    /** The warehouse does not (yet) know this id. The registry caps how long it accepts this. */
    UNKNOWN
}
