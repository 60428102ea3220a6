package dev.queryrelay.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How long finished queries stay known (so a resubmit runs nothing): those that finished here are
 * kept for the TTL and at most {@code maxFinished} of them, the oldest forgotten first; those
 * restored finished are kept for the TTL. Its monitor guards the two queues.
 */
final class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final Map<String, QueryLifecycle> queries;
    private final Duration ttl;
    private final int maxFinished;
    private final ArrayDeque<QueryLifecycle> finishedHere = new ArrayDeque<>();
    private final ArrayDeque<QueryLifecycle> restoredFinished = new ArrayDeque<>();

    Retention(Map<String, QueryLifecycle> queries, Duration ttl, int maxFinished) {
        this.queries = queries;
        this.ttl = ttl;
        this.maxFinished = maxFinished;
    }

    /** Remembers a query that finished here, forgetting the oldest such beyond {@code maxFinished}. */
    void finishedHere(QueryLifecycle query) {
        QueryLifecycle oldest = null;
        synchronized (this) {
            finishedHere.add(query);
            if (finishedHere.size() > maxFinished) {
                oldest = finishedHere.poll();
            }
        }
        if (oldest != null) {
            queries.remove(oldest.id(), oldest);
        }
    }

    synchronized void restoredFinished(QueryLifecycle query) {
        restoredFinished.add(query);
    }

    /** Forgets the finished queries older than the TTL at {@code now}; returns how many. */
    int prune(Instant now) {
        Instant cutoff = now.minus(ttl);
        List<QueryLifecycle> expired = new ArrayList<>();
        synchronized (this) {
            for (ArrayDeque<QueryLifecycle> kept : List.of(finishedHere, restoredFinished)) {
                for (Iterator<QueryLifecycle> it = kept.iterator(); it.hasNext(); ) {
                    QueryLifecycle query = it.next();
                    if (!query.finishedAt().isAfter(cutoff)) {
                        it.remove();
                        expired.add(query);
                    }
                }
            }
        }
        int removed = 0;
        for (QueryLifecycle query : expired) {
            if (queries.remove(query.id(), query)) {
                removed++;
            }
        }
        if (removed > 0) {
            log.debug("pruned {} finished queries", removed);
        }
        return removed;
    }

    Instant cutoff(Instant now) {
        return now.minus(ttl);
    }
}
