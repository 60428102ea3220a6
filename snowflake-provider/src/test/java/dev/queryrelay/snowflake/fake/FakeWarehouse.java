package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake's query engine: scripts, accepted queries, and the answers of the query endpoints
 * (submission, {@code RESULT_SCAN}, {@code SYSTEM$CANCEL_QUERY}, results, monitoring, chunks).
 */
final class FakeWarehouse {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESULT_SCAN = Pattern.compile(
            "\\s*select\\s+\\*\\s+from\\s+table\\s*\\(\\s*result_scan\\s*\\(\\s*'([^']*)'\\s*\\)\\s*\\)\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern CANCEL = Pattern.compile(
            "\\s*select\\s+system\\$cancel_query\\s*\\(\\s*'([^']*)'\\s*\\)\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * A look-up in the user's query history by tag, as the provider sends it:
     * {@code ... information_schema.query_history_by_user(end_time_range_start =>
     * to_timestamp_ltz(<epoch ms>, 3), ...) where contains(query_tag, ?) ...}.
     */
    private static final Pattern HISTORY = Pattern.compile(
            "\\s*select\\s+query_id\\s+from\\s+table\\s*\\(\\s*information_schema\\.query_history_by_user\\s*\\("
                    + ".*end_time_range_start\\s*=>\\s*to_timestamp_ltz\\s*\\(\\s*(\\d+)\\s*,\\s*3\\s*\\).*"
                    + "contains\\s*\\(\\s*query_tag\\s*,\\s*\\?\\s*\\).*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final List<QueryScript> scripts = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, FakeQuery> queries = new ConcurrentHashMap<>();
    private final List<String> canceledIds = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger historyLookups = new AtomicInteger();
    private final Map<String, String> submitsByRequestId = new ConcurrentHashMap<>();
    private final ResultWriter results;
    private final String chunkUrlPrefix;

    FakeWarehouse(ResultWriter results, String chunkUrlPrefix) {
        this.results = results;
        this.chunkUrlPrefix = chunkUrlPrefix;
    }

    QueryScript addScript(Predicate<String> sqlMatcher) {
        QueryScript script = new QueryScript(sqlMatcher);
        scripts.add(0, script);
        return script;
    }

    List<FakeQuery> queries() {
        return List.copyOf(queries.values());
    }

    FakeQuery query(String queryId) {
        return queries.get(queryId);
    }

    List<String> canceledIds() {
        return List.copyOf(canceledIds);
    }

    /** Snowflake aborts the running queries of a session that is deleted (logged out). */
    void abortQueriesOf(long sessionId) {
        for (FakeQuery query : queries.values()) {
            if (query.sessionId() == sessionId && query.cancel()) {
                canceledIds.add(query.id());
            }
        }
    }

    ObjectNode syncAnswer(String queryId) {
        return syncAnswer(queries.get(queryId));
    }

    /** The body of a result chunk, or null for an unknown query. */
    byte[] chunk(String queryId, int index) {
        FakeQuery query = queries.get(queryId);
        if (query == null) {
            return null;
        }
        query.countChunkDownload();
        return results.chunk(query.result(), index);
    }

    /**
     * Answers a query request. A request the driver repeats (same {@code requestId}, e.g. after
     * a lost answer) does not start the query again, as in Snowflake.
     */
    ObjectNode submit(JsonNode body, long sessionId, String requestId) {
        String sql = body.path("sqlText").asText("");
        Matcher scan = RESULT_SCAN.matcher(sql);
        if (scan.matches()) {
            return resultScan(scan.group(1));
        }
        Matcher cancel = CANCEL.matcher(sql);
        if (cancel.matches()) {
            return cancel(cancel.group(1));
        }
        Matcher history = HISTORY.matcher(sql);
        if (history.matches()) {
            historyLookups.incrementAndGet();
            Object member = toMap(body.path("bindings")).get("1");
            String needle = member instanceof Map<?, ?> binding ? String.valueOf(binding.get("value")) : "";
            return history(needle, Instant.ofEpochMilli(Long.parseLong(history.group(1))));
        }
        if (requestId != null && submitsByRequestId.containsKey(requestId)) {
            FakeQuery repeated = queries.get(submitsByRequestId.get(requestId));
            ObjectNode data = JSON.createObjectNode().put("queryId", repeated.id()).put("getResultUrl", resultUrl(repeated.id()));
            return body.path("asyncExec").asBoolean(false)
                    ? Envelopes.envelope(true, "333334", "Asynchronous execution in progress.", data)
                    : syncAnswer(repeated);
        }
        QueryScript script = scriptFor(sql);
        String id = UUID.randomUUID().toString();
        if (requestId != null) {
            submitsByRequestId.put(requestId, id);
        }
        FakeQuery query = new FakeQuery(id, sql, sessionId, toMap(body.path("parameters")),
                toMap(body.path("bindings")), script);
        queries.put(id, query);
        QueryScript.SqlError refused = script.submitError;
        if (refused != null) {
            query.forceState("FAILED_WITH_ERROR", refused.code(), refused.message());
            return Envelopes.error(refused.code(), refused.sqlState(), refused.message(), id);
        }
        if (body.path("asyncExec").asBoolean(false)) {
            ObjectNode data = JSON.createObjectNode().put("queryId", id).put("getResultUrl", resultUrl(id));
            return Envelopes.envelope(true, "333334", "Asynchronous execution in progress.", data);
        }
        return syncAnswer(query);
    }

    private ObjectNode syncAnswer(FakeQuery query) {
        if (query == null) {
            return Envelopes.error(709, "02000", "Statement not found.", null);
        }
        FakeQuery.State state = query.state();
        if (!state.isTerminal()) {
            ObjectNode data = JSON.createObjectNode().put("queryId", query.id()).put("getResultUrl", resultUrl(query.id()));
            return Envelopes.envelope(true, "333333", "Query execution in progress.", data);
        }
        return finishedAnswer(query, state);
    }

    private ObjectNode resultScan(String queryId) {
        FakeQuery query = queries.get(queryId);
        if (query == null) {
            return Envelopes.error(709, "02000", "Statement " + queryId + " not found.", null);
        }
        FakeQuery.State state = query.state();
        if (!state.isTerminal()) {
            return Envelopes.error(709, "02000", "Statement " + queryId + " has not completed.", null);
        }
        return finishedAnswer(query, state);
    }

    private ObjectNode finishedAnswer(FakeQuery query, FakeQuery.State state) {
        if (!"SUCCESS".equals(state.status())) {
            return Envelopes.error(state.errorCode(), "57014", state.errorMessage(), query.id());
        }
        return Envelopes.ok(results.data(query.id(), query.result(), chunkUrlPrefix + query.id() + "/"));
    }

    private ObjectNode cancel(String queryId) {
        FakeQuery query = queries.get(queryId);
        if (query == null) {
            return Envelopes.error(2003, "02000", "SQL compilation error: Query ID '" + queryId + "' not found.", null);
        }
        String message;
        if (query.cancel()) {
            canceledIds.add(queryId);
            message = "query [" + queryId + "] terminated.";
        } else {
            message = "Identified SQL statement is not currently executing.";
        }
        FakeResult row = FakeResult.of(List.of(FakeColumn.text("SYSTEM$CANCEL_QUERY('" + queryId + "')")),
                List.of(List.of(message)));
        return Envelopes.ok(results.data(UUID.randomUUID().toString(), row, ""));
    }

    int historyLookups() {
        return historyLookups.get();
    }

    /** The newest query whose tag contains {@code needle}, accepted at or after {@code since}. */
    private ObjectNode history(String needle, Instant since) {
        List<List<String>> rows = queries.values().stream()
                .filter(q -> q.queryTag() != null && q.queryTag().contains(needle))
                .filter(q -> !q.submittedAt().isBefore(since))
                .sorted(Comparator.comparing(FakeQuery::submittedAt).reversed())
                .limit(1)
                .map(q -> List.of(q.id()))
                .toList();
        FakeResult result = FakeResult.of(List.of(FakeColumn.text("QUERY_ID")), rows);
        return Envelopes.ok(results.data(UUID.randomUUID().toString(), result, ""));
    }

    ObjectNode monitoring(String queryId) {
        ObjectNode data = JSON.createObjectNode();
        var list = data.putArray("queries");
        FakeQuery query = queries.get(queryId);
        if (query != null && !query.invisibleToThisPoll()) {
            FakeQuery.State state = query.state();
            ObjectNode node = list.addObject();
            node.put("id", query.id());
            node.put("status", state.status());
            node.put("state", state.isTerminal() ? "SUCCEEDED" : "RUNNING");
            node.put("sqlText", query.sql());
            node.put("sessionId", query.sessionId());
            if (state.errorCode() != 0) {
                node.put("errorCode", state.errorCode());
                node.put("errorMessage", state.errorMessage());
            }
        }
        return Envelopes.ok(data);
    }

    private QueryScript scriptFor(String sql) {
        synchronized (scripts) {
            for (QueryScript script : scripts) {
                if (script.matcher.test(sql)) {
                    return script;
                }
            }
        }
        return new QueryScript(s -> true);
    }

    private static String resultUrl(String queryId) {
        return "/queries/" + queryId + "/result";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(JsonNode node) {
        return node.isObject() ? JSON.convertValue(node, Map.class) : Map.of();
    }
}
