package dev.queryrelay.worker;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.registry.CallObserver;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether the warehouse answers: unhealthy from a warehouse call that failed for a reason of the
 * connection (retryable, or refused credentials) until a call succeeds again. A query's own
 * errors (bad SQL, a canceled query) say nothing about the connection. Passes every call on to
 * {@code next}.
 */
final class ProviderHealth implements CallObserver, HealthChecks.Check {

    private final String provider;
    private final CallObserver next;
    private volatile String problem;

    ProviderHealth(String provider, CallObserver next) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void callEnded(String operation, Duration took, Throwable failure) {
        if (failure == null) {
            problem = null;
        } else if (failure instanceof QueryRelayException e && (e.retryable() || e.type() == ErrorType.AUTH)) {
            problem = "the last " + operation + " call to provider '" + provider + "' failed: " + e.type() + ": "
                    + e.getMessage();
        }
        next.callEnded(operation, took, failure);
    }

    @Override
    public String problem() {
        return problem;
    }
}
