package dev.queryrelay.snowflake;

import dev.queryrelay.api.QueryRelayException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Refuses, before any call to Snowflake, statements that would change a pooled session's state
 * for the queries that later run on it: {@code USE ...}, {@code ALTER SESSION},
 * {@code SET}/{@code UNSET} of session variables, and transaction control ({@code BEGIN
 * [TRANSACTION|WORK]}, {@code START TRANSACTION}, {@code COMMIT}, {@code ROLLBACK}). A Snowflake
 * Scripting block ({@code BEGIN ... END}) is not transaction control and is allowed. Sessions are
 * shared by all queries of a connection, so such a statement would leak into unrelated queries;
 * set database, schema, role, warehouse and session parameters in the provider settings instead.
 * Only the leading words are looked at (after comments and whitespace); a second statement in
 * the same text is refused by Snowflake itself ({@code MULTI_STATEMENT_COUNT=1}).
 */
final class StatementPolicy {

    private static final int WORDS = 3;

    private StatementPolicy() {
    }

    /**
     * Checks {@code sql}.
     *
     * @throws QueryRelayException {@code VALIDATION} naming the statement kind and why
     */
    static void check(String sql) {
        Objects.requireNonNull(sql, "sql");
        List<String> words = leadingWords(sql);
        if (words.isEmpty()) {
            throw QueryRelayException.validation("the SQL text holds no statement");
        }
        String refused = refusedKind(words);
        if (refused != null) {
            throw QueryRelayException.validation(refused + " statements are not allowed: they would change the "
                    + "pooled Snowflake session for later queries. Set database, schema, role, warehouse and "
                    + "session parameters in the provider.* settings, and run transactions in a stored procedure "
                    + "or a Snowflake Scripting block (BEGIN ... END)");
        }
    }

    private static String refusedKind(List<String> words) {
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        return switch (first) {
            case "USE" -> "USE";
            case "SET" -> "SET";
            case "UNSET" -> "UNSET";
            case "COMMIT" -> "COMMIT";
            case "ROLLBACK" -> "ROLLBACK";
            case "ALTER" -> second.equals("SESSION") ? "ALTER SESSION" : null;
            case "START" -> second.equals("TRANSACTION") ? "START TRANSACTION" : null;
            case "BEGIN" -> second.isEmpty() || second.equals("TRANSACTION") || second.equals("WORK")
                    || second.equals("NAME") ? "BEGIN TRANSACTION" : null;
            default -> null;
        };
    }

    /**
     * Up to three upper-case words from the start of the text; comments ({@code --}, {@code //},
     * block comments) and whitespace skipped; a {@code ;} ends the statement.
     */
    static List<String> leadingWords(String sql) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n && words.size() < WORDS) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i) || sql.startsWith("//", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
            } else {
                break;
            }
        }
        return words;
    }
}
