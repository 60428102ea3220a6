package dev.queryrelay.embedded;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafkaBroker} as its own process until it is killed; SIGTERM (or Ctrl-C)
 * stops it cleanly. Once the broker serves, prints one line {@code bootstrap.servers=HOST:PORT}
 * to standard output; logs go wherever the SLF4J binding on the classpath sends them.
 *
 * <pre>
 * java -cp CLASSPATH dev.queryrelay.embedded.KafkaBrokerMain [--port N] [--log-dir DIR]
 *      [--partitions N] [--property key=value ...]
 * </pre>
 *
 * Without {@code --port} a free port is used; without {@code --log-dir} a temporary directory
 * that is deleted at exit. Exits with status 2 on a bad argument and 1 if the broker does not
 * start. Unlike an in-JVM {@link EmbeddedKafkaBroker}, a fatal broker error halts the process, as
 * Kafka's own server does.
 */
public final class KafkaBrokerMain {

    private static final Set<String> OPTIONS = Set.of("--port", "--log-dir", "--partitions", "--property");

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("KafkaBrokerMain: " + e.getMessage());
            System.err.println("usage: KafkaBrokerMain [--port N] [--log-dir DIR] [--partitions N]"
                    + " [--property key=value ...]");
            System.exit(2);
            return;
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = builder.start();
        } catch (RuntimeException e) {
            System.err.println("KafkaBrokerMain: the broker did not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "kafka-broker-shutdown"));
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    static EmbeddedKafkaBroker.Builder parse(String[] args) {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().guardJvm(false);
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value = null;
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + name);
                }
                value = args[++i];
            }
            switch (name) {
                case "--port" -> builder.port(parseInt(name, value));
                case "--log-dir" -> builder.logDir(Path.of(value));
                case "--partitions" -> builder.partitions(parseInt(name, value));
                default -> builder.brokerProperty(value);
            }
        }
        return builder;
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }
}
