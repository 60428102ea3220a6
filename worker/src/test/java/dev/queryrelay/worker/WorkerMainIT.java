package dev.queryrelay.worker;

import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.testkit.QueryRelayTestClient.TopicNames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable worker as a process: bad settings, and a local try-out with --embedded-kafka. */
class WorkerMainIT {

    private static Process start(Path output, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(output.resolveSibling(
                output.getFileName() + ".err").toFile()).start();
    }

    private static String stderr(Path output) throws IOException {
        return Files.readString(output.resolveSibling(output.getFileName() + ".err"));
    }

    @Test
    void aBadOrMissingSettingStopsTheWorkerWithOneLineNamingIt() throws Exception {
        String[][] cases = {
                {},
                {"--kafka.bootstrap.servers=127.0.0.1:1", "--worker.max-in-flight=many"},
                {"--kafka.bootstrap.servers=127.0.0.1:1", "--worker.max-inflight=3"},
                {"--kafka.bootstrap.servers=127.0.0.1:1", "--http.port=70000"}};
        String[] named = {"kafka.bootstrap.servers", "worker.max-in-flight", "worker.max-inflight", "http.port"};
        for (int i = 0; i < cases.length; i++) {
            Path output = Files.createTempFile("worker-main", ".out");
            Process process = start(output, cases[i]);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue(), named[i]);
            List<String> lines = stderr(output).lines().toList();
            assertEquals(1, lines.size(), () -> String.join("\n", lines));
            assertTrue(lines.get(0).startsWith("queryrelay: ") && lines.get(0).contains(named[i]), lines.get(0));
        }
    }

    @Test
    void embeddedKafkaGivesALocalTryOut() throws Exception {
        Path output = Files.createTempFile("worker-embedded", ".out");
        Process process = start(output, "--embedded-kafka", "--http.port=-1", "--worker.id=local");
        try {
            Pattern bootstrap = Pattern.compile("bootstrap.servers=(\\S+)");
            await("broker address printed").atMost(Duration.ofSeconds(90))
                    .until(() -> Files.readString(output).contains("queryrelay worker local running"));
            Matcher matcher = bootstrap.matcher(Files.readString(output));
            assertTrue(matcher.find());
            assertTrue(stderr(output).contains("provider 'mock' is a simulated warehouse"), "the mock warning");
            try (QueryRelayTestClient client = new QueryRelayTestClient(matcher.group(1), TopicNames.defaults())) {
                client.submit("try-1", "/* mock: rows=3 */ SELECT 1");
                assertEquals(3, client.awaitStatus("try-1", "SUCCEEDED", Duration.ofSeconds(60)).get("row_count").asInt());
            }
        } finally {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops it");
        }
        assertTrue(stderr(output).contains("worker local stopped"), "graceful shutdown ran");
    }
}
