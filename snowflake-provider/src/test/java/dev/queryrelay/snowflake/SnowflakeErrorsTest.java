package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import net.snowflake.client.api.exception.SnowflakeSQLException;
import org.junit.jupiter.api.Test;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Classification of the exception shapes snowflake-jdbc 4.x produces. */
class SnowflakeErrorsTest {

    private final SnowflakeErrors errors = new SnowflakeErrors(new Redactor(List.of("hunter22")));

    @Test
    void networkCodesAreRetryable() {
        QueryRelayException e = classify(new SnowflakeSQLException("q", "JDBC driver encountered communication error. "
                + "Message: HTTP status=503.", "58030", 200015));

        assertEquals(ErrorType.NETWORK, e.type());
        assertTrue(e.retryable());
        assertEquals("200015", e.code());
        assertEquals("58030", e.sqlState());
    }

    @Test
    void http4xxReportedWithANetworkCodeIsNotRetryable() {
        QueryRelayException e = classify(new SnowflakeSQLException("q", "JDBC driver encountered communication error. "
                + "Message: HTTP status=400.", "58030", 200015));

        assertEquals(ErrorType.NETWORK, e.type());
        assertFalse(e.retryable());
        assertEquals(ErrorType.AUTH, classify(new SQLException("HTTP status=403", "58030", 200015)).type());
    }

    @Test
    void http429And408AreRetryable() {
        assertTrue(classify(new SQLException("HTTP status=429", "58030", 200015)).retryable());
        assertTrue(classify(new SQLException("HTTP status=408", "58030", 200015)).retryable());
    }

    @Test
    void theCauseChainIsWalked() {
        SQLException wrapped = new SQLException("No response or invalid response from GET request. Error: Read timed out",
                "08001", -1, new SocketTimeoutException("Read timed out"));

        QueryRelayException e = classify(wrapped);

        assertEquals(ErrorType.NETWORK, e.type());
        assertTrue(e.retryable());
        assertSame(wrapped, e.getCause());
    }

    @Test
    void retryBudgetExhaustionWithTheTextInTheSqlStateIsRetryable() {
        QueryRelayException e = classify(new SQLException("!-1!", "HTTP status=503", -1));

        assertEquals(ErrorType.NETWORK, e.type());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("HTTP status=503"), e.getMessage());
        assertNull(e.sqlState(), "not a SQLSTATE");
    }

    @Test
    void authCodesWinOverTheConnectionFailureSqlState() {
        QueryRelayException e = classify(new SnowflakeSQLException("q", "Incorrect username or password was specified.",
                "08001", 390100));

        assertEquals(ErrorType.AUTH, e.type());
        assertFalse(e.retryable());
        assertEquals("390100", e.code());
        assertEquals(ErrorType.AUTH, classify(new SQLException("Private key provided is invalid", "42601", 200045)).type());
    }

    @Test
    void sessionGoneIsRecognisedAnywhereInTheChain() {
        SQLException gone = new SQLException("Session no longer exists.", "08001", 390111);

        assertTrue(SnowflakeErrors.isSessionGone(new SQLException("outer", "XX000", -1, gone)));
        assertFalse(SnowflakeErrors.isSessionGone(new SQLException("Incorrect password", "08001", 390100)));
        assertTrue(classify(gone).retryable(), "still gone after a fresh login: let the registry retry");
    }

    @Test
    void sqlErrorsAreFinalWithZeroPaddedCodes() {
        QueryRelayException e = classify(new SnowflakeSQLException("q",
                "SQL compilation error: Object 'T' does not exist or not authorized.", "42S02", 2003));

        assertEquals(ErrorType.SQL, e.type());
        assertFalse(e.retryable());
        assertEquals("002003", e.code());
        assertEquals("42S02", e.sqlState());
        assertTrue(e.getMessage().startsWith("Snowflake: start query q1 failed: SQL compilation error"), e.getMessage());
    }

    @Test
    void cancelAndStatementTimeoutCodes() {
        assertEquals(ErrorType.CANCELED, classify(new SQLException("SQL execution canceled", "57014", 604)).type());
        assertEquals(ErrorType.TIMEOUT, classify(new SQLException("Statement reached its statement or warehouse "
                + "timeout of 1 second(s) and was canceled.", "57014", 630)).type());
    }

    @Test
    void unknownFailuresAreInternalAndFinal() {
        QueryRelayException e = classify(new SQLException("something odd", "XX000", 200001));

        assertEquals(ErrorType.INTERNAL, e.type());
        assertFalse(e.retryable());
        assertEquals(ErrorType.INTERNAL, classify(new IllegalStateException("bug")).type());
    }

    @Test
    void secretsAreRedactedAndALeakingCauseIsDropped() {
        SQLException leaking = new SQLException("login with password hunter22 failed", "08001", 390100);

        QueryRelayException e = classify(leaking);

        assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
        assertTrue(e.getMessage().contains(Redactor.MASK), e.getMessage());
        assertNull(e.getCause(), "the cause would print the secret in a stack trace");
    }

    @Test
    void queryErrorsFromStatusCodes() {
        assertEquals(ErrorType.TIMEOUT, SnowflakeErrors.queryError(ErrorType.SQL, 630, "timeout").type());
        assertEquals(ErrorType.CANCELED, SnowflakeErrors.queryError(ErrorType.SQL, 604, "canceled").type());
        assertEquals("100038", SnowflakeErrors.queryError(ErrorType.SQL, 100038, "bad").code());
        assertEquals("no error message from Snowflake", SnowflakeErrors.queryError(ErrorType.SQL, 0, " ").message());
        assertNull(SnowflakeErrors.queryError(ErrorType.SQL, 0, "x").code());
    }

    private QueryRelayException classify(Throwable failure) {
        return errors.classify("start query q1", failure);
    }
}
