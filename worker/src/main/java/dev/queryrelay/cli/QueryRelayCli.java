package dev.queryrelay.cli;

import dev.queryrelay.protocol.CommandParser;
import dev.queryrelay.protocol.Commands;
import dev.queryrelay.protocol.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A command-line client of the QueryRelay protocol (docs/protocol.md) for any Kafka cluster, on
 * picocli: {@code submit}, {@code cancel} and {@code follow}, each with {@code --help}, plus
 * {@code generate-completion} for a bash/zsh completion script. {@code --bootstrap} defaults to
 * the environment variable {@code QUERYRELAY_BOOTSTRAP}. Exit codes: 0 when a command was sent,
 * or when a followed query ended {@code SUCCEEDED}; 1 when it ended otherwise, the wait timed out
 * or Kafka failed; 2 on a usage error (one line on standard error).
 */
@Command(name = "queryrelay", mixinStandardHelpOptions = true, versionProvider = QueryRelayCli.Version.class,
        description = "Submits, cancels and follows QueryRelay queries through Kafka.",
        subcommands = {QueryRelayCli.Submit.class, QueryRelayCli.Cancel.class, QueryRelayCli.Follow.class,
                AutoComplete.GenerateCompletion.class})
public final class QueryRelayCli implements Callable<Integer> {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    QueryRelayCli(PrintStream out, PrintStream err) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line, printing to {@code out} and {@code err}, and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new QueryRelayCli(out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandName();
            err.println("queryrelay: " + e.getMessage().replace('\n', ' ') + " ("
                    + (command.equals("queryrelay") ? "" : "queryrelay ") + command + " --help shows the usage)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof KafkaException || e instanceof SendException) {
                err.println("queryrelay: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }

    /** No command: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: submit, cancel or follow");
    }

    /** What every command needs to reach the cluster. */
    static final class Connection {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "${env:QUERYRELAY_BOOTSTRAP}",
                description = "Kafka bootstrap servers (default: $QUERYRELAY_BOOTSTRAP).")
        String bootstrap;

        @Option(names = "--topic-prefix", paramLabel = "P", defaultValue = TopicNames.DEFAULT_PREFIX,
                description = "Topics P+\"submit\", P+\"cancel\", P+\"status\", P+\"results\" (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(names = "--kafka", paramLabel = "KEY=VALUE",
                description = "Any Kafka client setting, e.g. security.protocol=SASL_SSL (repeatable).")
        Map<String, String> kafka = new LinkedHashMap<>();

        @Spec(Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        String bootstrap() {
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new ParameterException(spec.commandLine(), "missing --bootstrap HOST:PORT (or QUERYRELAY_BOOTSTRAP)");
            }
            return bootstrap.trim();
        }

        TopicNames topics() {
            if (topicPrefix.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--topic-prefix must not be blank");
            }
            return TopicNames.withPrefix(topicPrefix.trim());
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submits SQL as a query; prints its id. Options: see docs/protocol.md.")
    static final class Submit implements Callable<Integer> {
        @Mixin Connection connection;
        @CommandLine.ParentCommand QueryRelayCli cli;

        @Option(names = "--id", paramLabel = "ID", description = "The query id (default: a new q-UUID).")
        String id;

        @Option(names = "--option", paramLabel = "KEY=VALUE",
                description = "A submit option: timeout_ms, page_rows, max_rows, poll_interval_ms (repeatable).")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(names = "--follow", description = "Then print the query's transitions and pages until it ends.")
        boolean follow;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "With --follow: stop waiting after this long.")
        Long timeoutSeconds;

        @Parameters(index = "0", paramLabel = "SQL", description = "The SQL (quote it; -- ends the options).")
        String sql;

        @Override
        public Integer call() {
            String queryId = id == null ? "q-" + UUID.randomUUID() : queryId(connection, id);
            if (timeoutSeconds != null && !follow) {
                throw new ParameterException(connection.spec.commandLine(), "--timeout needs --follow");
            }
            Optional<Duration> timeout = timeout(connection, timeoutSeconds);
            Map<String, Object> typed = new LinkedHashMap<>();
            options.forEach((key, value) -> typed.put(key.trim(), typed(value)));
            send(connection, connection.topics().submit(), queryId,
                    Commands.submit(queryId, sql, List.of(), typed, Map.of()));
            cli.out.println("submitted " + queryId);
            cli.out.flush();
            return follow ? cli.follow(connection, queryId, timeout) : 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a query.")
    static final class Cancel implements Callable<Integer> {
        @Mixin Connection connection;
        @CommandLine.ParentCommand QueryRelayCli cli;

        @Parameters(index = "0", paramLabel = "ID", description = "The query id.")
        String id;

        @Parameters(index = "1", arity = "0..1", paramLabel = "REASON", description = "Why (published in the CANCELED event).")
        String reason;

        @Override
        public Integer call() {
            String queryId = queryId(connection, id);
            send(connection, connection.topics().cancel(), queryId, Commands.cancel(queryId, reason));
            cli.out.println("cancel sent for " + queryId);
            return 0;
        }
    }

    @Command(name = "follow", mixinStandardHelpOptions = true,
            description = "Prints a query's transitions and pages until its terminal status; exits 0 on SUCCEEDED, else 1.")
    static final class Follow implements Callable<Integer> {
        @Mixin Connection connection;
        @CommandLine.ParentCommand QueryRelayCli cli;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop waiting after this long.")
        Long timeoutSeconds;

        @Parameters(index = "0", paramLabel = "ID", description = "The query id.")
        String id;

        @Override
        public Integer call() {
            return cli.follow(connection, queryId(connection, id), timeout(connection, timeoutSeconds));
        }
    }

    private int follow(Connection connection, String queryId, Optional<Duration> timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrap());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "queryrelay-cli");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.putAll(connection.kafka);
        Optional<String> outcome = new QueryFollower(config, connection.topics(), out, err).follow(queryId, timeout);
        if (outcome.isEmpty()) {
            err.println("queryrelay: no terminal status for " + queryId
                    + timeout.map(t -> " within " + t.toSeconds() + " s").orElse(" (interrupted)"));
            return 1;
        }
        return outcome.get().equals("SUCCEEDED") ? 0 : 1;
    }

    /** Sends one command keyed by its query id and waits for the broker's acknowledgement. */
    private static void send(Connection connection, String topic, String queryId, String value) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrap());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "queryrelay-cli");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        config.putAll(connection.kafka);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        KafkaProducer<String, String> producer = new KafkaProducer<>(config);
        try {
            producer.send(new ProducerRecord<>(topic, queryId, value)).get(SEND_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SendException("could not send to " + topic + " at " + connection.bootstrap() + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new SendException("no acknowledgement from " + connection.bootstrap() + " for " + topic + " within "
                    + SEND_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendException("interrupted while sending to " + topic);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private static String queryId(Connection connection, String value) {
        if (!CommandParser.QUERY_ID.matcher(value).matches()) {
            throw new ParameterException(connection.spec.commandLine(),
                    "invalid query id '" + value + "': 1 to 128 characters from A-Z a-z 0-9 . _ : -");
        }
        return value;
    }

    private static Optional<Duration> timeout(Connection connection, Long seconds) {
        if (seconds != null && seconds < 1) {
            throw new ParameterException(connection.spec.commandLine(),
                    "--timeout expects a whole number of seconds >= 1, got '" + seconds + "'");
        }
        return Optional.ofNullable(seconds).map(Duration::ofSeconds);
    }

    /** {@code 1000} is a number and {@code true} a boolean, as the protocol's options are; the rest stays text. */
    static Object typed(String value) {
        if (INTEGER.matcher(value).matches()) {
            return Long.parseLong(value);
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        return value;
    }

    /** The version of the jar, from its manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = QueryRelayCli.class.getPackage().getImplementationVersion();
            return new String[] {"queryrelay " + (version == null ? "(development build)" : version)};
        }
    }

    private static final class SendException extends RuntimeException {
        SendException(String message) {
            super(message);
        }
    }
}
