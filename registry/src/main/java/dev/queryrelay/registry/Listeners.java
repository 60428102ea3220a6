package dev.queryrelay.registry;

import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.function.Consumer;

/**
 * Calls every listener in turn, isolating each: one that throws is logged and the others still run.
 * While INFO is logged, a listener's log lines carry the query's id ({@code query_id} in the MDC).
 */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<QueryListener> listeners;

    Listeners(List<QueryListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    void transition(QuerySnapshot snapshot) {
        each(snapshot.queryId(), snapshot.status(), listener -> listener.onTransition(snapshot));
    }

    void page(QueryPage page) {
        each(page.queryId(), page.page(), listener -> listener.onPage(page));
    }

    /** {@code event} is what is delivered, for the log: a status, or a page number. */
    private void each(String queryId, Object event, Consumer<QueryListener> call) {
        boolean tagged = log.isInfoEnabled();
        if (tagged) {
            MDC.put("query_id", queryId);
        }
        try {
            for (QueryListener listener : listeners) {
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    log.error("listener {} failed on {} of query {}", listener,
                            event instanceof Integer page ? "page " + page : event, queryId, e);
                }
            }
        } finally {
            if (tagged) {
                MDC.remove("query_id");
            }
        }
    }
}
