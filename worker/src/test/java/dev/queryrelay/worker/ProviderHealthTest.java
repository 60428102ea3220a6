package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.registry.CallObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderHealthTest {

    private final List<String> passedOn = new ArrayList<>();
    private final ProviderHealth health = new ProviderHealth("mock",
            (operation, took, failure) -> passedOn.add(operation + (failure == null ? " ok" : " failed")));

    @Test
    void aConnectionFailureMakesItUnhealthyUntilACallSucceeds() {
        assertNull(health.problem());
        health.callEnded(CallObserver.STATUS, Duration.ofMillis(5), QueryRelayException.network("connection refused", null));
        assertTrue(health.problem().contains("status call to provider 'mock' failed: NETWORK"), health.problem());
        health.callEnded(CallObserver.START, Duration.ofMillis(5), null);
        assertNull(health.problem());

        health.callEnded(CallObserver.START, Duration.ofMillis(5), new QueryRelayException(ErrorType.AUTH, "bad key"));
        assertTrue(health.problem().contains("AUTH"), health.problem());
        assertEquals(List.of("status failed", "start ok", "start failed"), passedOn);
    }

    @Test
    void aQuerysOwnErrorSaysNothingAboutTheConnection() {
        health.callEnded(CallObserver.START, Duration.ofMillis(5), new QueryRelayException(ErrorType.SQL, "syntax error"));
        assertNull(health.problem());
    }
}
