package dev.queryrelay.worker;

import dev.queryrelay.testkit.QueryRelayTestClient;
import dev.queryrelay.protocol.TopicNames;
import dev.queryrelay.embedded.EmbeddedKafkaBroker;
import dev.queryrelay.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runnable worker as a process: bad settings, and a local try-out with --embedded-kafka. */
@EmbeddedKafka
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

    @Test
    void twoWorkersOnOneHostWithTheSameSettingsBothRun(EmbeddedKafkaBroker broker) throws Exception {
        String[] settings = {"--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--kafka.group.id=same-host",
                "--topics.submit=same-host.submit", "--topics.cancel=same-host.cancel", "--topics.status=same-host.status",
                "--topics.results=same-host.results", "--topics.dlq=same-host.dlq", "--topics.state=same-host.state"};
        Path first = Files.createTempFile("worker-first", ".out");
        Path second = Files.createTempFile("worker-second", ".out");
        Process one = start(first, settings);
        Process two = start(second, settings);
        try {
            Pattern port = Pattern.compile("http port (\\d+)");
            await("both workers running").atMost(Duration.ofSeconds(90))
                    .until(() -> port.matcher(stderr(first)).find() && port.matcher(stderr(second)).find());
            assertTrue(one.isAlive() && two.isAlive(), "neither exits");
            Matcher a = port.matcher(stderr(first));
            Matcher b = port.matcher(stderr(second));
            assertTrue(a.find() && b.find());
            assertTrue(!a.group(1).equals(b.group(1)), "each its own port: " + a.group(1) + ", " + b.group(1));
            assertTrue((stderr(first) + stderr(second)).contains("the default http.port 8080 is in use"),
                    "the one that did not get 8080 says so");
            for (String p : List.of(a.group(1), b.group(1))) {
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + p + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode());
            }
        } finally {
            one.destroy();
            two.destroy();
            assertTrue(one.waitFor(60, TimeUnit.SECONDS) && two.waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void anExplicitPortThatIsTakenStopsTheWorkerWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path output = Files.createTempFile("worker-port", ".out");
            Process process = start(output, "--kafka.bootstrap.servers=127.0.0.1:1", "--http.port=" + taken.getLocalPort());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            List<String> lines = stderr(output).lines().filter(line -> line.startsWith("queryrelay: ")).toList();
            assertEquals(2, process.exitValue(), stderr(output));
            assertEquals(1, lines.size(), stderr(output));
            assertTrue(lines.get(0).contains("http.port " + taken.getLocalPort()), lines.get(0));
        }
    }

    @Test
    void theWorkerJarHoldsNoBrokerAndNoTestCode() throws Exception {
        Path jar = Path.of("target", "queryrelay-worker.jar");
        assertTrue(Files.exists(jar), "built by the package phase: " + jar.toAbsolutePath());
        List<String> forbidden = List.of("kafka/", "scala/", "org/apache/kafka/raft/", "org/apache/kafka/metadata/",
                "org/apache/kafka/storage/", "org/apache/kafka/controller/", "org/awaitility/", "org/hamcrest/",
                "org/junit/", "dev/queryrelay/testkit/", "dev/queryrelay/embedded/");
        try (JarFile contents = new JarFile(jar.toFile())) {
            List<String> found = contents.stream().map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class") && forbidden.stream().anyMatch(name::startsWith)).limit(5).toList();
            assertEquals(List.of(), found);
            assertTrue(contents.getEntry("dev/queryrelay/protocol/CommandParser.class") != null);
        }
        Path output = Files.createTempFile("worker-jar", ".out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--embedded-kafka").redirectOutput(output.toFile())
                .redirectError(output.resolveSibling(output.getFileName() + ".err").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        assertTrue(stderr(output).contains("bin/queryrelay worker --embedded-kafka"), stderr(output));
    }
}
