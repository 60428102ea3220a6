package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Users, their credentials, and the sessions the fake has opened. A session has a session token
 * (used on every request; once expired it is answered 390112 and the driver renews it with the
 * master token) and a master token (once expired, renewal is answered 390114 and the client must
 * log in again). OAuth: a client-credentials token endpoint issues access tokens, and static
 * access tokens can be registered; both log in with {@code AUTHENTICATOR=OAUTH}.
 */
final class FakeAuth {

    /** An open session and the session parameters it was opened with. */
    record Session(long id, String user, String token, String masterToken, Map<String, Object> parameters) {
        Session {
            parameters = Map.copyOf(parameters);
        }
    }

    /** The outcome of a token renewal: the renewed session, or the error code. */
    record Renewal(Session session, String errorCode) {
    }

    /** An OAuth client allowed to use the client-credentials grant, acting as {@code user}. */
    private record OAuthClient(String secret, String user) {
    }

    private record User(String password, PublicKey publicKey, String accessToken) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String account;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Session> sessionsByToken = new ConcurrentHashMap<>();
    private final Map<String, Session> sessionsByMasterToken = new ConcurrentHashMap<>();
    private final Set<String> expiredTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> expiredMasterTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, OAuthClient> oauthClients = new ConcurrentHashMap<>();
    private final Map<String, String> oauthTokenUsers = new ConcurrentHashMap<>();
    private final AtomicLong renewals = new AtomicLong();
    private final AtomicLong oauthTokensIssued = new AtomicLong();
    private final AtomicLong sessionIds = new AtomicLong(1000);
    private final AtomicLong logins = new AtomicLong();
    private final List<String> issuedTokens = new CopyOnWriteArrayList<>();

    FakeAuth(String account) {
        this.account = account.toUpperCase();
    }

    void addPasswordUser(String user, String password) {
        users.put(user.toUpperCase(), new User(Objects.requireNonNull(password), null, null));
    }

    void addKeyPairUser(String user, PublicKey publicKey) {
        users.put(user.toUpperCase(), new User(null, Objects.requireNonNull(publicKey), null));
    }

    void addTokenUser(String user, String accessToken) {
        users.put(user.toUpperCase(), new User(null, null, Objects.requireNonNull(accessToken)));
    }

    void addOAuthClient(String clientId, String clientSecret, String user) {
        oauthClients.put(Objects.requireNonNull(clientId), new OAuthClient(Objects.requireNonNull(clientSecret),
                user.toUpperCase()));
        users.putIfAbsent(user.toUpperCase(), new User(null, null, null));
    }

    void addOAuthToken(String user, String accessToken) {
        oauthTokenUsers.put(Objects.requireNonNull(accessToken), user.toUpperCase());
        users.putIfAbsent(user.toUpperCase(), new User(null, null, null));
    }

    /** Every OAuth access token issued or registered so far stops working (expiry, revocation). */
    void revokeOAuthTokens() {
        oauthTokenUsers.clear();
    }

