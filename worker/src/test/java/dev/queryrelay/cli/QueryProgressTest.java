package dev.queryrelay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueryProgressTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final QueryProgress progress = new QueryProgress("q1");

    @Test
    void printsTransitionsAndPagesInOrder() {
        assertEquals(List.of("q1 PENDING   seq=1 worker=w1"), progress.onStatus(json(
                "{'query_id':'q1','status':'PENDING','seq':1,'worker':'w1','provider':'mock'}")));
        assertEquals(List.of("q1 RUNNING   seq=2 provider_query_id=mock-1"), progress.onStatus(json(
                "{'query_id':'q1','status':'RUNNING','seq':2,'worker':'w1','provider_query_id':'mock-1'}")));
        assertEquals(List.of("q1 page 0    rows=2 offset=0 last=true"), progress.onPage(page(0, 0, 2, true)));
        assertEquals(List.of("q1 SUCCEEDED seq=3 row_count=2 pages=1 truncated=false execution_ms=15"),
                progress.onStatus(json("{'query_id':'q1','status':'SUCCEEDED','seq':3,'worker':'w1',"
                        + "'provider_query_id':'mock-1','row_count':2,'pages':1,'truncated':false,'execution_ms':15}")));
        assertTrue(progress.finished());
        assertEquals(Optional.of("SUCCEEDED"), progress.outcome());
    }

    @Test
    void aNewWorkerIsShownAfterAFailover() {
        progress.onStatus(json("{'status':'PENDING','seq':1,'worker':'w1'}"));
        progress.onStatus(json("{'status':'RUNNING','seq':2,'worker':'w1','provider_query_id':'p1'}"));
        assertEquals(List.of("q1 FAILED    seq=3 worker=w2 pages=0"),
                progress.onStatus(json("{'status':'FAILED','seq':3,'worker':'w2','provider_query_id':'p1','pages':0}")));
    }

    @Test
    void theTerminalLineWaitsForThePagesItCounts() {
        progress.onStatus(json("{'status':'PENDING','seq':1}"));
        assertEquals(List.of(), progress.onStatus(json("{'status':'SUCCEEDED','seq':3,'pages':2,'row_count':3}")));
        assertTrue(progress.terminalSeen());
        assertFalse(progress.finished());
        assertEquals(2, progress.missingPages());
        assertEquals(List.of("q1 page 0    rows=2 offset=0 last=false"), progress.onPage(page(0, 0, 2, false)));
        assertEquals(List.of("q1 page 1    rows=1 offset=2 last=true", "q1 SUCCEEDED seq=3 row_count=3 pages=2"),
                progress.onPage(page(1, 2, 1, true)));
        assertEquals(Optional.of("SUCCEEDED"), progress.outcome());
    }

    @Test
    void duplicatesAreDroppedAndNothingFollowsTheTerminalLine() {
        progress.onStatus(json("{'status':'PENDING','seq':1}"));
        assertEquals(List.of(), progress.onStatus(json("{'status':'PENDING','seq':1}")));
        progress.onPage(page(0, 0, 1, false));
        assertEquals(List.of(), progress.onPage(page(0, 0, 1, false)));
        assertEquals(1, progress.onStatus(json("{'status':'CANCELED','seq':2,'pages':1,"
                + "'error':{'type':'CANCELED','message':'changed\\nmy mind','retryable':false}}")).size());
        assertEquals(List.of(), progress.onPage(page(1, 1, 1, true)));
        assertEquals(List.of(), progress.onStatus(json("{'status':'RUNNING','seq':5}")));
        assertEquals(Optional.of("CANCELED"), progress.outcome());
    }

    @Test
    void errorsShowTypeCodeAndMessageOnOneLine() {
        List<String> lines = progress.onStatus(json("{'status':'FAILED','seq':3,'pages':0,'error':{'type':'SQL',"
                + "'message':'SQL compilation error\\nline 2','code':'002003','sql_state':'42000','retryable':false}}"));
        assertEquals(List.of("q1 FAILED    seq=3 pages=0 error=SQL code=002003 sql_state=42000 retryable=false: "
                + "SQL compilation error line 2"), lines);
        assertEquals(Optional.of("FAILED"), progress.outcome());
    }

    @Test
    void finishPrintsAHeldTerminalLineWhenPagesNeverCome() {
        progress.onStatus(json("{'status':'TIMEOUT','seq':3,'pages':1}"));
        assertEquals(Optional.empty(), progress.outcome());
        assertEquals(List.of("q1 TIMEOUT   seq=3 pages=1"), progress.finish());
        assertEquals(List.of(), progress.finish());
        assertEquals(Optional.of("TIMEOUT"), progress.outcome());
    }

    private static JsonNode page(int page, long offset, int rows, boolean last) {
        StringBuilder rowsJson = new StringBuilder("[");
        for (int i = 0; i < rows; i++) {
            rowsJson.append(i == 0 ? "" : ",").append("{'ID':").append(offset + i + 1).append('}');
        }
        return json("{'query_id':'q1','page':" + page + ",'offset':" + offset + ",'rows':" + rowsJson + "],'last':" + last + "}");
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }
}
