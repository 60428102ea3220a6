package dev.queryrelay.registry;

import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;

/**
 * Receives every transition and every result page of every query, in order per query: a query's
 * pages arrive after its {@code RUNNING} transition and before its {@code SUCCEEDED} transition.
 * Calls for one query never overlap; calls for different queries may run on different threads.
 * A listener that throws is logged and otherwise ignored.
 */
public interface QueryListener {

    /** Called once per transition, with the snapshot right after it. */
    default void onTransition(QuerySnapshot snapshot) {
    }

    /** Called once per result page, in page order. */
    default void onPage(QueryPage page) {
    }
}
