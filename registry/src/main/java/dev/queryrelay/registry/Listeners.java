package dev.queryrelay.registry;

import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;

/** Calls every listener in turn, isolating each: one that throws is logged and the others still run. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<QueryListener> listeners;

    Listeners(List<QueryListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void transition(QuerySnapshot snapshot) {
        MDC.put("query_id", snapshot.queryId());
        try {
            for (QueryListener listener : listeners) {
                try {
                    listener.onTransition(snapshot);
                } catch (RuntimeException e) {
                    log.error("listener {} failed on {} of query {}", listener, snapshot.status(), snapshot.queryId(), e);
                }
            }
        } finally {
            MDC.remove("query_id");
        }
    }

    void page(QueryPage page) {
        MDC.put("query_id", page.queryId());
        try {
            for (QueryListener listener : listeners) {
                try {
                    listener.onPage(page);
                } catch (RuntimeException e) {
                    log.error("listener {} failed on page {} of query {}", listener, page.page(), page.queryId(), e);
                }
            }
        } finally {
            MDC.remove("query_id");
        }
    }
}
