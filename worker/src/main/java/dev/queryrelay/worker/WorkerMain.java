package dev.queryrelay.worker;

import dev.queryrelay.api.QueryRelayException;
import org.apache.kafka.common.config.ConfigException;

import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;

/**
 * {@code java -jar queryrelay-worker.jar [--config FILE] [--key=value ...]}, or with the embedded
 * broker on the class path, {@code --embedded-kafka}. A bad or missing setting ends the process with
 * exit code 2 and one line naming it.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AtomicReference<EmbeddedBroker> broker = new AtomicReference<>();
        AtomicReference<Worker> worker = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Worker running = worker.get();
            if (running != null) {
                running.close();
            }
            EmbeddedBroker embedded = broker.get();
            if (embedded != null) {
                embedded.close();
            }
        }, "queryrelay-shutdown"));
        try {
            ConfigSources.Loaded loaded = ConfigSources.load(args, System.getenv());
            Map<String, String> settings = new HashMap<>(loaded.settings());
            if (loaded.embeddedKafka()) {
                broker.set(EmbeddedBroker.start());
                settings.putIfAbsent(WorkerConfig.BOOTSTRAP_SERVERS, broker.get().bootstrapServers());
                System.out.println("embedded Kafka broker: bootstrap.servers=" + broker.get().bootstrapServers());
            }
            worker.set(Worker.start(new WorkerConfig(settings)));
        } catch (ConfigException | IllegalArgumentException | QueryRelayException | UncheckedIOException e) {
            System.err.println("queryrelay: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("queryrelay: cannot start: " + e);
            System.exit(1);
            return;
        }
        System.out.println("queryrelay worker " + worker.get().id() + " running; Ctrl-C or SIGTERM stops it gracefully");
        worker.get().awaitTermination();
        if (!worker.get().isClosed()) {
            System.err.println("queryrelay: the consumer loop stopped on an error; exiting so that a supervisor restarts it");
            System.exit(1);
        }
    }
}
