package dev.queryrelay.snowflake.account;

import dev.queryrelay.api.QueryOptions;
import dev.queryrelay.api.StartRequest;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.snowflake.SnowflakeConnectionProvider;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A worker stand-in for the kill -9 tests: starts one query ({@code args[0]} the QueryRelay query
 * id, {@code args[1]} the SQL) on the real account, prints {@code STARTED <snowflake id>}, then
 * waits to be killed.
 */
public final class AccountChild {

    static final String STARTED = "STARTED ";

    private AccountChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        WarehouseConnection connection = new SnowflakeConnectionProvider().connect(SnowflakeAccount.settings());
        String id = connection.start(new StartRequest(args[0], args[1], List.of(), QueryOptions.DEFAULTS, Map.of()));
        System.out.println(STARTED + id);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
