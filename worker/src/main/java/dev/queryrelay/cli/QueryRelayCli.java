package dev.queryrelay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queryrelay.cli.CliArgs.UsageException;
import dev.queryrelay.testkit.KafkaTestClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command-line client of the QueryRelay protocol (docs/protocol.md) for any Kafka cluster:
 *
 * <pre>
 * java -cp queryrelay-worker.jar dev.queryrelay.cli.QueryRelayCli submit --bootstrap HOST:PORT
 *      [--id ID] [--option KEY=VALUE ...] [--follow [--timeout SECONDS]] SQL
 * ... QueryRelayCli cancel --bootstrap HOST:PORT ID [REASON]
 * ... QueryRelayCli follow --bootstrap HOST:PORT [--timeout SECONDS] ID
 * </pre>
 *
 * {@code --topic-prefix P} uses the topics {@code P+"submit"}, … instead of the worker's defaults,
 * and {@code --kafka KEY=VALUE} passes any setting to the Kafka clients. Exit codes: 0 when a
 * command was sent, or when a followed query ended {@code SUCCEEDED}; 1 when it ended otherwise,
 * the wait timed out or Kafka failed; 2 on a usage error (one line on standard error).
 */
public final class QueryRelayCli {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private QueryRelayCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line, printing to {@code out} and {@code err}, and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        CliArgs cli;
        try {
            cli = CliArgs.parse(args);
        } catch (UsageException e) {
            err.println("queryrelay: " + e.getMessage() + " (queryrelay --help shows the usage)");
            return 2;
        }
        try {
            return switch (cli.command()) {
                case HELP -> {
                    out.println(CliArgs.usage());
                    yield 0;
                }
                case SUBMIT -> submit(cli, out, err);
                case CANCEL -> cancel(cli, out, err);
                case FOLLOW -> follow(cli, cli.queryId().orElseThrow(), out, err);
            };
        } catch (KafkaException | SendException e) {
            err.println("queryrelay: " + e.getMessage());
            return 1;
        }
    }

    private static int submit(CliArgs cli, PrintStream out, PrintStream err) {
        String queryId = cli.queryId().orElseGet(() -> "q-" + UUID.randomUUID());
        ObjectNode command = MAPPER.createObjectNode();
        command.put("query_id", queryId);
        command.put("sql", cli.sql());
        if (!cli.options().isEmpty()) {
            command.set("options", MAPPER.valueToTree(cli.options()));
        }
        send(cli, cli.topics().submit(), queryId, command.toString());
        out.println("submitted " + queryId);
        out.flush();
        return cli.follow() ? follow(cli, queryId, out, err) : 0;
    }

    private static int cancel(CliArgs cli, PrintStream out, PrintStream err) {
        String queryId = cli.queryId().orElseThrow();
        ObjectNode command = MAPPER.createObjectNode();
        command.put("query_id", queryId);
        cli.reason().ifPresent(reason -> command.put("reason", reason));
        send(cli, cli.topics().cancel(), queryId, command.toString());
        out.println("cancel sent for " + queryId);
        return 0;
    }

    private static int follow(CliArgs cli, String queryId, PrintStream out, PrintStream err) {
        Map<String, Object> config = KafkaTestClients.consumerConfig(cli.bootstrap(), "unused");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "queryrelay-cli");
        config.putAll(cli.kafka());
        Optional<String> outcome = new QueryFollower(config, cli.topics(), out, err).follow(queryId, cli.timeout());
        if (outcome.isEmpty()) {
            err.println("queryrelay: no terminal status for " + queryId
                    + cli.timeout().map(t -> " within " + t.toSeconds() + " s").orElse(" (interrupted)"));
            return 1;
        }
        return outcome.get().equals("SUCCEEDED") ? 0 : 1;
    }

    /** Sends one command keyed by its query id and waits for the broker's acknowledgement. */
    private static void send(CliArgs cli, String topic, String queryId, String value) {
        Map<String, Object> config = KafkaTestClients.producerConfig(cli.bootstrap());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "queryrelay-cli");
        config.putAll(cli.kafka());
        KafkaProducer<String, String> producer = new KafkaProducer<>(config);
        try {
            producer.send(new ProducerRecord<>(topic, queryId, value)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SendException("could not send to " + topic + " at " + cli.bootstrap() + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new SendException("no acknowledgement from " + cli.bootstrap() + " for " + topic + " within "
                    + SEND_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendException("interrupted while sending to " + topic);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    private static final class SendException extends RuntimeException {
        SendException(String message) {
            super(message);
        }
    }
}
