package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The worker's HTTP endpoint: {@code GET /health/live} and {@code GET /health} (liveness),
 * {@code GET /health/ready} (readiness), each 200 when up and 503 with the failing checks when
 * not; {@code GET /metrics} (Prometheus text exposition) and {@code GET /metrics.json} (the JSON
 * counters of {@link Worker#metrics()}).
 */
final class HealthServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    /**
     * Listens on {@code port}. When that port is taken and it was not chosen by the user
     * ({@code explicit} false: the default), another free port is used with a warning, so that
     * several workers run on one host with the same settings; an explicit port must be free.
     * {@code checks} is null while the worker starts (every probe is then down).
     */
    HealthServer(int port, boolean explicit, Supplier<HealthChecks> checks, Supplier<String> prometheus,
                 Supplier<Map<String, Object>> metrics) {
        server = listen(port, explicit);
        HttpHandler live = probe(checks, HealthChecks::live);
        server.createContext("/health", live);
        server.createContext("/health/live", live);
        server.createContext("/health/ready", probe(checks, HealthChecks::ready));
        server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT,
                prometheus.get().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/metrics.json", exchange -> respond(exchange, 200, "application/json",
                MAPPER.writeValueAsBytes(metrics.get())));
        server.start();
    }

    private static HttpHandler probe(Supplier<HealthChecks> checks, Function<HealthChecks, HealthChecks.Result> check) {
        return exchange -> {
            HealthChecks current = checks.get();
            HealthChecks.Result result = current == null ? HealthChecks.starting() : check.apply(current);
            respond(exchange, result.up() ? 200 : 503, "application/json", MAPPER.writeValueAsBytes(result.body()));
        };
    }

    private static HttpServer listen(int port, boolean explicit) {
        try {
            return HttpServer.create(new InetSocketAddress(port), 0);
        } catch (BindException e) {
            if (explicit || port == 0) {
                throw new UncheckedIOException("cannot listen on http.port " + port + ": " + e.getMessage(), e);
            }
            HttpServer server = listen(0, true);
            log.warn("the default http.port {} is in use (another worker on this host?); listening on port {} instead; "
                    + "set http.port to choose one", port, server.getAddress().getPort());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on http.port " + port + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
