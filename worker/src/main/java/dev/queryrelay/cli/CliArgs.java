package dev.queryrelay.cli;

import dev.queryrelay.testkit.QueryRelayTestClient.TopicNames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed {@link QueryRelayCli} command line. {@link #parse} throws {@link UsageException} with a
 * one-line message naming the bad argument.
 *
 * @param sql      the SQL of {@code submit}, else empty
 * @param queryId  the query id ({@code submit} may leave it empty: the CLI then makes one up)
 * @param options  submit options, values typed as JSON wants them (integer, boolean or string)
 * @param reason   the reason of {@code cancel}
 * @param timeout  how long {@code follow} waits for the terminal status; empty: no limit
 * @param kafka    extra Kafka client settings ({@code --kafka security.protocol=SASL_SSL})
 */
record CliArgs(Command command, String bootstrap, TopicNames topics, Optional<String> queryId, String sql,
               Map<String, Object> options, Optional<String> reason, boolean follow, Optional<Duration> timeout,
               Map<String, String> kafka) {

    /** What the command line asks for. */
    enum Command { SUBMIT, CANCEL, FOLLOW, HELP }

    /** A bad command line; the message is one line. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final String DEFAULT_TOPIC_PREFIX = "queryrelay.";
    private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");
    private static final Set<String> WITH_VALUE = Set.of("--bootstrap", "--topic-prefix", "--id", "--option",
            "--timeout", "--kafka");

    CliArgs {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(sql, "sql");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(timeout, "timeout");
        kafka = Map.copyOf(kafka);
        if (command != Command.HELP) {
            Objects.requireNonNull(bootstrap, "bootstrap");
        }
    }

    static CliArgs parse(String... args) {
        Objects.requireNonNull(args, "args");
        if (args.length == 0) {
            throw new UsageException("missing command: submit, cancel or follow");
        }
        Command command = command(args[0]);
        if (command == Command.HELP) {
            return help();
        }
        String bootstrap = null;
        String prefix = DEFAULT_TOPIC_PREFIX;
        String id = null;
        boolean follow = false;
        Duration timeout = null;
        Map<String, Object> options = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        Set<String> given = new LinkedHashSet<>();
        List<String> positional = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (optionsEnded || !arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            String value = eq > 0 ? arg.substring(eq + 1) : null;
            if (name.equals("--help")) {
                return help();
            }
            if (name.equals("--follow")) {
                if (value != null) {
                    throw new UsageException("--follow takes no value");
                }
                follow = true;
                given.add(name);
                continue;
            }
            if (!WITH_VALUE.contains(name)) {
                throw new UsageException("unknown option " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("missing value after " + name);
                }
                value = args[++i];
            }
            given.add(name);
            switch (name) {
                case "--bootstrap" -> bootstrap = nonBlank(name, value);
                case "--topic-prefix" -> prefix = nonBlank(name, value);
                case "--id" -> id = queryId(value);
                case "--option" -> {
                    String[] kv = keyValue(name, value);
                    options.put(kv[0], typed(kv[1]));
                }
                case "--kafka" -> {
                    String[] kv = keyValue(name, value);
                    kafka.put(kv[0], kv[1]);
                }
                default -> timeout = seconds(name, value);
            }
        }
        if (bootstrap == null) {
            throw new UsageException("missing --bootstrap HOST:PORT");
        }
        TopicNames topics = TopicNames.withPrefix(prefix);
        return switch (command) {
            case SUBMIT -> {
                if (given.contains("--timeout") && !follow) {
                    throw new UsageException("--timeout needs --follow");
                }
                yield new CliArgs(command, bootstrap, topics, Optional.ofNullable(id),
                        only(positional, "the SQL (quote it)"), options, Optional.empty(), follow,
                        Optional.ofNullable(timeout), kafka);
            }
            case CANCEL -> {
                refuse(command, given, "--id", "--option", "--follow", "--timeout");
                if (positional.isEmpty() || positional.size() > 2) {
                    throw new UsageException("cancel expects ID [REASON], got " + positional.size() + " arguments");
                }
                yield new CliArgs(command, bootstrap, topics, Optional.of(queryId(positional.get(0))), "",
                        Map.of(), Optional.ofNullable(positional.size() == 2 ? positional.get(1) : null), false,
                        Optional.empty(), kafka);
            }
            default -> {
                refuse(command, given, "--id", "--option", "--follow");
                yield new CliArgs(command, bootstrap, topics, Optional.of(queryId(only(positional, "the query ID"))),
                        "", Map.of(), Optional.empty(), true, Optional.ofNullable(timeout), kafka);
            }
        };
    }

    static String usage() {
        return """
                usage: queryrelay submit --bootstrap HOST:PORT [--id ID] [--option KEY=VALUE ...] [--follow [--timeout SECONDS]] SQL
                       queryrelay cancel --bootstrap HOST:PORT ID [REASON]
                       queryrelay follow --bootstrap HOST:PORT [--timeout SECONDS] ID
                common options:
                  --topic-prefix P    topics P+"submit", P+"cancel", P+"status", P+"results" (default "queryrelay.")
                  --kafka KEY=VALUE   any Kafka client setting, e.g. security.protocol=SASL_SSL
                  --                  ends the options (for SQL that starts with "--")
                submit options (see docs/protocol.md): timeout_ms, page_rows, max_rows, poll_interval_ms
                follow prints each status transition and result page of the query until its terminal status;
                it exits 0 on SUCCEEDED and 1 otherwise.""";
    }

    private static CliArgs help() {
        return new CliArgs(Command.HELP, null, TopicNames.defaults(), Optional.empty(), "", Map.of(),
                Optional.empty(), false, Optional.empty(), Map.of());
    }

    private static Command command(String arg) {
        return switch (arg) {
            case "submit" -> Command.SUBMIT;
            case "cancel" -> Command.CANCEL;
            case "follow" -> Command.FOLLOW;
            case "help", "-h", "--help" -> Command.HELP;
            default -> throw new UsageException("unknown command '" + arg + "': expected submit, cancel or follow");
        };
    }

    private static void refuse(Command command, Set<String> given, String... options) {
        for (String option : options) {
            if (given.contains(option)) {
                throw new UsageException(option + " does not apply to " + command.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    private static String only(List<String> positional, String what) {
        if (positional.size() != 1) {
            throw new UsageException("expected " + what + " as one argument, got " + positional.size());
        }
        return positional.get(0);
    }

    private static String queryId(String value) {
        if (!QUERY_ID.matcher(value).matches()) {
            throw new UsageException("invalid query id '" + value + "': 1 to 128 characters from A-Z a-z 0-9 . _ : -");
        }
        return value;
    }

    private static String nonBlank(String name, String value) {
        if (value.isBlank()) {
            throw new UsageException(name + " must not be blank");
        }
        return value.trim();
    }

    private static String[] keyValue(String name, String value) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
            throw new UsageException(name + " expects KEY=VALUE, got '" + value + "'");
        }
        return new String[] {value.substring(0, eq).trim(), value.substring(eq + 1)};
    }

    /** {@code 1000} is a number and {@code true} a boolean, as the protocol's options are; the rest stays text. */
    private static Object typed(String value) {
        if (INTEGER.matcher(value).matches()) {
            return Long.parseLong(value);
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        return value;
    }

    private static Duration seconds(String name, String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds >= 1) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " expects a whole number of seconds >= 1, got '" + value + "'");
    }
}
