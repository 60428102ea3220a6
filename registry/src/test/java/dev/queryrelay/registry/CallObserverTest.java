package dev.queryrelay.registry;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.QueryStatus;
import dev.queryrelay.api.WarehouseStatus;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call observer hears of every warehouse call attempt, with its operation and outcome; the retry goes to the given registry. */
class CallObserverTest {

    private record Ended(String operation, Duration took, Throwable failure) {
    }

    private final TestEngine engine = new TestEngine();
    private final ScriptedConnection warehouse = new ScriptedConnection();
    private final List<Ended> ended = new CopyOnWriteArrayList<>();
    private final CallObserver observer = (operation, took, failure) -> ended.add(new Ended(operation, took, failure));

    @AfterEach
    void close() {
        engine.close();
    }

    private List<String> outcomes(String operation) {
        return ended.stream().filter(e -> e.operation().equals(operation))
                .map(e -> e.failure() == null ? "success" : "failure").collect(Collectors.toList());
    }

    @Test
    void eachAttemptIsObservedWithItsOperationAndOutcome() {
        AtomicInteger statusCalls = new AtomicInteger();
        warehouse.status = id -> {
            if (statusCalls.incrementAndGet() == 1) {
                throw QueryRelayException.network("connection reset", null);
            }
            return WarehouseStatus.succeeded();
        };
        engine.start(warehouse, b -> b.callObserver(observer));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.driveTo("q1", QueryStatus.SUCCEEDED);
        await("the results call is observed").atMost(TestEngine.WAIT).until(() -> !outcomes(CallObserver.RESULTS).isEmpty());

        assertEquals(List.of("success"), outcomes(CallObserver.START));
        assertEquals(List.of("failure", "success"), outcomes(CallObserver.STATUS), "the failed attempt and its retry");
        assertEquals(List.of("success"), outcomes(CallObserver.RESULTS));
        assertTrue(outcomes(CallObserver.FIND_STARTED).isEmpty(), "a first start looks nothing up");
        Ended failed = ended.stream().filter(e -> e.failure() != null).findFirst().orElseThrow();
        assertInstanceOf(QueryRelayException.class, failed.failure());
        assertTrue(ended.stream().noneMatch(e -> e.took().isNegative()), ended.toString());
    }

    @Test
    void aCallPastItsDeadlineIsObservedOnceAsATimeout() {
        Gate gate = new Gate(false);
        warehouse.status = id -> {
            gate.pass();
            return WarehouseStatus.running();
        };
        engine.start(warehouse, b -> b.callObserver(observer).callTimeout(Duration.ofSeconds(5)).retryMaxAttempts(1));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.drive("the status call blocks", () -> gate.entered.get() == 1);
        engine.time.advance(Duration.ofSeconds(5));
        engine.driveTo("q1", QueryStatus.FAILED);
        gate.open();
        await("the blocked call returns").atMost(TestEngine.WAIT).until(() -> gate.interrupted.get() == 1);

        assertEquals(List.of("failure"), outcomes(CallObserver.STATUS), "the late return is not observed again");
        Throwable timeout = ended.stream().filter(e -> e.operation().equals(CallObserver.STATUS)).findFirst()
                .orElseThrow().failure();
        assertEquals(ErrorType.TIMEOUT, ((QueryRelayException) timeout).type());
    }

    @Test
    void aThrowingObserverDoesNotDisturbTheQuery() {
        engine.start(warehouse, b -> b.callObserver((operation, took, failure) -> {
            throw new IllegalStateException("observer bug");
        }));
        warehouse.status = id -> WarehouseStatus.succeeded();
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.driveTo("q1", QueryStatus.SUCCEEDED);
    }

    @Test
    void theRetryIsCreatedInTheGivenRegistryUnderAFreeName() {
        RetryRegistry retries = RetryRegistry.ofDefaults();
        AtomicInteger statusCalls = new AtomicInteger();
        warehouse.status = id -> {
            if (statusCalls.incrementAndGet() == 1) {
                throw QueryRelayException.network("connection reset", null);
            }
            return WarehouseStatus.succeeded();
        };
        engine.start(warehouse, b -> b.retryRegistry(retries).threadNamePrefix("r1"));
        engine.registry.submit(TestEngine.request("q1", "SELECT 1"));
        engine.driveTo("q1", QueryStatus.SUCCEEDED);

        assertEquals(1, retries.retry("r1-warehouse").getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt());
        QueryRegistryBuilder second = QueryRegistry.builder(new ScriptedConnection()).retryRegistry(retries)
                .threadNamePrefix("r1");
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, second::build);
        assertTrue(taken.getMessage().contains("r1-warehouse"), taken.getMessage());
        assertFalse(retries.getAllRetries().size() > 1);
    }
}
