package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The fake's authentication endpoints: login, session token renewal, and the OAuth token endpoint. */
final class FakeLogins {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeAuth auth;
    private final Map<String, Object> sessionParameters;

    FakeLogins(FakeAuth auth, Map<String, Object> sessionParameters) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.sessionParameters = Objects.requireNonNull(sessionParameters, "sessionParameters");
    }

    ObjectNode login(JsonNode body) {
        FakeAuth.Session session = auth.login(body.path("data"));
        if (session == null) {
            ObjectNode data = JSON.createObjectNode().put("nextAction", "RETRY_LOGIN");
            return Envelopes.envelope(false, "390100", "Incorrect username or password was specified.", data);
        }
        ObjectNode data = JSON.createObjectNode();
        data.put("token", session.token());
        data.put("masterToken", session.masterToken());
        data.put("validityInSeconds", 3600);
        data.put("masterValidityInSeconds", 14400);
        data.put("sessionId", session.id());
        data.put("serverVersion", "9.99.0");
        Map<String, JsonNode> effective = new LinkedHashMap<>();
        sessionParameters.forEach((name, value) -> effective.put(name, JSON.valueToTree(value)));
        body.path("data").path("SESSION_PARAMETERS").fields()
                .forEachRemaining(e -> effective.put(e.getKey().toUpperCase(), e.getValue()));
        var parameters = data.putArray("parameters");
        effective.forEach((name, value) -> parameters.addObject().put("name", name).set("value", value));
        ObjectNode info = data.putObject("sessionInfo");
        info.put("databaseName", "TESTDB");
        info.put("schemaName", "PUBLIC");
        info.put("warehouseName", "TESTWH");
        info.put("roleName", "TESTROLE");
        return Envelopes.ok(data);
    }

    ObjectNode renew(String authorization, JsonNode body) {
        FakeAuth.Renewal renewal = auth.renew(authorization, body.path("oldSessionToken").asText(null));
        if (renewal.session() == null) {
            String message = "390114".equals(renewal.errorCode())
                    ? "Authentication token has expired.  The user must authenticate again."
                    : "Session no longer exists.  New login required to access the service.";
            return Envelopes.envelope(false, renewal.errorCode(), message, NullNode.getInstance());
        }
        ObjectNode data = JSON.createObjectNode();
        data.put("sessionToken", renewal.session().token());
        data.put("validityInSecondsST", 3600);
        data.put("masterToken", renewal.session().masterToken());
        data.put("validityInSecondsMT", 14400);
        data.put("sessionId", renewal.session().id());
        return Envelopes.ok(data);
    }

    /** The client-credentials grant: a form body, client id and secret in a Basic header. */
    void serveOAuthToken(HttpExchange exchange) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String token = auth.issueOAuthToken(exchange.getRequestHeaders().getFirst("Authorization"), form);
        ObjectNode answer = JSON.createObjectNode();
        int status;
        if (token == null) {
            status = 401;
            answer.put("error", "invalid_client");
        } else {
            status = 200;
            answer.put("access_token", token);
            answer.put("token_type", "Bearer");
            answer.put("expires_in", 600);
        }
        FakeHttp.sendJson(exchange, status, answer);
    }
}
