package dev.queryrelay.registry;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A running query is polled at once, then after its poll interval, backing off up to a cap. */
class PollIntervalTest {

    private final TestEngine engine = new TestEngine();
    private final ScriptedConnection warehouse = new ScriptedConnection();
    private final List<Instant> polls = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        engine.close();
    }

    private void submit(Duration pollInterval, Duration registryCap, int pollsWanted) {
        warehouse.status = id -> {
            polls.add(engine.time.instant());
            return WarehouseStatus.running();
        };
        engine.start(warehouse, b -> b.maxPollInterval(registryCap).pollBackoffMultiplier(2.0));
        engine.registry.submit(new StartRequest("q1", "SELECT 1", List.of(),
                QueryOptions.DEFAULTS.withPollInterval(pollInterval), Map.of()));
        engine.drive(pollsWanted + " polls", () -> polls.size() >= pollsWanted);
    }

    private long gapMillis(int index) {
        return Duration.between(polls.get(index - 1), polls.get(index)).toMillis();
    }

    @Test
    void pollsAtOnceThenBacksOffToTheRegistrysCap() {
        submit(Duration.ofMillis(100), Duration.ofMillis(300), 5);
        Instant created = engine.registry.snapshot("q1").orElseThrow().createdAt();
        assertTrue(Duration.between(created, polls.get(0)).toMillis() < 100, "the first poll comes at once");
        assertTrue(gapMillis(1) >= 100 && gapMillis(1) < 200, "then the poll interval: " + gapMillis(1));
        assertTrue(gapMillis(2) >= 200 && gapMillis(2) < 300, "doubled: " + gapMillis(2));
        assertTrue(gapMillis(3) >= 300 && gapMillis(3) < 400, "capped: " + gapMillis(3));
        assertTrue(gapMillis(4) >= 300 && gapMillis(4) < 400, "capped: " + gapMillis(4));
    }

    @Test
    void aPollIntervalLongerThanTheRegistrysCapIsKept() {
        submit(Duration.ofSeconds(1), Duration.ofMillis(200), 4);
        for (int i = 1; i < 4; i++) {
            assertTrue(gapMillis(i) >= 1000, "poll " + i + " came " + gapMillis(i) + " ms after the previous one");
        }
    }
}
