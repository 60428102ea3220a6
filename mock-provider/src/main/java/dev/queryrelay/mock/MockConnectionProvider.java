package dev.queryrelay.mock;

import dev.queryrelay.api.ConnectionProvider;
import dev.queryrelay.api.WarehouseConnection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code "mock"} warehouse: each query follows the script in the directive comment at the
 * start of its SQL (see {@link MockDirective}), and its provider query id encodes its start time
 * and script, so any instance in any process can report its status and results.
 *
 * <p>Fault counters and canceled ids live in this instance and are shared by all its connections;
 * a cancel is therefore seen only by the instance that received it. Queries without scripted
 * faults leave no state behind. One optional setting: {@code journal}, a file to which every start
 * is appended and in which {@link dev.queryrelay.api.WarehouseConnection#findStarted} looks an
 * execution up ({@link StartJournal}); without it {@code findStarted} finds nothing. Other
 * settings are ignored.
 */
public final class MockConnectionProvider implements ConnectionProvider {

    /** The provider's name. */
    public static final String NAME = "mock";

    /** The setting naming the file every start is appended to, and executions are looked up in. */
    public static final String JOURNAL = "journal";

    static final int FAULT_CAPACITY = 200_000;
    static final Duration FAULT_TTL = Duration.ofHours(1);
    static final int CANCEL_CAPACITY = 100_000;
    static final Duration CANCEL_TTL = Duration.ofHours(24);

    private final Clock clock;
    private final FaultInjector faults;
    private final ExpiringMap<Boolean> canceled;

    /** A provider on the system clock (what {@link java.util.ServiceLoader} creates). */
    public MockConnectionProvider() {
        this(Clock.systemUTC());
    }

    /** A provider on the given clock, so tests can move time. */
    public MockConnectionProvider(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.faults = new FaultInjector(clock,
                new ExpiringMap<AtomicInteger>(FAULT_CAPACITY, FAULT_TTL.toMillis()));
        this.canceled = new ExpiringMap<>(CANCEL_CAPACITY, CANCEL_TTL.toMillis());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public WarehouseConnection connect(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        String journal = config.get(JOURNAL);
        return new MockConnection(clock, faults, canceled, journal == null ? null : new StartJournal(Path.of(journal)));
    }

    /** Entries held for fault counting and cancels (for tests). */
    int trackedEntries() {
        return faults.trackedKeys() + canceled.size();
    }
}
