package dev.queryrelay.snowflake;

import dev.queryrelay.api.ErrorType;
import dev.queryrelay.api.QueryRelayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnowflakeSettingsTest {

    private static final String URL = "jdbc:snowflake://acme-prod.snowflakecomputing.com/?warehouse=WH";

    @TempDir
    Path dir;

    @Test
    void missingUrlIsAValidationErrorNamingTheKey() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> SnowflakeSettings.from(Map.of("user", "u")));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains("provider.url"), e.getMessage());
    }

    @Test
    void urlMustBeASnowflakeJdbcUrl() {
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> SnowflakeSettings.from(Map.of("url", "jdbc:postgresql://db/")));

        assertEquals(ErrorType.VALIDATION, e.type());
        assertFalse(e.getMessage().contains("postgresql"), "values are not echoed");
    }

    @Test
    void otherKeysGoToTheDriverUnchanged() {
        SnowflakeSettings settings = SnowflakeSettings.from(Map.of("url", URL, "user", "svc", "warehouse", "WH",
                "private_key_file", "/keys/rsa.p8", "CLIENT_SESSION_KEEP_ALIVE", "true"));

        Properties props = settings.driverProperties();
        assertEquals("svc", props.getProperty("user"));
        assertEquals("WH", props.getProperty("warehouse"));
        assertEquals("/keys/rsa.p8", props.getProperty("private_key_file"));
        assertEquals("true", props.getProperty("CLIENT_SESSION_KEEP_ALIVE"));
        assertEquals(URL, settings.url());
        assertEquals("acme-prod.snowflakecomputing.com", settings.host());
    }

    @Test
    void providerDefaultsAreAddedUnlessConfiguredInAnyCase() {
        Properties defaults = SnowflakeSettings.from(Map.of("url", URL)).driverProperties();
        Properties overridden = SnowflakeSettings.from(Map.of("url", URL, "jdbc_query_result_format", "ARROW"))
                .driverProperties();

        assertEquals("JSON", defaults.getProperty("JDBC_QUERY_RESULT_FORMAT"));
        assertEquals("true", defaults.getProperty("JDBC_USE_SESSION_TIMEZONE"));
        assertEquals("ARROW", overridden.getProperty("jdbc_query_result_format"));
        assertEquals(null, overridden.getProperty("JDBC_QUERY_RESULT_FORMAT"));
    }

    @Test
    void timeoutDefaultsBoundEveryCallAndCanBeOverridden() {
        Properties defaults = SnowflakeSettings.from(Map.of("url", URL)).driverProperties();
        Properties overridden = SnowflakeSettings.from(Map.of("url", URL, "networkTimeout", "5000",
                "http_client_socket_timeout", "1000")).driverProperties();

        assertEquals("60", defaults.getProperty("loginTimeout"));
        assertEquals("120000", defaults.getProperty("networkTimeout"));
        assertEquals("3", defaults.getProperty("maxHttpRetries"));
        assertEquals("60000", defaults.getProperty("HTTP_CLIENT_SOCKET_TIMEOUT"));
        assertEquals("10000", defaults.getProperty("HTTP_CLIENT_CONNECTION_TIMEOUT"));
        assertEquals("5000", overridden.getProperty("networkTimeout"));
        assertEquals("1000", overridden.getProperty("http_client_socket_timeout"));
        assertEquals(null, overridden.getProperty("HTTP_CLIENT_SOCKET_TIMEOUT"));
    }

    @Test
    void sessionParametersAreAlwaysSetAndCannotBeChanged() {
        Properties props = SnowflakeSettings.from(Map.of("url", URL)).driverProperties();

        assertEquals("FALSE", props.getProperty("ABORT_DETACHED_QUERY"));
        assertEquals("1", props.getProperty("MULTI_STATEMENT_COUNT"));
        assertEquals(SnowflakeSettings.ISO_TIMESTAMP_FORMAT, props.getProperty("TIMESTAMP_TZ_OUTPUT_FORMAT"));
        assertEquals(SnowflakeSettings.ISO_TIMESTAMP_FORMAT, props.getProperty("TIMESTAMP_LTZ_OUTPUT_FORMAT"));
        QueryRelayException e = assertThrows(QueryRelayException.class,
                () -> SnowflakeSettings.from(Map.of("url", URL, "abort_detached_query", "TRUE")));
        assertEquals(ErrorType.VALIDATION, e.type());
        assertTrue(e.getMessage().contains("provider.abort_detached_query"), e.getMessage());
    }

    @Test
    void fileKeysAreReadAgainForEachLogin() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "first-token\n");
        SnowflakeSettings settings = SnowflakeSettings.from(Map.of("url", URL, "token-file", token.toString()));
        assertEquals("first-token", settings.driverProperties().getProperty("token"));

        Files.writeString(token, "rotated-token\n");

        assertEquals("rotated-token", settings.driverProperties().getProperty("token"));
        assertEquals("a **** b ****", settings.redactor().redact("a first-token b rotated-token"),
                "the rotated value is a known secret too");
        Files.delete(token);
        assertEquals(ErrorType.VALIDATION,
                assertThrows(QueryRelayException.class, settings::driverProperties).type());
    }

    @Test
    void fileKeysReadTheValueWithoutTrailingNewlines() throws Exception {
        Path secret = Files.writeString(dir.resolve("password"), "s3cr3t pass \r\n\n");

        SnowflakeSettings settings = SnowflakeSettings.from(Map.of("url", URL, "password-file", secret.toString()));

        assertEquals("s3cr3t pass ", settings.driverProperties().getProperty("password"));
        assertFalse(settings.driverProperties().containsKey("password-file"));
        assertEquals(Redactor.MASK + " in text", settings.redactor().redact("s3cr3t pass  in text"));
    }

    @Test
    void aKeyAndItsFileKeyTogetherAreRefused() throws Exception {
        Path secret = Files.writeString(dir.resolve("token"), "t");

        QueryRelayException e = assertThrows(QueryRelayException.class, () -> SnowflakeSettings.from(
                Map.of("url", URL, "token", "x", "token-file", secret.toString())));

        assertTrue(e.getMessage().contains("provider.token-file"), e.getMessage());
    }

    @Test
    void unreadableOrEmptyFilesAreValidationErrors() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> SnowflakeSettings.from(
                Map.of("url", URL, "password-file", dir.resolve("missing").toString()))).type());
        assertEquals(ErrorType.VALIDATION, assertThrows(QueryRelayException.class, () -> SnowflakeSettings.from(
                Map.of("url", URL, "password-file", empty.toString()))).type());
    }

    @Test
    void ownKeysAreParsedAndNotHandedToTheDriver() {
        SnowflakeSettings settings = SnowflakeSettings.from(Map.of("url", URL, "queryrelay.pool-size", "9"));

        assertEquals(9, settings.poolSize());
        assertFalse(settings.driverProperties().containsKey("queryrelay.pool-size"));
        assertEquals(SnowflakeSettings.DEFAULT_POOL_SIZE, SnowflakeSettings.from(Map.of("url", URL)).poolSize());
    }

    @Test
    void badOrUnknownOwnKeysAreRefused() {
        QueryRelayException unknown = assertThrows(QueryRelayException.class,
                () -> SnowflakeSettings.from(Map.of("url", URL, "queryrelay.pool", "2")));
        QueryRelayException bad = assertThrows(QueryRelayException.class,
                () -> SnowflakeSettings.from(Map.of("url", URL, "queryrelay.pool-size", "0")));

        assertTrue(unknown.getMessage().contains("provider.queryrelay.pool"), unknown.getMessage());
        assertTrue(bad.getMessage().contains("provider.queryrelay.pool-size"), bad.getMessage());
    }

    @Test
    void toStringShowsKeysButNoValues() {
        Map<String, String> config = new HashMap<>(Map.of("url", URL + "&password=in-url-secret", "user", "svc",
                "password", "hunter22", "token", "tok-secret"));

        String text = SnowflakeSettings.from(config).toString();

        assertTrue(text.contains("password") && text.contains("token"), text);
        for (String value : new String[] {"hunter22", "tok-secret", "in-url-secret", "svc"}) {
            assertFalse(text.contains(value), text);
        }
    }

    @Test
    void secretLookingValuesAreRedacted() {
        SnowflakeSettings settings = SnowflakeSettings.from(Map.of("url", URL, "password", "hunter22",
                "private_key_pwd", "phrase-1", "token", "tok-secret", "user", "svc-user"));

        assertEquals("a **** b **** c **** d svc-user",
                settings.redactor().redact("a hunter22 b phrase-1 c tok-secret d svc-user"));
    }
}
