package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/** HTTP plumbing of the fake: request bodies (gzip or plain), URL parameters, JSON answers, latency. */
final class FakeHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeHttp() {
    }

    /** The {@code requestId} URL parameter: the driver keeps it when it retries a request. */
    static String requestId(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("requestId=")) {
                return pair.substring("requestId=".length());
            }
        }
        return null;
    }

    /** Waits {@code delay} (scripted latency); an interrupt (the fake closing) ends the wait. */
    static void delay(Duration delay) {
        if (delay == null || delay.isZero()) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JSON request body, gunzipped when the driver compressed it; NullNode when empty. */
    static JsonNode readBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        byte[] bytes = in.readAllBytes();
        return bytes.length == 0 ? NullNode.getInstance() : JSON.readTree(bytes);
    }

    /** Sends an envelope with HTTP 200, as Snowflake does for errors too. */
    static void send(HttpExchange exchange, ObjectNode response) throws IOException {
        sendJson(exchange, 200, response);
    }

    /** Sends {@code body} as JSON with the given HTTP status. */
    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendBytes(exchange, status, JSON.writeValueAsBytes(body));
    }

    /** Sends JSON text (e.g. a result chunk) with the given HTTP status. */
    static void sendBytes(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
