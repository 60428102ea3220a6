package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.api.WarehouseConnection;
import dev.queryrelay.api.WarehouseState;
import dev.queryrelay.snowflake.fake.FakeResult;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer;
import dev.queryrelay.snowflake.fake.FakeSnowflakeServer.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Password, key pair and programmatic access token logins, failures, and secrecy. */
class SnowflakeAuthIT {

    private final String password = "pw-" + UUID.randomUUID();
    private final String wrongPassword = "wrong-" + UUID.randomUUID();
    private final String accessToken = "pat-" + UUID.randomUUID();
    private final String passphrase = "phrase-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private FakeSnowflakeServer fake;
    private KeyPair keys;

    @BeforeEach
    void start() throws Exception {
        fake = FakeSnowflakeServer.start();
        keys = TestKeys.rsa();
        fake.addPasswordUser("alice", password);
        fake.addKeyPairUser("bob", keys.getPublic());
        fake.addTokenUser("carol", accessToken);
        fake.when("SELECT whoami").returning(FakeResult.single(1));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void passwordLogin() {
        runsAQuery(settings("alice", Map.of("password", password)));
    }

    @Test
    void passwordFromAFileWithATrailingNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), password + "\n");

        runsAQuery(settings("alice", Map.of("password-file", file.toString())));
    }

    @Test
    void wrongPasswordIsAnAuthErrorThatIsNotRetried() {
        int loginsBefore = fake.requestCount(Endpoint.LOGIN);

        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> new SnowflakeConnectionProvider().connect(settings("alice", Map.of("password", wrongPassword))));

        assertEquals(ErrorType.AUTH, e.type());
        assertEquals("390100", e.code());
        assertFalse(e.retryable());
        assertEquals(loginsBefore + 1, fake.requestCount(Endpoint.LOGIN), "one login request, no retry");
    }

    @Test
    void keyPairLoginWithAnUnencryptedKey() throws Exception {
        Path key = TestKeys.writeUnencrypted(keys, dir.resolve("rsa_key.p8"));

        runsAQuery(settings("bob", Map.of("authenticator", "SNOWFLAKE_JWT", "private_key_file", key.toString())));
    }

    @Test
    void keyPairLoginWithAnEncryptedKeyAndThePassphraseFromAFile() throws Exception {
        Path key = TestKeys.writeEncrypted(keys, passphrase.toCharArray(), dir.resolve("rsa_key_enc.p8"));
        Path phrase = Files.writeString(dir.resolve("passphrase"), passphrase + "\n");

        runsAQuery(settings("bob", Map.of("authenticator", "SNOWFLAKE_JWT", "private_key_file", key.toString(),
                "private_key_pwd-file", phrase.toString())));
    }

    @Test
    void keyPairLoginWithAnotherKeyIsRefused() throws Exception {
        Path key = TestKeys.writeUnencrypted(TestKeys.rsa(), dir.resolve("other.p8"));

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> new SnowflakeConnectionProvider()
                .connect(settings("bob", Map.of("authenticator", "SNOWFLAKE_JWT", "private_key_file", key.toString()))));

        assertEquals(ErrorType.AUTH, e.type());
        assertFalse(e.retryable());
    }

    @Test
    void programmaticAccessTokenLogin() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), accessToken + "\r\n");

        runsAQuery(settings("carol", Map.of("authenticator", "PROGRAMMATIC_ACCESS_TOKEN", "token-file", token.toString())));
    }

    @Test
    void aRotatedTokenFileIsReadAgainAtTheNextLogin() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), accessToken + "\n");
        WarehouseConnection connection = new SnowflakeConnectionProvider().connect(
                settings("carol", Map.of("authenticator", "PROGRAMMATIC_ACCESS_TOKEN", "token-file", tokenFile.toString())));
        try {
            String rotated = "pat-rotated-" + UUID.randomUUID();
            fake.addTokenUser("carol", rotated);
            Files.writeString(tokenFile, rotated + "\n");
            fake.expireSessions();

            assertQueryRuns(connection);
        } finally {
            connection.close();
        }
    }

    @Test
    void oauthClientCredentialsFetchATokenAtEachLogin() throws Exception {
        String clientSecret = "client-secret-" + UUID.randomUUID();
        fake.addOAuthClient("relay-client", clientSecret, "dave");
        Path secretFile = Files.writeString(dir.resolve("client_secret"), clientSecret + "\n");
        Map<String, String> oauth = Map.of("authenticator", "OAUTH_CLIENT_CREDENTIALS", "oauthClientId", "relay-client",
                "oauthClientSecret-file", secretFile.toString(), "oauthTokenRequestUrl", fake.oauthTokenUrl());
        String logs;
        try (LogCapture capture = new LogCapture()) {
            WarehouseConnection connection = new SnowflakeConnectionProvider().connect(settings("dave", oauth));
            try {
                assertQueryRuns(connection);
                assertEquals(1, fake.oauthTokensIssued());

                fake.revokeOAuthTokens();
                fake.expireSessions();

                assertQueryRuns(connection);
                assertEquals(2, fake.oauthTokensIssued(), "a fresh access token for the new login");
            } finally {
                connection.close();
            }
            logs = capture.text();
        }
        assertFalse(logs.contains(clientSecret), "the client secret is not logged");
        for (String token : fake.issuedTokens()) {
            assertFalse(logs.contains(token), "a token leaked: " + token.substring(0, 6) + "...");
        }
    }

    @Test
    void wrongOAuthClientCredentialsAreAnAuthError() {
        fake.addOAuthClient("relay-client", "right-secret", "dave");

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> new SnowflakeConnectionProvider()
                .connect(settings("dave", Map.of("authenticator", "OAUTH_CLIENT_CREDENTIALS", "oauthClientId",
                        "relay-client", "oauthClientSecret", "wrong-secret", "oauthTokenRequestUrl", fake.oauthTokenUrl()))));

        assertEquals(ErrorType.AUTH, e.type(), e.getMessage());
        assertFalse(e.retryable());
        assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
    }

    @Test
    void aStaticOAuthTokenFromAFileSurvivesRotation() throws Exception {
        String first = "oauth-static-" + UUID.randomUUID();
        fake.addOAuthToken("erin", first);
        Path tokenFile = Files.writeString(dir.resolve("oauth_token"), first + "\n");
        WarehouseConnection connection = new SnowflakeConnectionProvider().connect(
                settings("erin", Map.of("authenticator", "OAUTH", "token-file", tokenFile.toString())));
        try {
            assertQueryRuns(connection);
            String second = "oauth-static-" + UUID.randomUUID();
            fake.revokeOAuthTokens();
            fake.addOAuthToken("erin", second);
            Files.writeString(tokenFile, second + "\n");
            fake.expireSessions();

            assertQueryRuns(connection);
        } finally {
            connection.close();
        }
    }

    @Test
    void secretsAppearInNoLogAndNoException() throws Exception {
        Path encryptedKey = TestKeys.writeEncrypted(keys, passphrase.toCharArray(), dir.resolve("k.p8"));
        Path plainKey = TestKeys.writeUnencrypted(keys, dir.resolve("plain.p8"));
        String pemBase64 = Base64.getEncoder().encodeToString(Files.readAllBytes(plainKey));
        List<String> failures = new ArrayList<>();
        String logs;
        try (LogCapture capture = new LogCapture()) {
            runsAQuery(settings("alice", Map.of("password", password)));
            runsAQuery(settings("carol", Map.of("authenticator", "PROGRAMMATIC_ACCESS_TOKEN", "token", accessToken)));
            runsAQuery(settings("bob", Map.of("authenticator", "SNOWFLAKE_JWT", "private_key_file",
                    encryptedKey.toString(), "private_key_pwd", passphrase)));
            runsAQuery(settings("bob", Map.of("authenticator", "SNOWFLAKE_JWT",
                    "private_key_base64", pemBase64)));
            failures.add(failure(settings("alice", Map.of("password", wrongPassword))));
            failures.add(failure(settings("carol", Map.of("authenticator", "PROGRAMMATIC_ACCESS_TOKEN",
                    "token", accessToken + "x"))));
            failures.add(failure(settings("bob", Map.of("authenticator", "SNOWFLAKE_JWT", "private_key_file",
                    encryptedKey.toString(), "private_key_pwd", passphrase + "x"))));
            failures.add(failure(settings("alice", Map.of("password", password, "url", "jdbc:other://" + password))));
            failures.add(failure(settings("dave", Map.of("password", password, "queryrelay.pool-size", password))));
            failures.add(SnowflakeSettings.from(settings("bob", Map.of("private_key_file", plainKey.toString(),
                    "token", accessToken, "private_key_pwd", passphrase))).toString());
            logs = capture.text();
        }

        assertTrue(logs.contains("Connected to Snowflake at 127.0.0.1"), "the capture sees the provider's logs");
        assertTrue(logs.contains("DEBUG net.snowflake"), "the capture sees the driver's debug logs");
        assertEquals(6, failures.size());
        String everything = logs + String.join("\n", failures);
        List<String> secrets = new ArrayList<>(List.of(password, wrongPassword, accessToken, accessToken + "x",
                passphrase, TestKeys.base64(keys).substring(0, 40), pemBase64.substring(0, 40)));
        secrets.addAll(fake.issuedTokens());
        assertTrue(secrets.size() > 10, "session tokens were issued");
        for (String secret : secrets) {
            assertFalse(everything.contains(secret), "a secret leaked: " + secret.substring(0, 4) + "...");
        }
    }

    private void runsAQuery(Map<String, String> settings) {
        WarehouseConnection connection = new SnowflakeConnectionProvider().connect(settings);
        try {
            assertQueryRuns(connection);
        } finally {
            connection.close();
        }
    }

    private static void assertQueryRuns(WarehouseConnection connection) {
        String id = connection.start(SnowflakeProviderIT.request("SELECT whoami"));
        await().atMost(Duration.ofSeconds(20)).until(() -> connection.status(id).state() == WarehouseState.SUCCEEDED);
        assertEquals(List.of(List.of(1L)), SnowflakeProviderIT.readAll(connection, id));
    }

    /** The message and full stack trace of a failed connect. */
    private static String failure(Map<String, String> settings) {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> new SnowflakeConnectionProvider().connect(settings));
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return e.error() + "\n" + trace;
    }

    private Map<String, String> settings(String user, Map<String, String> auth) {
        Map<String, String> settings = new HashMap<>(fake.driverProperties());
        settings.put("url", fake.jdbcUrl());
        settings.put("user", user);
        settings.putAll(auth);
        return settings;
    }
}
