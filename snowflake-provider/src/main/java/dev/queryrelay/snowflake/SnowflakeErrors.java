package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorInfo;
import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns driver exceptions into {@link QueryRelayException}s. The rules, from snowflake-jdbc's
 * behaviour: the whole cause chain is inspected (the driver wraps network failures in exceptions
 * with code -1, and may put the real text in the SQLSTATE); HTTP 4xx (other than 408 and 429) is
 * final even though the driver reports it with a network code; 390xxx codes are authentication
 * failures whatever the SQLSTATE says (so are the driver's own key, JWT and OAuth failures); the
 * driver's configuration errors are validation errors; network codes, I/O causes and HTTP 5xx/408/429 are
 * retryable; 604 is a cancel, 630 a statement timeout; other server codes are SQL errors. Driver
 * messages are redacted of known secrets, and a cause whose chain mentions a secret is dropped.
 */
final class SnowflakeErrors {

    static final int CANCELED_CODE = 604;
    static final int STATEMENT_TIMEOUT_CODE = 630;
    /** Session gone (390111), expired (390112), master token not found, expired or invalid. */
    static final Set<Integer> SESSION_GONE_CODES = Set.of(390111, 390112, 390113, 390114, 390115);
    /** Driver codes: connection error, network error, I/O error, authenticator request timeout. */
    private static final Set<Integer> NETWORK_CODES = Set.of(200002, 200015, 200016, 200062);
    /** Driver codes: missing user or password, bad private key, JWT, Okta, OAuth and WIF flows. */
    private static final Set<Integer> CLIENT_AUTH_CODES =
            Set.of(200011, 200012, 200045, 200046, 200060, 200068, 200069, 200070, 200071);
    /** Driver codes: duplicate or missing property, bad URL, bad proxy settings, bad connect string. */
    private static final Set<Integer> CLIENT_CONFIG_CODES = Set.of(200010, 200026, 200028, 200029, 200051, 200059);
    private static final String IO_ERROR_STATE = "58030";
    private static final Pattern HTTP_STATUS = Pattern.compile("HTTP status[=: ]*(\\d{3})", Pattern.CASE_INSENSITIVE);
    private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");
    private static final Pattern BARE_CODE = Pattern.compile("!?-?\\d*!?");
    private static final int MAX_MESSAGE = 2_000;
    private static final int MAX_DEPTH = 20;

    private final Redactor redactor;

    SnowflakeErrors(Redactor redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    /** Whether the failure means the session ended on the server, so a fresh login may help. */
    static boolean isSessionGone(SQLException e) {
        return causes(e).stream()
                .filter(SQLException.class::isInstance)
                .anyMatch(t -> SESSION_GONE_CODES.contains(((SQLException) t).getErrorCode()));
    }

    /** Formats a Snowflake vendor code as Snowflake prints it ({@code 002003}); null for none. */
    static String vendorCode(int code) {
        return code > 0 ? String.format("%06d", code) : null;
    }

    /** Classifies a failure of {@code action} (e.g. "start query q1"). */
    QueryRelayException classify(String action, Throwable failure) {
        List<Throwable> chain = causes(failure);
        int code = vendorCodeOf(chain);
        String sqlState = sqlStateOf(chain);
        String text = describe(chain);
        Integer http = httpStatusOf(text);
        boolean io = chain.stream().anyMatch(IOException.class::isInstance);

        ErrorType type;
        boolean retryable = false;
        if (SESSION_GONE_CODES.contains(code)) {
            type = ErrorType.NETWORK;
            retryable = true;
        } else if (code / 10_000 == 39 || CLIENT_AUTH_CODES.contains(code)) {
            type = ErrorType.AUTH;
        } else if (CLIENT_CONFIG_CODES.contains(code)) {
            type = ErrorType.VALIDATION;
        } else if (http != null && http >= 400 && http < 500 && http != 408 && http != 429) {
            type = http == 401 || http == 403 ? ErrorType.AUTH : ErrorType.NETWORK;
        } else if (code == CANCELED_CODE) {
            type = ErrorType.CANCELED;
        } else if (code == STATEMENT_TIMEOUT_CODE) {
            type = ErrorType.TIMEOUT;
        } else if (NETWORK_CODES.contains(code) || io || http != null || IO_ERROR_STATE.equals(sqlState)) {
            type = ErrorType.NETWORK;
            retryable = true;
        } else if (code > 0 && code < 200_000) {
            type = ErrorType.SQL;
        } else {
            type = ErrorType.INTERNAL;
        }
        String message = "Snowflake: " + action + " failed: " + redactor.redact(text);
        ErrorInfo error = new ErrorInfo(type, truncate(message), vendorCode(code), sqlState, retryable);
        boolean leaks = chain.stream().anyMatch(t -> redactor.containsSecret(String.valueOf(t.getMessage()))
                || t instanceof SQLException sql && redactor.containsSecret(sql.getSQLState()));
        return new QueryRelayException(error, leaks ? null : failure);
    }

    /** The error of a query that ended badly, from the status' code and message. */
    static ErrorInfo queryError(ErrorType defaultType, int code, String message) {
        ErrorType type = switch (code) {
            case CANCELED_CODE -> ErrorType.CANCELED;
            case STATEMENT_TIMEOUT_CODE -> ErrorType.TIMEOUT;
            default -> defaultType;
        };
        String text = message == null || message.isBlank() ? "no error message from Snowflake" : message;
        return new ErrorInfo(type, truncate(text), vendorCode(code), null, false);
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t) && chain.size() < MAX_DEPTH; t = t.getCause()) {
            chain.add(t);
            if (t instanceof SQLException sql && sql.getNextException() != null && seen.add(sql.getNextException())) {
                chain.add(sql.getNextException());
            }
        }
        return chain;
    }

    private static int vendorCodeOf(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && sql.getErrorCode() > 0) {
                return sql.getErrorCode();
            }
        }
        return 0;
    }

    private static String sqlStateOf(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && SQL_STATE.matcher(sql.getSQLState()).matches()) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** The distinct meaningful texts of the chain; the driver sometimes puts text in the SQLSTATE. */
    private static String describe(List<Throwable> chain) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t : chain) {
            String message = t.getMessage();
            if (message != null && !message.isBlank() && !BARE_CODE.matcher(message.strip()).matches()) {
                parts.add(message.strip());
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && !SQL_STATE.matcher(sql.getSQLState()).matches() && !sql.getSQLState().isBlank()) {
                parts.add(sql.getSQLState().strip());
            }
        }
        if (parts.isEmpty()) {
            parts.add(chain.get(0).getClass().getSimpleName());
        }
        return String.join(" / ", parts);
    }

    private static Integer httpStatusOf(String text) {
        Matcher m = HTTP_STATUS.matcher(text);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String truncate(String message) {
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
    }
}
