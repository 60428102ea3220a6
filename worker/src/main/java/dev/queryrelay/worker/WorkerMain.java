package dev.queryrelay.worker;

import dev.queryrelay.api.QueryRelayException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.MDC;

import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;

/**
 * {@code java -jar queryrelay-worker.jar [--config FILE] [--key=value ...]}, or with the embedded
 * broker on the class path, {@code --embedded-kafka}. A bad or missing setting ends the process with
 * exit code 2 and one line naming it. With {@code QUERYRELAY_LOG_FORMAT=json} every line it writes
 * is a JSON log event ({@link LogFormat}).
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LogFormat console;
        try {
            console = LogFormat.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("queryrelay: " + e.getMessage());
            System.exit(2);
            return;
        }
        AtomicReference<EmbeddedBroker> broker = new AtomicReference<>();
        AtomicReference<Worker> worker = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Worker running = worker.get();
            if (running != null) {
                MDC.put("worker_id", running.id());
                running.close();
            }
            EmbeddedBroker embedded = broker.get();
            if (embedded != null) {
                embedded.close();
            }
            LogFormat.flush();
        }, "queryrelay-shutdown"));
        try {
            ConfigSources.Loaded loaded = ConfigSources.load(args, System.getenv());
            Map<String, String> settings = new HashMap<>(loaded.settings());
            if (loaded.embeddedKafka()) {
                broker.set(EmbeddedBroker.start());
                settings.putIfAbsent(WorkerConfig.BOOTSTRAP_SERVERS, broker.get().bootstrapServers());
                console.announce("embedded Kafka broker: bootstrap.servers=" + broker.get().bootstrapServers());
            }
            WorkerConfig config = new WorkerConfig(settings);
            MDC.put("worker_id", config.getString(WorkerConfig.WORKER_ID));
            worker.set(Worker.start(config));
        } catch (ConfigException | IllegalArgumentException | QueryRelayException | UncheckedIOException e) {
            console.fatal("queryrelay: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            console.fatal("queryrelay: cannot start: " + e);
            System.exit(1);
            return;
        }
        console.announce("queryrelay worker " + worker.get().id() + " running; Ctrl-C or SIGTERM stops it gracefully");
        worker.get().awaitTermination();
        if (!worker.get().isClosed()) {
            console.fatal("queryrelay: the consumer loop stopped on an error; exiting so that a supervisor restarts it");
            System.exit(1);
        }
    }
}
