package dev.queryrelay.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the status events and result pages of one query, in the order they are consumed, into
 * one printed line each. Events and pages are at-least-once, so they are deduplicated on
 * {@code seq} and {@code page}. Status and results are two topics, so the terminal event can be
 * consumed before the last pages: it is held back until every page it counts has been printed
 * (or {@link #finish()} is called), so that the terminal line is always the last one. The worker
 * and the provider query id are shown when they change (a new worker shows a failover).
 */
final class QueryProgress {

    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT");

    private final String queryId;
    private final Set<Long> seqs = new HashSet<>();
    private final Set<Integer> pages = new HashSet<>();
    private final Map<String, String> shown = new HashMap<>();
    private JsonNode terminal;
    private boolean finished;

    QueryProgress(String queryId) {
        this.queryId = Objects.requireNonNull(queryId, "queryId");
    }

    /** The lines to print for a status event. */
    List<String> onStatus(JsonNode event) {
        List<String> lines = new ArrayList<>();
        if (finished || terminal != null || !seqs.add(event.path("seq").asLong())) {
            return lines;
        }
        if (TERMINAL.contains(event.path("status").asText())) {
            terminal = event;
            releaseTerminalIfComplete(lines);
        } else {
            lines.add(statusLine(event));
        }
        return lines;
    }

    /** The lines to print for a result page. */
    List<String> onPage(JsonNode page) {
        List<String> lines = new ArrayList<>();
        if (finished || !pages.add(page.path("page").asInt())) {
            return lines;
        }
        lines.add(String.format("%s %-9s rows=%d offset=%d last=%b", queryId, "page " + page.path("page").asInt(),
                page.path("rows").size(), page.path("offset").asLong(), page.path("last").asBoolean()));
        releaseTerminalIfComplete(lines);
        return lines;
    }

    /** Whether a terminal event has been consumed (printed or held back). */
    boolean terminalSeen() {
        return terminal != null;
    }

    /** Whether the terminal line has been printed. */
    boolean finished() {
        return finished;
    }

    /** The pages the terminal event counts that have not arrived. */
    int missingPages() {
        return terminal == null ? 0 : Math.max(0, terminal.path("pages").asInt() - pages.size());
    }

    /** The terminal status, once it is printed. */
    Optional<String> outcome() {
        return finished ? Optional.of(terminal.path("status").asText()) : Optional.empty();
    }

    /** Prints the held terminal line even though pages are missing. */
    List<String> finish() {
        List<String> lines = new ArrayList<>();
        if (terminal != null && !finished) {
            finished = true;
            lines.add(statusLine(terminal));
        }
        return lines;
    }

    private void releaseTerminalIfComplete(List<String> lines) {
        if (terminal != null && missingPages() == 0) {
            lines.addAll(finish());
        }
    }

    private String statusLine(JsonNode event) {
        StringBuilder line = new StringBuilder(String.format("%s %-9s seq=%d", queryId,
                event.path("status").asText(), event.path("seq").asLong()));
        appendIfChanged(line, event, "worker");
        appendIfChanged(line, event, "provider_query_id");
        append(line, event, "row_count");
        append(line, event, "pages");
        append(line, event, "truncated");
        append(line, event, "execution_ms");
        JsonNode error = event.path("error");
        if (error.isObject()) {
            line.append(" error=").append(error.path("type").asText());
            if (error.hasNonNull("code")) {
                line.append(" code=").append(error.path("code").asText());
            }
            if (error.hasNonNull("sql_state")) {
                line.append(" sql_state=").append(error.path("sql_state").asText());
            }
            line.append(" retryable=").append(error.path("retryable").asBoolean());
            line.append(": ").append(error.path("message").asText().replace('\n', ' '));
        }
        return line.toString();
    }

    /** Fields that repeat in every event (worker, provider query id) are shown when they change. */
    private void appendIfChanged(StringBuilder line, JsonNode event, String field) {
        if (event.hasNonNull(field) && !event.get(field).asText().equals(shown.put(field, event.get(field).asText()))) {
            append(line, event, field);
        }
    }

    private static void append(StringBuilder line, JsonNode event, String field) {
        if (event.hasNonNull(field)) {
            line.append(' ').append(field).append('=').append(event.get(field).asText());
        }
    }
}
