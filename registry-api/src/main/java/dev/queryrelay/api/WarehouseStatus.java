package dev.queryrelay.api;

import java.util.Objects;

/**
 * The answer of {@link WarehouseConnection#status(String)}.
 *
 * @param state the state
 * @param error the error when {@code state} is {@link WarehouseState#FAILED}, else {@code null}
 */
public record WarehouseStatus(WarehouseState state, ErrorInfo error) {

    private static final WarehouseStatus RUNNING = new WarehouseStatus(WarehouseState.RUNNING, null);
    private static final WarehouseStatus SUCCEEDED = new WarehouseStatus(WarehouseState.SUCCEEDED, null);
    private static final WarehouseStatus UNKNOWN = new WarehouseStatus(WarehouseState.UNKNOWN, null);

    public WarehouseStatus {
        Objects.requireNonNull(state, "state");
        if ((state == WarehouseState.FAILED) != (error != null)) {
            throw new IllegalArgumentException("an error is required for FAILED and only for FAILED");
        }
    }

    public static WarehouseStatus running() {
        return RUNNING;
    }

    public static WarehouseStatus succeeded() {
        return SUCCEEDED;
    }

    public static WarehouseStatus unknown() {
        return UNKNOWN;
    }

    public static WarehouseStatus failed(ErrorInfo error) {
        return new WarehouseStatus(WarehouseState.FAILED, Objects.requireNonNull(error, "error"));
    }
}
