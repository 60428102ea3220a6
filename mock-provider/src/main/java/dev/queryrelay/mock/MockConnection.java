package dev.queryrelay.mock;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.ResultCursor;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.api.WarehouseStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mock warehouse session. Holds no state of its own: everything a query needs is in its id,
 * and the fault counters and canceled ids are the provider's, shared by all its connections.
 */
final class MockConnection implements WarehouseConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MockConnection.class);
    private static final WarehouseStatus CANCELED = WarehouseStatus.failed(
            ErrorInfo.of(ErrorType.CANCELED, "query canceled by request (mock)"));

    private final Clock clock;
    private final FaultInjector faults;
    private final ExpiringMap<Boolean> canceled;

    private final StartJournal journal;

    MockConnection(Clock clock, FaultInjector faults, ExpiringMap<Boolean> canceled, StartJournal journal) {
        this.clock = clock;
        this.faults = faults;
        this.canceled = canceled;
        this.journal = journal;
    }

    @Override
    public String start(StartRequest request) {
        Objects.requireNonNull(request, "request");
        MockDirective directive = MockDirective.parse(request.sql());
        faults.call("start", request.queryId(), directive.startFaults());
        String id = MockQueryId.create(clock.millis(), directive);
        if (journal != null) {
            journal.started(request.queryId(), id);
        }
        LOG.debug("Started mock query {} as {}", request.queryId(), id);
        return id;
    }

    /** With a journal, the newest execution it records for the query; without one, none (the interface's default). */
    @Override
    public Optional<String> findStarted(String queryId, Instant notBefore) {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(notBefore, "notBefore");
        return journal == null ? Optional.empty() : journal.newest(queryId, notBefore.toEpochMilli());
    }

    @Override
    public WarehouseStatus status(String providerQueryId) {
        MockQueryId query = MockQueryId.parse(providerQueryId);
        if (query == null) {
            return WarehouseStatus.unknown();
        }
        faults.call("status", query.value(), query.directive().networkFaults());
        return statusAt(query, clock.millis());
    }

    @Override
    public ResultCursor results(String providerQueryId) {
        MockQueryId query = MockQueryId.parse(providerQueryId);
        if (query == null) {
            throw new QueryRelayException(ErrorType.NOT_FOUND, "not a mock query id: " + providerQueryId);
        }
        faults.call("results", query.value(), query.directive().networkFaults());
        WarehouseStatus status = statusAt(query, clock.millis());
        if (status.state() != WarehouseState.SUCCEEDED) {
            throw new QueryRelayException(ErrorType.INTERNAL,
                    "results of mock query " + query.value() + " asked for while it is " + status.state());
        }
        return new MockCursor(query.directive().rows());
    }

    @Override
    public void cancel(String providerQueryId) {
        MockQueryId query = MockQueryId.parse(providerQueryId);
        if (query == null) {
            LOG.debug("Ignoring cancel of {}: not a mock query id", providerQueryId);
            return;
        }
        faults.call("cancel", query.value(), query.directive().networkFaults());
        long now = clock.millis();
        if (isRunning(query, now)) {
            canceled.computeIfAbsent(query.value(), now, () -> Boolean.TRUE);
            LOG.debug("Canceled mock query {}", query.value());
        }
    }

    @Override
    public void close() {
        // Nothing to release, and queries keep running by contract.
    }

    private WarehouseStatus statusAt(MockQueryId query, long now) {
        if (canceled.get(query.value(), now) != null) {
            return CANCELED;
        }
        if (isRunning(query, now)) {
            return WarehouseStatus.running();
        }
        MockDirective directive = query.directive();
        return directive.failType() == null
                ? WarehouseStatus.succeeded()
                : WarehouseStatus.failed(failure(directive.failType(), directive.failCode()));
    }

    private static boolean isRunning(MockQueryId query, long now) {
        return now - query.startMillis() < query.directive().durationMs();
    }

    static ErrorInfo failure(ErrorType type, String code) {
        String message = switch (type) {
            case SQL -> "SQL compilation error (mock)";
            case NETWORK -> "network failure (mock)";
            case AUTH -> "authentication failed (mock)";
            case TIMEOUT -> "statement timed out (mock)";
            case VALIDATION -> "invalid statement (mock)";
            case CANCELED -> "query canceled by the warehouse (mock)";
            case NOT_FOUND -> "query not found (mock)";
            case INTERNAL -> "internal error (mock)";
        };
        return new ErrorInfo(type, message, code, null, false);
    }
}
