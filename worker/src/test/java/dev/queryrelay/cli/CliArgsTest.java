package dev.queryrelay.cli;

import dev.queryrelay.cli.CliArgs.Command;
import dev.queryrelay.cli.CliArgs.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliArgsTest {

    @Test
    void submitWithEveryOption() {
        CliArgs cli = CliArgs.parse("submit", "--bootstrap", "kafka:9092", "--id", "q-1", "--option", "page_rows=1000",
                "--option", "flag=true", "--option", "label=x=y", "--follow", "--timeout", "30",
                "--kafka", "security.protocol=SASL_SSL", "SELECT 1");
        assertEquals(Command.SUBMIT, cli.command());
        assertEquals("kafka:9092", cli.bootstrap());
        assertEquals(Optional.of("q-1"), cli.queryId());
        assertEquals("SELECT 1", cli.sql());
        assertEquals(Map.of("page_rows", 1000L, "flag", true, "label", "x=y"), cli.options());
        assertEquals(List.of("page_rows", "flag", "label"), List.copyOf(cli.options().keySet()), "order kept");
        assertTrue(cli.follow());
        assertEquals(Optional.of(Duration.ofSeconds(30)), cli.timeout());
        assertEquals(Map.of("security.protocol", "SASL_SSL"), cli.kafka());
        assertEquals("queryrelay.submit", cli.topics().submit());
        assertEquals("queryrelay.status", cli.topics().status());
    }

    @Test
    void submitWithDefaultsAndEqualsForms() {
        CliArgs cli = CliArgs.parse("submit", "--bootstrap=h:1", "--option=timeout_ms=-5", "SELECT 2");
        assertEquals("h:1", cli.bootstrap());
        assertEquals(Optional.empty(), cli.queryId());
        assertEquals(Map.of("timeout_ms", -5L), cli.options());
        assertFalse(cli.follow());
        assertEquals(Optional.empty(), cli.timeout());
    }

    @Test
    void doubleDashEndsTheOptionsForSqlThatStartsWithAComment() {
        CliArgs cli = CliArgs.parse("submit", "--bootstrap", "h:1", "--", "-- a comment\nSELECT 1");
        assertEquals("-- a comment\nSELECT 1", cli.sql());
    }

    @Test
    void topicPrefixNamesEveryTopic() {
        CliArgs cli = CliArgs.parse("follow", "--topic-prefix", "team-a.", "--bootstrap", "h:1", "q1");
        assertEquals("team-a.submit", cli.topics().submit());
        assertEquals("team-a.cancel", cli.topics().cancel());
        assertEquals("team-a.status", cli.topics().status());
        assertEquals("team-a.results", cli.topics().results());
    }

    @Test
    void cancelWithAndWithoutReason() {
        CliArgs withReason = CliArgs.parse("cancel", "--bootstrap", "h:1", "q1", "not needed any more");
        assertEquals(Command.CANCEL, withReason.command());
        assertEquals(Optional.of("q1"), withReason.queryId());
        assertEquals(Optional.of("not needed any more"), withReason.reason());
        assertEquals(Optional.empty(), CliArgs.parse("cancel", "--bootstrap", "h:1", "q1").reason());
    }

    @Test
    void followWithTimeout() {
        CliArgs cli = CliArgs.parse("follow", "--bootstrap", "h:1", "--timeout=5", "q1");
        assertEquals(Command.FOLLOW, cli.command());
        assertEquals(Optional.of("q1"), cli.queryId());
        assertEquals(Optional.of(Duration.ofSeconds(5)), cli.timeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "-h", "--help", "submit|--help"})
    void help(String args) {
        assertEquals(Command.HELP, CliArgs.parse(args.split("\\|")).command());
    }

    /** Each case is the arguments and the expected start of the message, separated by '|'. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "|missing command",
            "query|unknown command 'query'",
            "submit|SELECT 1|missing --bootstrap",
            "submit|--bootstrap|missing value after --bootstrap",
            "submit|--bootstrap| |SELECT 1|--bootstrap must not be blank",
            "submit|--bootstrap|h:1|--wait|SELECT 1|unknown option --wait",
            "submit|--bootstrap|h:1|SELECT|1|expected the SQL (quote it) as one argument, got 2",
            "submit|--bootstrap|h:1|expected the SQL (quote it) as one argument, got 0",
            "submit|--bootstrap|h:1|--id|bad id!|SELECT 1|invalid query id 'bad id!'",
            "submit|--bootstrap|h:1|--option|page_rows|SELECT 1|--option expects KEY=VALUE, got 'page_rows'",
            "submit|--bootstrap|h:1|--option|=5|SELECT 1|--option expects KEY=VALUE",
            "submit|--bootstrap|h:1|--follow=yes|SELECT 1|--follow takes no value",
            "submit|--bootstrap|h:1|--timeout|5|SELECT 1|--timeout needs --follow",
            "submit|--bootstrap|h:1|--follow|--timeout|0|SELECT 1|--timeout expects a whole number of seconds >= 1, got '0'",
            "submit|--bootstrap|h:1|--follow|--timeout|soon|SELECT 1|--timeout expects a whole number",
            "cancel|--bootstrap|h:1|cancel expects ID [REASON], got 0 arguments",
            "cancel|--bootstrap|h:1|q1|why|what|cancel expects ID [REASON], got 3 arguments",
            "cancel|--bootstrap|h:1|--id|q1|q1|--id does not apply to cancel",
            "cancel|--bootstrap|h:1|--follow|q1|--follow does not apply to cancel",
            "follow|--bootstrap|h:1|--option|a=1|q1|--option does not apply to follow",
            "follow|--bootstrap|h:1|the id|invalid query id 'the id'",
            "follow|--bootstrap|h:1|q1|q2|expected the query ID as one argument, got 2",
    })
    void usageErrorsNameTheProblem(String line) {
        String[] parts = line.split("\\|", -1);
        String expected = parts[parts.length - 1];
        String[] args = parts.length == 2 && parts[0].isEmpty() ? new String[0]
                : Arrays.copyOf(parts, parts.length - 1);
        UsageException e = assertThrows(UsageException.class, () -> CliArgs.parse(args));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aUsageErrorIsOneLineOnStandardErrorAndExitCode2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = QueryRelayCli.run(new String[] {"submit", "SELECT 1"}, print(out), print(err));
        assertEquals(2, code);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("queryrelay: missing --bootstrap HOST:PORT"), message);
    }

    @Test
    void helpPrintsTheUsageAndExits0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, QueryRelayCli.run(new String[] {"--help"}, print(out), print(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: queryrelay submit"));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
