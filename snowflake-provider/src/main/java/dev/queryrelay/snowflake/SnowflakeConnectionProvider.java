package dev.queryrelay.snowflake;

import dev.queryrelay.api.ConnectionProvider;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.WarehouseConnection;
import net.snowflake.client.api.driver.SnowflakeDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The {@code snowflake} provider: runs queries asynchronously in Snowflake with snowflake-jdbc 4.x
 * and follows them by query id, so that any worker can take over a running query.
 *
 * <p>Settings (the worker's {@code provider.*} keys without the prefix):
 * <ul>
 *   <li>{@code url} (required): the JDBC URL, e.g.
 *       {@code jdbc:snowflake://ACCOUNT.snowflakecomputing.com/}.</li>
 *   <li>any other {@code NAME}: handed to the driver as connection property {@code NAME}
 *       unchanged ({@code user}, {@code password}, {@code authenticator}, {@code private_key_file},
 *       {@code private_key_pwd}, {@code token}, {@code warehouse}, {@code db}, {@code schema},
 *       {@code role}, ...). Defaults: {@link SnowflakeSettings#DRIVER_DEFAULTS} (result format and
 *       timeouts); the session parameters {@link SnowflakeSettings#SESSION_PARAMETERS} are always
 *       set and may not be configured.</li>
 *   <li>{@code NAME-file}: property {@code NAME} read from that file (trailing newlines removed),
 *       at start and again at each login, so rotated secrets are picked up.</li>
 *   <li>{@code queryrelay.pool-size} (default 8, the worker's default worker.warehouse-threads): sessions kept open between calls.</li>
 * </ul>
 *
 * <p>Unless the system property {@code net.snowflake.jdbc.loggerImpl} is already set, loading
 * this class routes the driver's logging to SLF4J.
 */
public final class SnowflakeConnectionProvider implements ConnectionProvider {

    public static final String NAME = "snowflake";
    static final String LOGGER_PROPERTY = "net.snowflake.jdbc.loggerImpl";
    static final String SLF4J_LOGGER = "net.snowflake.client.log.SLF4JLogger";

    private static final Logger log = LoggerFactory.getLogger(SnowflakeConnectionProvider.class);

    static {
        if (System.getProperty(LOGGER_PROPERTY) == null) {
            System.setProperty(LOGGER_PROPERTY, SLF4J_LOGGER);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Checks the settings and logs in once (so bad credentials fail here), keeping that session
     * for the first calls.
     *
     * @throws QueryRelayException {@code VALIDATION} for bad settings, {@code AUTH} or
     *                             {@code NETWORK} when the login fails
     */
    @Override
    public WarehouseConnection connect(Map<String, String> config) {
        SnowflakeSettings settings = SnowflakeSettings.from(config);
        SnowflakeErrors errors = new SnowflakeErrors(settings.redactor());
        SessionPool pool = new SessionPool(() -> openSession(settings), settings.poolSize());
        try {
            pool.warmUp();
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw errors.classify("log in to " + settings.host(), e);
        }
        log.info("Connected to Snowflake at {} ({})", settings.host(), settings);
        return new SnowflakeWarehouseConnection(pool, errors, Clock.systemUTC());
    }

    private static Connection openSession(SnowflakeSettings settings) throws SQLException {
        Connection session = SnowflakeDriver.INSTANCE.connect(settings.url(), settings.driverProperties());
        if (session == null) {
            throw new SQLException("snowflake-jdbc does not accept the URL in provider.url", "08001");
        }
        return session;
    }
}
