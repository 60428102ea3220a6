package dev.queryrelay.registry;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QueryPage;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's library example, kept compiling and true. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleWorks() {
        WarehouseConnection connection = Providers.load("mock").connect(Map.of());
        try (QueryRegistry registry = QueryRegistry.builder(connection)
                .listener(new QueryListener() {
                    @Override public void onTransition(QuerySnapshot s) { System.out.println(s.queryId() + " " + s.status()); }
                    @Override public void onPage(QueryPage p) { System.out.println("page " + p.page() + ": " + p.rows().size() + " rows"); }
                })
                .build()) {
            registry.submit(new StartRequest("q1", "/* mock: duration_ms=500 rows=2500 */ SELECT 1",
                    List.of(), QueryOptions.DEFAULTS, Map.of()));
            registry.cancel("q2", "not needed");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.snapshot("q1").orElseThrow().status() == QueryStatus.SUCCEEDED);
            ResultSlice first = registry.results("q1", 0, 10);
            assertEquals(10, first.rows().size());
            registry.submit(new StartRequest("q2", "SELECT 1", List.of(), QueryOptions.DEFAULTS, Map.of()));
            assertEquals(QueryStatus.CANCELED, registry.snapshot("q2").orElseThrow().status());
        }
    }
}
