package dev.queryrelay.mock;

import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.contract.WarehouseConnectionContract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The mock passes the provider contract. Its connections come from one provider instance, as a
 * cancel is seen only by the instance that received it; its queries run on the system clock.
 * Without a journal it keeps the default {@code findStarted}: a query can then start twice in the
 * two windows docs/providers.md describes ({@link WithAJournal} closes them).
 */
class MockConnectionContractTest extends WarehouseConnectionContract {

    final MockConnectionProvider provider = new MockConnectionProvider();

    @Override
    protected WarehouseConnection connect() {
        return provider.connect(Map.of());
    }

    @Override
    protected String quickQuery() {
        return "/* mock: duration_ms=200 rows=3 */ SELECT 1";
    }

    @Override
    protected long quickQueryRows() {
        return 3;
    }

    @Override
    protected String longQuery() {
        return "/* mock: duration_ms=3600000 */ SELECT 1";
    }

    @Override
    protected String failingQuery() {
        return "/* mock: duration_ms=100 fail=SQL:002003 */ SELECT * FROM missing";
    }

    @Override
    protected String unknownProviderQueryId() {
        return "not-a-mock-query-id";
    }

    /** With a journal (a file every process of the test shares) the mock finds started queries. */
    static class WithAJournal extends MockConnectionContractTest {

        private final Path journal;

        WithAJournal() throws IOException {
            journal = Files.createTempFile("mock-journal", ".txt");
        }

        @Override
        protected WarehouseConnection connect() {
            return provider.connect(Map.of(MockConnectionProvider.JOURNAL, journal.toString()));
        }

        @Override
        protected boolean findsStartedQueries() {
            return true;
        }
    }
}
