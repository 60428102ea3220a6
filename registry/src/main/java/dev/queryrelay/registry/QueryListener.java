package dev.queryrelay.registry;

import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;

/**
 * Receives every transition and every result page of every query, in order per query: a query's
 * pages arrive after its {@code RUNNING} transition and before its {@code SUCCEEDED} transition.
 *
 * <p>Calls for one query never overlap; calls for different queries may run at once on different
 * threads. A call is made outside every lock of the registry, by the thread that caused the event
 * (the caller of {@code submit} or {@code cancel}, or a registry thread), so a listener may call
 * the registry back. A listener that blocks holds up only the later events of that query (and,
 * for a page, the reading of that query's next page); it never delays a {@code submit},
 * {@code cancel} or {@code snapshot}. The state a snapshot shows may be ahead of the events a
 * listener has had. A listener that throws is logged and otherwise ignored.
 */
public interface QueryListener {

    /** Called once per transition, with the snapshot right after it. */
    default void onTransition(QuerySnapshot snapshot) {
    }

    /** Called once per result page, in page order. */
    default void onPage(QueryPage page) {
    }
}
