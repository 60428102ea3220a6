package dev.queryrelay.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;

/** {@code GET /health} (200 UP or 503 DOWN) and {@code GET /metrics} (JSON counters). */
final class HealthServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;

    /**
     * Listens on {@code port}. When that port is taken and it was not chosen by the user
     * ({@code explicit} false: the default), another free port is used with a warning, so that
     * several workers run on one host with the same settings; an explicit port must be free.
     */
    HealthServer(int port, boolean explicit, Supplier<Boolean> healthy, Supplier<Map<String, Object>> metrics) {
        server = listen(port, explicit);
        server.createContext("/health", exchange -> {
            boolean up = healthy.get();
            respond(exchange, up ? 200 : 503, Map.of("status", up ? "UP" : "DOWN"));
        });
        server.createContext("/metrics", exchange -> respond(exchange, 200, metrics.get()));
        server.start();
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

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
