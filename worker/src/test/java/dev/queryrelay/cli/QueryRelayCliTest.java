package dev.queryrelay.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's command line (the broker tests are in QueryRelayCliIT). */
class QueryRelayCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return QueryRelayCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static <T> T parse(Class<T> command, String... args) {
        CommandLine cli = QueryRelayCli.commandLine(System.out, System.err);
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        return command.cast(parsed.subcommand().commandSpec().userObject());
    }

    @Test
    void submitWithEveryOption() {
        QueryRelayCli.Submit submit = parse(QueryRelayCli.Submit.class, "submit", "--bootstrap", "kafka:9092", "--id", "q-1",
                "--option", "page_rows=1000", "--option=max_rows=5", "--follow", "--timeout", "30",
                "--topic-prefix", "team-a.", "--kafka", "security.protocol=SASL_SSL", "SELECT 1");
        assertEquals("kafka:9092", submit.connection.bootstrap());
        assertEquals("q-1", submit.id);
        assertEquals(Map.of("page_rows", "1000", "max_rows", "5"), submit.options);
        assertTrue(submit.follow);
        assertEquals(30L, submit.timeoutSeconds);
        assertEquals("team-a.status", submit.connection.topics().status());
        assertEquals(Map.of("security.protocol", "SASL_SSL"), submit.connection.kafka);
        assertEquals("SELECT 1", submit.sql);
    }

    @Test
    void doubleDashEndsTheOptionsForSqlThatStartsWithAComment() {
        assertEquals("-- a comment\nSELECT 1",
                parse(QueryRelayCli.Submit.class, "submit", "--bootstrap", "h:1", "--", "-- a comment\nSELECT 1").sql);
    }

    @Test
    void optionValuesAreTypedAsTheProtocolWantsThem() {
        assertEquals(1000L, QueryRelayCli.typed("1000"));
        assertEquals(-5L, QueryRelayCli.typed("-5"));
        assertEquals(true, QueryRelayCli.typed("true"));
        assertEquals("soon", QueryRelayCli.typed("soon"));
    }

    @Test
    void cancelWithAndWithoutReason() {
        QueryRelayCli.Cancel cancel = parse(QueryRelayCli.Cancel.class, "cancel", "--bootstrap", "h:1", "q1", "not needed");
        assertEquals(List.of("q1", "not needed"), List.of(cancel.id, cancel.reason));
        assertEquals(null, parse(QueryRelayCli.Cancel.class, "cancel", "--bootstrap", "h:1", "q1").reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "|missing command",
            "launch|Unmatched argument",
            "submit --bootstrap h:1|Missing required parameter: 'SQL'",
            "submit --bootstrap h:1 --id has.space? SELECT|invalid query id",
            "submit --bootstrap h:1 --timeout 5 SELECT|--timeout needs --follow",
            "submit --bootstrap h:1 --follow --timeout 0 SELECT|whole number of seconds",
            "submit --bootstrap h:1 --option page_rows SELECT|KEY=VALUE",
            "submit --bootstrap h:1 --nope SELECT|Unknown option",
            "cancel --bootstrap h:1|Missing required parameter: 'ID'",
            "cancel --bootstrap h:1 q1 why extra|Unmatched argument",
            "follow --bootstrap h:1 --option a=b q1|Unknown option",
            "follow --bootstrap h:1 --timeout x q1|--timeout"})
    void aUsageErrorIsOneLineOnStandardErrorAndExitCode2(String line, String reason) {
        String[] args = line == null ? new String[0] : line.split(" ");
        assertEquals(2, run(args));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), () -> String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("queryrelay: ") && lines.get(0).contains(reason), lines.get(0));
        assertTrue(lines.get(0).contains("--help shows the usage"), lines.get(0));
    }

    @Test
    void aMissingBootstrapIsAUsageError() {
        if (System.getenv("QUERYRELAY_BOOTSTRAP") == null) {
            assertEquals(2, run("follow", "q1"));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing --bootstrap"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "submit --help", "cancel --help", "follow --help", "help"})
    void helpPrintsTheUsageAndExits0(String line) {
        int code = run(line.split(" "));
        if (line.equals("help")) {
            assertEquals(2, code, "help is not a command; --help is");
            return;
        }
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: queryrelay"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void generatesACompletionScript() {
        assertEquals(0, run("generate-completion"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("complete -F"), "a bash completion script");
    }
}
