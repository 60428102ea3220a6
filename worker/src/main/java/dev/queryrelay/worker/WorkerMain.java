package dev.queryrelay.worker;

import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.testkit.EmbeddedKafkaBroker;
import org.apache.kafka.common.config.ConfigException;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar queryrelay-worker.jar [--config FILE] [--embedded-kafka] [--key=value ...]}.
 * A bad or missing setting ends the process with exit code 2 and one line naming it.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = null;
        Worker worker;
        try {
            ConfigSources.Loaded loaded = ConfigSources.load(args, System.getenv());
            Map<String, String> settings = new HashMap<>(loaded.settings());
            if (loaded.embeddedKafka()) {
                broker = EmbeddedKafkaBroker.start();
                settings.putIfAbsent(WorkerConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
                System.out.println("embedded Kafka broker: bootstrap.servers=" + broker.bootstrapServers());
            }
            worker = Worker.start(new WorkerConfig(settings));
        } catch (ConfigException | IllegalArgumentException | QueryRelayException e) {
            System.err.println("queryrelay: " + e.getMessage());
            if (broker != null) {
                broker.close();
            }
            System.exit(2);
            return;
        }
        EmbeddedKafkaBroker embedded = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            if (embedded != null) {
                embedded.close();
            }
        }, "queryrelay-shutdown"));
        System.out.println("queryrelay worker " + worker.id() + " running; Ctrl-C or SIGTERM stops it gracefully");
        worker.awaitTermination();
    }
}
