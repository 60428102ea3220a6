package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queryrelay.testkit.QueryRelayTestClient;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every failover test checks from the output topics alone. */
final class FailoverChecks {

    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT");

    private FailoverChecks() {
    }

    static boolean allTerminal(QueryRelayTestClient client, Collection<String> queryIds) {
        return queryIds.stream().allMatch(id -> client.statusEvents(id).stream()
                .anyMatch(e -> TERMINAL.contains(e.get("status").asText())));
    }

    /**
     * One execution (one provider query id), one terminal status (repeats of the same event are
     * allowed: at-least-once), a consistent seq per status, and every page from 0 to n-1 for a
     * SUCCEEDED query. Returns the terminal status.
     */
    static String checkOneExecution(QueryRelayTestClient client, String queryId) {
        return checkExecutions(client, queryId, 1);
    }

    /**
     * As {@link #checkOneExecution}, for a query that may have ended before an execution of it was
     * reported (canceled while {@code PENDING}): no provider query id in its events, or one.
     */
    static String checkAtMostOneExecution(QueryRelayTestClient client, String queryId) {
        return checkExecutions(client, queryId, 0);
    }

    private static String checkExecutions(QueryRelayTestClient client, String queryId, int fewest) {
        List<JsonNode> events = client.statusEvents(queryId);
        Set<String> providerIds = events.stream().filter(e -> e.has("provider_query_id"))
                .map(e -> e.get("provider_query_id").asText()).collect(Collectors.toSet());
        assertTrue(providerIds.size() >= fewest && providerIds.size() <= 1, queryId + " ran once: " + providerIds);
        Set<String> terminal = events.stream().map(e -> e.get("status").asText()).filter(TERMINAL::contains)
                .collect(Collectors.toSet());
        assertEquals(1, terminal.size(), queryId + " has one terminal status: " + terminal);
        Set<String> seqs = events.stream().map(e -> e.get("seq").asInt() + ":" + e.get("status").asText())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(events.stream().map(e -> e.get("seq").asInt()).collect(Collectors.toSet()).size(), seqs.size(),
                queryId + " never reuses a seq for another status: " + seqs);
        String status = terminal.iterator().next();
        if (status.equals("SUCCEEDED")) {
            JsonNode succeeded = events.stream().filter(e -> e.get("status").asText().equals("SUCCEEDED")).findFirst()
                    .orElseThrow();
            int pages = succeeded.get("pages").asInt();
            Set<Integer> indexes = client.pages(queryId).stream().map(p -> p.get("page").asInt())
                    .collect(Collectors.toCollection(TreeSet::new));
            for (int i = 0; i < pages; i++) {
                assertTrue(indexes.contains(i), queryId + " has page " + i + " of " + pages + ": " + indexes);
            }
        }
        return status;
    }

    static Set<String> workersOf(QueryRelayTestClient client, String queryId, String status) {
        return client.statusEvents(queryId).stream().filter(e -> e.get("status").asText().equals(status))
                .map(e -> e.get("worker").asText()).collect(Collectors.toSet());
    }
}
