package dev.queryrelay.api;

/**
 * The lifecycle of a query:
 * {@code PENDING -> RUNNING -> SUCCEEDED | FAILED | CANCELED | TIMEOUT}, plus
 * {@code PENDING -> FAILED} (rejected before start) and {@code PENDING -> CANCELED}
 * (canceled before start). Terminal states never change. The names are part of the message
 * contract.
 */
public enum QueryStatus {
    /** Accepted, not yet started in the warehouse. */
    PENDING,
    /** Started in the warehouse; the provider query id is known. */
    RUNNING,
    /** Finished; every result page has been delivered. Terminal. */
    SUCCEEDED,
    /** Failed with an error. Terminal. */
    FAILED,
    /** Canceled by request. Terminal. */
    CANCELED,
    /** Ran past its timeout and was canceled in the warehouse. Terminal. */
    TIMEOUT;

    /** Whether this state is final. */
    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }

    /** Whether the lifecycle allows a move from this state to {@code next}. */
    public boolean canMoveTo(QueryStatus next) {
        return switch (this) {
            case PENDING -> next == RUNNING || next == FAILED || next == CANCELED || next == TIMEOUT;
            case RUNNING -> next.isTerminal();
            default -> false;
        };
    }
}
