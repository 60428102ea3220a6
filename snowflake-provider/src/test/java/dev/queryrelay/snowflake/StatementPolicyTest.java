package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatementPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "USE WAREHOUSE BIG_WH", "use role accountadmin", "  -- comment\n use database d",
            "/* a */ /* b */ ALTER SESSION SET TIMEZONE = 'UTC'", "alter\tsession unset query_tag",
            "SET x = 1", "UNSET x", "BEGIN", "begin;", "BEGIN TRANSACTION", "begin work", "BEGIN NAME t1",
            "START TRANSACTION", "COMMIT", "rollback;", "// note\nCOMMIT WORK"})
    void sessionChangingStatementsAreRefusedWithTheReason(String sql) {
        QueryRelayException e = assertThrows(QueryRelayException.class, () -> StatementPolicy.check(sql));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains("pooled Snowflake session"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1", "(select 1)", "/* mock: rows=2 */ SELECT * FROM t", "ALTER TABLE t ADD COLUMN c INT",
            "INSERT INTO t SELECT 1", "WITH x AS (SELECT 1) SELECT * FROM x", "BEGIN\n  SELECT 1;\nEND;",
            "DECLARE c INT DEFAULT 1; BEGIN RETURN c; END", "SELECT 'USE x'", "SHOW TABLES", "user_table_select"})
    void otherStatementsPass(String sql) {
        assertDoesNotThrow(() -> StatementPolicy.check(sql));
    }

    @Test
    void emptyTextIsRefused() {
        assertEquals(ErrorType.VALIDATION,
                assertThrows(QueryRelayException.class, () -> StatementPolicy.check(" -- nothing\n")).type());
    }

    @Test
    void leadingWordsSkipCommentsAndStopAtPunctuation() {
        assertEquals(List.of("ALTER", "SESSION", "SET"),
                StatementPolicy.leadingWords("/*x*/--y\nalter /* z */ session set a=1"));
        assertEquals(List.of("BEGIN"), StatementPolicy.leadingWords("begin;"));
    }
}
