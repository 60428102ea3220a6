package dev.queryrelay.snowflake.account;

import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.contract.WarehouseConnectionContract;
import dev.queryrelay.snowflake.SnowflakeConnectionProvider;

import java.time.Duration;
import java.util.UUID;

/** The provider contract against a real Snowflake account (skipped without one). */
@RealSnowflakeAccount
class SnowflakeAccountContractIT extends WarehouseConnectionContract {

    @Override
    protected WarehouseConnection connect() {
        return new SnowflakeConnectionProvider().connect(SnowflakeAccount.settings());
    }

    @Override
    protected String quickQuery() {
        return "SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 3))";
    }

    @Override
    protected long quickQueryRows() {
        return 3;
    }

    @Override
    protected String longQuery() {
        return "SELECT SYSTEM$WAIT(600)";
    }

    @Override
    protected String failingQuery() {
        return "SELECT * FROM QUERYRELAY_CONTRACT_NO_SUCH_TABLE";
    }

    @Override
    protected String unknownProviderQueryId() {
        return UUID.randomUUID().toString();
    }

    @Override
    protected boolean findsStartedQueries() {
        return true;
    }

    @Override
    protected Duration patience() {
        return Duration.ofMinutes(3);
    }
}
