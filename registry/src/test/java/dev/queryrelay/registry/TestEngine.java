package dev.queryrelay.registry;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.QuerySnapshot;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * A registry on manual time with an {@link EventLog} listener, and the waits of the engine's
 * tests: {@link #driveTo} moves time in small steps until a condition holds, {@link #awaitNow}
 * waits for the pool's threads without moving time. Every wait has a timeout and a message.
 */
final class TestEngine implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration STEP = Duration.ofMillis(10);

    final ManualTime time = new ManualTime();
    final EventLog events = new EventLog();
    QueryRegistry registry;

    QueryRegistry start(WarehouseConnection connection, UnaryOperator<QueryRegistryBuilder> settings) {
        registry = settings.apply(QueryRegistry.builder(connection).listener(events).clock(time).scheduler(time)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))).build();
        return registry;
    }

    static StartRequest request(String id, String sql, QueryOptions options) {
        return new StartRequest(id, sql, List.of(), options.withPollInterval(Duration.ofMillis(10)), Map.of());
    }

    static StartRequest request(String id, String sql) {
        return request(id, sql, QueryOptions.DEFAULTS);
    }

    QueryStatus status(String id) {
        return registry.snapshot(id).map(QuerySnapshot::status).orElse(null);
    }

    /**
     * Whether the query is in {@code status} and the listeners have had that transition (a
     * query's state moves before its event is delivered, outside the lock).
     */
    boolean published(String id, QueryStatus status) {
        return status(id) == status && events.statusesOf(id).contains(status);
    }

    /** Moves time in {@link #STEP}s until the query has {@code status}, published. */
    QuerySnapshot driveTo(String id, QueryStatus status) {
        drive("query " + id + " reaches " + status, () -> published(id, status));
        return registry.snapshot(id).orElseThrow();
    }

    /** Moves time in {@link #STEP}s until {@code condition} holds. */
    void drive(String what, BooleanSupplier condition) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(2)).until(() -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            time.advance(STEP);
            return false;
        });
    }

    /** Waits, without moving time, until the query has {@code status}, published. */
    QuerySnapshot awaitNow(String id, QueryStatus status) {
        await("query " + id + " reaches " + status).atMost(WAIT).until(() -> published(id, status));
        return registry.snapshot(id).orElseThrow();
    }

    /** Waits, without moving time, until the query is in {@code status}, whether its listeners have had it or not. */
    void awaitState(String id, QueryStatus status) {
        await("query " + id + " is " + status).atMost(WAIT).until(() -> status(id) == status);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
