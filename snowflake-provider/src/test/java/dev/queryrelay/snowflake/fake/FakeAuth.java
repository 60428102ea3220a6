package dev.queryrelay.snowflake.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Users, their credentials, and the sessions the fake has opened. */
final class FakeAuth {

    /** An open session. */
    record Session(long id, String user, String token, String masterToken) {
    }

    private record User(String password, PublicKey publicKey, String accessToken) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String account;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Session> sessionsByToken = new ConcurrentHashMap<>();
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

    /** Checks a login request's {@code data}; returns the new session, or null when refused. */
    Session login(JsonNode data) {
        String userName = data.path("LOGIN_NAME").asText("").toUpperCase();
        User user = users.get(userName);
        if (user == null) {
            return null;
        }
        String authenticator = data.path("AUTHENTICATOR").asText("SNOWFLAKE").toUpperCase();
        boolean ok = switch (authenticator) {
            case "SNOWFLAKE" -> user.password() != null && user.password().equals(data.path("PASSWORD").asText(null));
            case "SNOWFLAKE_JWT" -> user.publicKey() != null
                    && validJwt(data.path("TOKEN").asText(""), userName, user.publicKey());
            case "PROGRAMMATIC_ACCESS_TOKEN" -> user.accessToken() != null
                    && user.accessToken().equals(data.path("TOKEN").asText(null));
            default -> false;
        };
        if (!ok) {
            return null;
        }
        logins.incrementAndGet();
        Session session = new Session(sessionIds.incrementAndGet(), userName,
                "token-" + UUID.randomUUID(), "master-" + UUID.randomUUID());
        sessionsByToken.put(session.token(), session);
        issuedTokens.add(session.token());
        issuedTokens.add(session.masterToken());
        return session;
    }

    /** The session of an {@code Authorization: Snowflake Token="..."} header, or null. */
    Session session(String authorization) {
        if (authorization == null) {
            return null;
        }
        int start = authorization.indexOf("Token=\"");
        int end = authorization.lastIndexOf('"');
        if (start < 0 || end <= start + 7) {
            return null;
        }
        return sessionsByToken.get(authorization.substring(start + 7, end));
    }

    void delete(Session session) {
        sessionsByToken.remove(session.token());
    }

    /** Forgets every session: the next request on any of them is answered "session gone". */
    void expireAll() {
        sessionsByToken.clear();
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
