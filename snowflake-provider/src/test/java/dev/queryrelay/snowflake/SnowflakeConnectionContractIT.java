package dev.queryrelay.snowflake;

import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.contract.WarehouseConnectionContract;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.UUID;

/** The Snowflake provider passes the provider contract against the fake, with findStarted. */
class SnowflakeConnectionContractIT extends WarehouseConnectionContract {

    private static FakeSnowflakeServer fake;

    @BeforeAll
    static void startFake() {
        fake = FakeSnowflakeServer.start();
        fake.addPasswordUser("alice", "alice-password-1");
        fake.when("SELECT quick").runFor(Duration.ofMillis(200)).returning(FakeResult.numbered(3));
        fake.when("SELECT long").runUntilReleased();
        fake.when("SELECT * FROM missing").failAtSubmit(2003, "42S02",
                "SQL compilation error: Object 'MISSING' does not exist or not authorized.");
    }

    @AfterAll
    static void stopFake() {
        fake.close();
    }

    @Override
    protected WarehouseConnection connect() {
        return new SnowflakeConnectionProvider().connect(fake.providerSettings("alice", "alice-password-1"));
    }

    @Override
    protected String quickQuery() {
        return "SELECT quick";
    }

    @Override
    protected long quickQueryRows() {
        return 3;
    }

    @Override
    protected String longQuery() {
        return "SELECT long";
    }

    @Override
    protected String failingQuery() {
        return "SELECT * FROM missing";
    }

    @Override
    protected String unknownProviderQueryId() {
        return UUID.randomUUID().toString();
    }

    @Override
    protected boolean findsStartedQueries() {
        return true;
    }
}
