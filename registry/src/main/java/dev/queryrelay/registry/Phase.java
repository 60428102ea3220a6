package dev.queryrelay.registry;

/**
 * Where the registry is in driving one query; finer than the published
 * {@link dev.queryrelay.api.QueryStatus}, which it determines. Only {@link QueryLifecycle} moves
 * a query between phases, and only along {@link #canMoveTo}: {@link #FINISHED} and
 * {@link #HANDED_OVER} have no successor, so nothing leaves them.
 *
 * <pre>
 * PENDING -> STARTING -> RUNNING -> STOPPING -> FINISHED
 *    any phase but FINISHED -> FINISHED | HANDED_OVER   (STOPPING -> FINISHED only by its cancel)
 * </pre>
 */
enum Phase {
    /** Accepted (status {@code PENDING}); no start asked yet. */
    PENDING,
    /** A start (or a look-up of an earlier start) is in flight; status still {@code PENDING}. */
    STARTING,
    /** The warehouse runs the query (status {@code RUNNING}): it is polled, then its pages are streamed. */
    RUNNING,
    /**
     * A cancel or a timeout was asked while running: the warehouse cancel is in flight; poll answers
     * and pages are ignored and the query ends with the status the stop asked for.
     */
    STOPPING,
    /** A terminal status was published. Final. */
    FINISHED,
    /** Another owner drives the query now ({@code forget}, {@code close}); nothing more is published. Final. */
    HANDED_OVER;

    /** Whether the lifecycle allows a move from this phase to {@code next}. */
    boolean canMoveTo(Phase next) {
        return switch (this) {
            case PENDING -> next == STARTING || next == FINISHED || next == HANDED_OVER;
            case STARTING -> next == RUNNING || next == FINISHED || next == HANDED_OVER;
            case RUNNING -> next == STOPPING || next == FINISHED || next == HANDED_OVER;
            case STOPPING -> next == FINISHED || next == HANDED_OVER;
            case FINISHED, HANDED_OVER -> false;
        };
    }

    /** Whether the query is still driven here. */
    boolean isLive() {
        return this != FINISHED && this != HANDED_OVER;
    }
}
