package dev.queryrelay.registry;

import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records every listener call as a line ("q1 PENDING", "q1 page 0") and every snapshot. */
final class EventLog implements QueryListener {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<QuerySnapshot> snapshots = new CopyOnWriteArrayList<>();
    final List<QueryPage> pages = new CopyOnWriteArrayList<>();

    @Override
    public void onTransition(QuerySnapshot snapshot) {
        snapshots.add(snapshot);
        lines.add(snapshot.queryId() + " " + snapshot.status());
    }

    @Override
    public void onPage(QueryPage page) {
        pages.add(page);
        lines.add(page.queryId() + " page " + page.page());
    }

    List<String> of(String queryId) {
        return lines.stream().filter(line -> line.startsWith(queryId + " ")).map(line -> line.substring(queryId.length() + 1))
                .collect(Collectors.toList());
    }

    List<QueryPage> pagesOf(String queryId) {
        return pages.stream().filter(page -> page.queryId().equals(queryId)).collect(Collectors.toList());
    }

    List<QueryStatus> statusesOf(String queryId) {
        return snapshots.stream().filter(s -> s.queryId().equals(queryId)).map(QuerySnapshot::status).collect(Collectors.toList());
    }
}
