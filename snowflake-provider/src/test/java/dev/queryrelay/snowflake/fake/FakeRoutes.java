package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes the fake's JSON endpoints: login and token renewal need no session; every other request
 * needs a live session token (an expired one is answered 390112, an unknown one 390111).
 */
final class FakeRoutes {

    private static final Pattern QUERY_RESULT_PATH = Pattern.compile("/queries/([^/]+)/result");
    private static final Pattern MONITORING_PATH = Pattern.compile("/monitoring/queries/([^/]+)");

    private final FakeAuth auth;
    private final FakeWarehouse warehouse;
    private final FakeLogins logins;

    FakeRoutes(FakeAuth auth, FakeWarehouse warehouse, FakeLogins logins) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.logins = Objects.requireNonNull(logins, "logins");
    }

    ObjectNode route(HttpExchange exchange, String path, JsonNode body) {
        if (path.equals("/session/v1/login-request")) {
            return logins.login(body);
        }
        if (path.equals("/telemetry/send")) {
            return Envelopes.ok(NullNode.getInstance());
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (path.equals("/session/token-request")) {
            return logins.renew(authorization, body);
        }
        if (auth.isExpired(authorization)) {
            return Envelopes.envelope(false, "390112", "Your session has expired. Please login again.",
                    NullNode.getInstance());
        }
        FakeAuth.Session session = auth.session(authorization);
        if (session == null) {
            return Envelopes.envelope(false, "390111", "Session no longer exists.  New login required to access the service.",
                    NullNode.getInstance());
        }
        String query = exchange.getRequestURI().getQuery();
        if (path.equals("/session") && query != null && query.contains("delete=true")) {
            warehouse.abortQueriesOf(session.id());
            auth.delete(session);
            return Envelopes.ok(NullNode.getInstance());
        }
        if (path.equals("/session/heartbeat") || path.equals("/queries/v1/abort-request")) {
            return Envelopes.ok(NullNode.getInstance());
        }
        if (path.equals("/queries/v1/query-request")) {
            return warehouse.submit(body, session.id(), FakeHttp.requestId(query));
        }
        Matcher result = QUERY_RESULT_PATH.matcher(path);
        if (result.matches()) {
            return warehouse.syncAnswer(result.group(1));
        }
        Matcher monitoring = MONITORING_PATH.matcher(path);
        if (monitoring.matches()) {
            return warehouse.monitoring(monitoring.group(1));
        }
        return Envelopes.envelope(false, "000404", "fake: no such endpoint " + path, NullNode.getInstance());
    }
}
