package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.WarehouseStatus;
import net.snowflake.client.api.resultset.QueryStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps Snowflake's monitoring status of a query to a {@link WarehouseStatus}. The driver's own
 * {@code isStillRunning()} / {@code isAnError()} are not used because they overlap
 * ({@code BLOCKED} is both, {@code NO_DATA} reads as running, {@code RESTARTED} as neither):
 * <ul>
 *   <li>{@code RUNNING}, {@code QUEUED}, {@code RESUMING_WAREHOUSE},
 *       {@code QUEUED_REPAIRING_WAREHOUSE}: running.</li>
 *   <li>{@code BLOCKED}: running. The query waits for a lock held by another transaction; it
 *       continues when the lock is released, or Snowflake ends it with an error after
 *       {@code LOCK_TIMEOUT}; the registry's own timeout bounds the wait.</li>
 *   <li>{@code RESTARTED}: running. Snowflake retries the query itself.</li>
 *   <li>{@code SUCCESS}: succeeded.</li>
 *   <li>{@code ABORTING}, {@code ABORTED}: failed, {@link ErrorType#CANCELED} (code 630, a
 *       statement timeout, is reported as {@link ErrorType#TIMEOUT}).</li>
 *   <li>{@code FAILED_WITH_ERROR}: failed, {@link ErrorType#SQL} (604: CANCELED, 630: TIMEOUT).</li>
 *   <li>{@code FAILED_WITH_INCIDENT}: failed, {@link ErrorType#INTERNAL} (a Snowflake-side
 *       incident).</li>
 *   <li>{@code DISCONNECTED}: failed, {@link ErrorType#NETWORK}, not retryable (the query ended
 *       because its client went away).</li>
 *   <li>{@code NO_DATA} (Snowflake returned no query for the id): unknown; the registry caps how
 *       long it accepts that.</li>
 *   <li>A status name this driver version does not know (Snowflake added one): running, logged
 *       once per name at WARN. The driver would read it as {@code NO_DATA}; the raw name tells them
 *       apart. A query Snowflake reports at all exists, so it must not end {@code NOT_FOUND}; the
 *       registry's own timeout still bounds it.</li>
 * </ul>
 */
final class StatusMapping {

    private static final Logger log = LoggerFactory.getLogger(StatusMapping.class);
    private static final int MAX_LOGGED_NAMES = 100;
    private static final Set<String> loggedNames = ConcurrentHashMap.newKeySet();

    private StatusMapping() {
    }

    static WarehouseStatus map(QueryStatus status) {
        QueryStatus.Status state = status.getStatus();
        String name = status.getName();
        if (name == null || name.isBlank()) {
            return WarehouseStatus.unknown();
        }
        if (state == null || state == QueryStatus.Status.NO_DATA && !name.equalsIgnoreCase("NO_DATA")) {
            logUnknownOnce(name);
            return WarehouseStatus.running();
        }
        return switch (state) {
            case RUNNING, QUEUED, RESUMING_WAREHOUSE, QUEUED_REPAIRING_WAREHOUSE, BLOCKED, RESTARTED ->
                    WarehouseStatus.running();
            case SUCCESS -> WarehouseStatus.succeeded();
            case NO_DATA -> WarehouseStatus.unknown();
            case ABORTING, ABORTED -> failed(ErrorType.CANCELED, status);
            case FAILED_WITH_ERROR -> failed(ErrorType.SQL, status);
            case FAILED_WITH_INCIDENT -> failed(ErrorType.INTERNAL, status);
            case DISCONNECTED -> failed(ErrorType.NETWORK, status);
        };
    }

    private static void logUnknownOnce(String name) {
        if (loggedNames.size() < MAX_LOGGED_NAMES && loggedNames.add(name)) {
            log.warn("Snowflake reported query status '{}', which snowflake-jdbc does not know; "
                    + "treating it as still running", name);
        }
    }

    private static WarehouseStatus failed(ErrorType type, QueryStatus status) {
        String message = status.getErrorMessage();
        if (message == null || message.isBlank() || "No error reported".equals(message)) {
            message = "query ended with status " + status.getStatus().name();
        }
        return WarehouseStatus.failed(SnowflakeErrors.queryError(type, status.getErrorCode(), message));
    }
}
