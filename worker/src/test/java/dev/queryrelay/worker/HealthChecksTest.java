package dev.queryrelay.worker;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthChecksTest {

    private final AtomicBoolean consumer = new AtomicBoolean(true);
    private final AtomicBoolean publisher = new AtomicBoolean(true);
    private final AtomicReference<String> partitions = new AtomicReference<>();
    private final AtomicReference<String> provider = new AtomicReference<>();
    private final AtomicBoolean lease = new AtomicBoolean(true);
    private final HealthChecks checks = new HealthChecks(consumer::get, publisher::get, partitions::get, provider::get,
            lease::get);

    @Test
    void aWorkerWhoseThreadsRunAndWhoseChecksPassIsLiveAndReady() {
        assertTrue(checks.live().up());
        assertTrue(checks.ready().up());
        assertEquals(Map.of("status", "UP", "checks", Map.of("consumer", Map.of("status", "UP"),
                "publisher", Map.of("status", "UP"))), checks.live().body());
    }

    @Test
    void aDeadThreadFailsLivenessAndReadiness() {
        consumer.set(false);
        HealthChecks.Result live = checks.live();
        assertFalse(live.up());
        assertEquals("the consumer thread has ended", live.problems().get("consumer"));
        assertNull(live.problems().get("publisher"));
        assertFalse(checks.ready().up());

        consumer.set(true);
        publisher.set(false);
        assertFalse(checks.live().up());
        assertEquals("the publisher thread has ended", checks.ready().problems().get("producer"));
    }

    @Test
    void readinessNamesEachFailingCheckWhileLivenessStaysUp() {
        partitions.set("no command partition assigned");
        provider.set("the last status call failed");
        lease.set(false);
        HealthChecks.Result ready = checks.ready();
        assertFalse(ready.up());
        assertTrue(checks.live().up());
        assertEquals("no command partition assigned", ready.problems().get("partitions"));
        assertEquals("the last status call failed", ready.problems().get("provider"));
        assertEquals("no transaction committed within the ownership lease", ready.problems().get("producer"));
        assertEquals(Map.of("status", "DOWN", "reason", "no command partition assigned"),
                ((Map<?, ?>) ready.body().get("checks")).get("partitions"));
        assertEquals("DOWN", ready.body().get("status"));

        partitions.set(null);
        provider.set(null);
        assertFalse(checks.ready().up(), "the lease alone still fails it");
        lease.set(true);
        assertTrue(checks.ready().up());
    }

    @Test
    void aStartingWorkerIsDown() {
        assertFalse(HealthChecks.starting().up());
        assertEquals("DOWN", HealthChecks.starting().body().get("status"));
    }
}