    /**
     * The client-credentials grant: a new access token for the client's user, or null when the
     * {@code Authorization: Basic} header or the grant type is wrong.
     */
    String issueOAuthToken(String authorization, String form) {
        if (authorization == null || !authorization.startsWith("Basic ")
                || form == null || !form.contains("grant_type=client_credentials")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        OAuthClient client = colon < 0 ? null : oauthClients.get(urlDecode(decoded.substring(0, colon)));
        if (client == null || !client.secret().equals(urlDecode(decoded.substring(colon + 1)))) {
            return null;
        }
        String token = "oauth-" + UUID.randomUUID();
        oauthTokenUsers.put(token, client.user());
        issuedTokens.add(token);
        oauthTokensIssued.incrementAndGet();
        return token;
    }

    long oauthTokensIssued() {
        return oauthTokensIssued.get();
    }

    /** Checks a login request's {@code data}; returns the new session, or null when refused. */
    Session login(JsonNode data) {
        String authenticator = data.path("AUTHENTICATOR").asText("SNOWFLAKE").toUpperCase();
        String userName = authenticator.equals("OAUTH")
                ? oauthTokenUsers.getOrDefault(data.path("TOKEN").asText(""), "")
                : data.path("LOGIN_NAME").asText("").toUpperCase();
        User user = users.get(userName);
        if (user == null) {
            return null;
        }
        boolean ok = switch (authenticator) {
            case "SNOWFLAKE" -> user.password() != null && user.password().equals(data.path("PASSWORD").asText(null));
            case "SNOWFLAKE_JWT" -> user.publicKey() != null
                    && validJwt(data.path("TOKEN").asText(""), userName, user.publicKey());
            case "PROGRAMMATIC_ACCESS_TOKEN" -> user.accessToken() != null
                    && user.accessToken().equals(data.path("TOKEN").asText(null));
            case "OAUTH" -> true;
            default -> false;
        };
        if (!ok) {
            return null;
        }
        logins.incrementAndGet();
        Map<String, Object> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        data.path("SESSION_PARAMETERS").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                parameters.put(e.getKey().toUpperCase(), JSON.convertValue(e.getValue(), Object.class));
            }
        });
        Session session = new Session(sessionIds.incrementAndGet(), userName,
                "token-" + UUID.randomUUID(), "master-" + UUID.randomUUID(), parameters);
        sessionsByToken.put(session.token(), session);
        sessionsByMasterToken.put(session.masterToken(), session);
        issuedTokens.add(session.token());
        issuedTokens.add(session.masterToken());
        return session;
    }

    /** Whether the token of an {@code Authorization} header is a session token that has expired. */
    boolean isExpired(String authorization) {
        String token = tokenOf(authorization);
        return token != null && expiredTokens.contains(token);
    }

    /** Renews a session: the header carries the master token, the body the old session token. */
    Renewal renew(String authorization, String oldSessionToken) {
        String masterToken = tokenOf(authorization);
        Session old = masterToken == null ? null : sessionsByMasterToken.get(masterToken);
        if (old == null) {
            return new Renewal(null, "390111");
        }
        if (expiredMasterTokens.contains(masterToken)) {
            return new Renewal(null, "390114");
        }
        Session renewed = new Session(old.id(), old.user(), "token-" + UUID.randomUUID(), masterToken, old.parameters());
        sessionsByToken.remove(oldSessionToken == null ? "" : oldSessionToken);
        sessionsByToken.values().removeIf(s -> s.id() == old.id());
        sessionsByToken.put(renewed.token(), renewed);
        sessionsByMasterToken.put(masterToken, renewed);
        issuedTokens.add(renewed.token());
        renewals.incrementAndGet();
        return new Renewal(renewed, null);
    }

    /** Every current session token expires: requests get 390112 until the driver renews. */
    void expireSessionTokens() {
        expiredTokens.addAll(sessionsByToken.keySet());
    }

    /** Session and master tokens expire: renewal gets 390114, so only a new login helps. */
    void expireMasterTokens() {
        expiredTokens.addAll(sessionsByToken.keySet());
        expiredMasterTokens.addAll(sessionsByMasterToken.keySet());
    }

    long renewalCount() {
        return renewals.get();
    }

    /** The session parameters of the session with this id, or an empty map. */
    Map<String, Object> sessionParameters(long sessionId) {
        return sessionsByMasterToken.values().stream().filter(s -> s.id() == sessionId).findFirst()
                .map(Session::parameters).orElse(Map.of());
    }

    /** The session of an {@code Authorization: Snowflake Token="..."} header, or null. */
    Session session(String authorization) {
        String token = tokenOf(authorization);
        return token == null ? null : sessionsByToken.get(token);
    }

    private static String tokenOf(String authorization) {
        if (authorization == null) {
            return null;
        }
        int start = authorization.indexOf("Token=\"");
        int end = authorization.lastIndexOf('"');
        if (start < 0 || end <= start + 7) {
            return null;
        }
        return authorization.substring(start + 7, end);
    }

    private static String urlDecode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    void delete(Session session) {
        sessionsByToken.remove(session.token());
        sessionsByMasterToken.remove(session.masterToken());
    }

    /** Forgets every session: the next request on any of them is answered "session gone". */
    void expireAll() {
        sessionsByToken.clear();
        sessionsByMasterToken.clear();
    }

    List<String> issuedTokens() {
        return List.copyOf(issuedTokens);
    }

    long loginCount() {
        return logins.get();
    }

    int openSessions() {
        return sessionsByToken.size();
    }

    private boolean validJwt(String jwt, String userName, PublicKey publicKey) {
        try {
            String[] parts = jwt.split("\\.");
            if (parts.length != 3) {
                return false;
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(publicKey);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String subject = account + "." + userName;
            String fingerprint = "SHA256:" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
            return "RS256".equals(header.path("alg").asText())
                    && subject.equals(claims.path("sub").asText())
                    && (subject + "." + fingerprint).equals(claims.path("iss").asText())
                    && claims.path("exp").asLong() * 1000 > System.currentTimeMillis();
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
