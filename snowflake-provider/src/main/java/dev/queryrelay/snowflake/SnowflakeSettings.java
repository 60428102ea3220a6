package dev.queryrelay.snowflake;

import dev.queryrelay.api.QueryRelayException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider's settings, parsed from the worker's {@code provider.*} keys (prefix removed):
 * {@code url}, the provider's own {@code queryrelay.*} keys, and every other key as a driver
 * connection property. {@code NAME-file} reads property {@code NAME} from a file. Never prints
 * property values: {@link #toString()} lists only the keys.
 */
final class SnowflakeSettings {

    static final String URL = "url";
    static final String FILE_SUFFIX = "-file";
    static final String OWN_PREFIX = "queryrelay.";
    static final String POOL_SIZE = OWN_PREFIX + "pool-size";
    static final int DEFAULT_POOL_SIZE = 8;
    static final int MAX_POOL_SIZE = 1_000;
    static final String URL_PREFIX = "jdbc:snowflake://";
    /**
     * Driver properties the provider sets unless configured (in any case): JSON results (the
     * format the row conversion is tested with), timestamps that carry their zone (keeps TIME
     * nanoseconds), and timeouts that keep one call from holding a thread for minutes: the
     * driver's own defaults are a 300 s socket read timeout, 300 s login and retry budgets,
     * 7 HTTP retries and no limit on a query request's retries. {@code loginTimeout} (s) is also
     * the retry budget of a status request, {@code networkTimeout} (ms) that of a query request.
     */
    static final Map<String, String> DRIVER_DEFAULTS = Map.of(
            "JDBC_QUERY_RESULT_FORMAT", "JSON",
            "JDBC_USE_SESSION_TIMEZONE", "true",
            "loginTimeout", "60",
            "networkTimeout", "120000",
            "maxHttpRetries", "3",
            "HTTP_CLIENT_SOCKET_TIMEOUT", "60000",
            "HTTP_CLIENT_CONNECTION_TIMEOUT", "10000");
    /** The ISO-8601 output format set for TIMESTAMP_LTZ and TIMESTAMP_TZ values. */
    static final String ISO_TIMESTAMP_FORMAT = "YYYY-MM-DD\"T\"HH24:MI:SS.FF9TZH:TZM";
    /**
     * Session parameters set on every session at login, which a setting may not change:
     * {@code ABORT_DETACHED_QUERY=FALSE} (else Snowflake may abort an asynchronous query minutes
     * after the session that started it is gone), {@code MULTI_STATEMENT_COUNT=1} (one statement
     * per query, so a query cannot change its session for later ones), and ISO-8601 text for
     * zoned timestamps (so their offset is read from text, see {@link RowReader}).
     */
    static final Map<String, String> SESSION_PARAMETERS = Map.of(
            "ABORT_DETACHED_QUERY", "FALSE",
            "MULTI_STATEMENT_COUNT", "1",
            "TIMESTAMP_LTZ_OUTPUT_FORMAT", ISO_TIMESTAMP_FORMAT,
            "TIMESTAMP_TZ_OUTPUT_FORMAT", ISO_TIMESTAMP_FORMAT);

    private static final String KEY_PREFIX = "provider.";
    private static final Set<String> OWN_KEYS = Set.of(POOL_SIZE);
    private static final Set<String> NOT_SECRET = Set.of("private_key_file", URL);
    private static final List<String> SECRET_HINTS =
            List.of("password", "pwd", "token", "secret", "passcode", "private_key");

    /** A property whose value is read from a file at each login. */
    private record FileProperty(String key, String path, boolean secret) {
    }

    private final String url;
    private final Properties driverProperties;
    private final Map<String, FileProperty> fileProperties;
    private final int poolSize;
    private final Redactor redactor;

    private SnowflakeSettings(String url, Properties driverProperties, Map<String, FileProperty> fileProperties,
                              int poolSize, Redactor redactor) {
        this.url = url;
        this.driverProperties = driverProperties;
        this.fileProperties = Map.copyOf(fileProperties);
        this.poolSize = poolSize;
        this.redactor = redactor;
    }

    /**
     * Parses settings.
     *
     * @throws QueryRelayException {@code VALIDATION}, naming the bad key but never its value
     */
    static SnowflakeSettings from(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        Map<String, String> values = new TreeMap<>();
        Map<String, FileProperty> files = new TreeMap<>();
        List<String> secrets = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            String key = entry.getKey();
            if (entry.getValue() == null) {
                throw QueryRelayException.validation("setting " + KEY_PREFIX + key + " has no value");
            }
            if (key.endsWith(FILE_SUFFIX) && !key.startsWith(OWN_PREFIX)) {
                String name = key.substring(0, key.length() - FILE_SUFFIX.length());
                if (config.containsKey(name)) {
                    throw QueryRelayException.validation("set either " + KEY_PREFIX + name + " or "
                            + KEY_PREFIX + key + ", not both");
                }
                String value = readFile(key, entry.getValue());
                values.put(name, value);
                boolean secret = !NOT_SECRET.contains(name.toLowerCase(Locale.ROOT));
                files.put(name, new FileProperty(key, entry.getValue(), secret));
                if (secret) {
                    secrets.add(value);
                }
            } else {
                values.put(key, entry.getValue());
                if (looksSecret(key)) {
                    secrets.add(entry.getValue());
                }
            }
        }
        String url = values.remove(URL);
        if (url == null || url.isBlank()) {
            throw QueryRelayException.validation("missing setting " + KEY_PREFIX + URL
                    + " (the Snowflake JDBC URL, e.g. jdbc:snowflake://ACCOUNT.snowflakecomputing.com/)");
        }
        if (!url.strip().startsWith(URL_PREFIX)) {
            throw QueryRelayException.validation("setting " + KEY_PREFIX + URL + " must start with " + URL_PREFIX);
        }
        int poolSize = DEFAULT_POOL_SIZE;
        Properties driverProperties = new Properties();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(OWN_PREFIX)) {
                if (!OWN_KEYS.contains(key)) {
                    throw QueryRelayException.validation("unknown setting " + KEY_PREFIX + key
                            + " (known: " + KEY_PREFIX + POOL_SIZE + ")");
                }
                poolSize = parsePoolSize(entry.getValue());
            } else if (SESSION_PARAMETERS.keySet().stream().anyMatch(key::equalsIgnoreCase)) {
                throw QueryRelayException.validation("setting " + KEY_PREFIX + key
                        + " cannot be changed: the provider sets it on every session (see docs/providers.md)");
            } else {
                driverProperties.setProperty(key, entry.getValue());
            }
        }
        DRIVER_DEFAULTS.forEach((name, value) -> {
            if (driverProperties.stringPropertyNames().stream().noneMatch(name::equalsIgnoreCase)) {
                driverProperties.setProperty(name, value);
            }
        });
        driverProperties.putAll(SESSION_PARAMETERS);
        return new SnowflakeSettings(url.strip(), driverProperties, files, poolSize, new Redactor(secrets));
    }

    /** The JDBC URL. May carry properties of its own, so it is not logged; see {@link #host()}. */
    String url() {
        return url;
    }

    /** The host part of the URL, safe to log. */
    String host() {
        String rest = url.substring(URL_PREFIX.length());
        int end = rest.length();
        for (char stop : new char[] {'/', '?', ';'}) {
            int at = rest.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return rest.substring(0, end);
    }

    /**
     * The connection properties for one login (they include secrets): {@code NAME-file}
     * properties are read again each time, so a rotated token or password is picked up by the
     * next login without a restart.
     *
     * @throws QueryRelayException {@code VALIDATION} when such a file cannot be read any more
     */
    Properties driverProperties() {
        Properties copy = new Properties();
        copy.putAll(driverProperties);
        fileProperties.forEach((name, file) -> {
            String value = readFile(file.key(), file.path());
            if (file.secret()) {
                redactor.add(value);
            }
            copy.setProperty(name, value);
        });
        return copy;
    }

    int poolSize() {
        return poolSize;
    }

    Redactor redactor() {
        return redactor;
    }

    @Override
    public String toString() {
        return "SnowflakeSettings[host=" + host() + ", properties=" + new TreeMap<>(driverProperties).keySet()
                + ", poolSize=" + poolSize + "]";
    }

    private static boolean looksSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return !NOT_SECRET.contains(lower) && SECRET_HINTS.stream().anyMatch(lower::contains);
    }

    private static String readFile(String key, String path) {
        String content;
        try {
            content = Files.readString(Path.of(path.strip()));
        } catch (IOException | RuntimeException e) {
            throw QueryRelayException.validation("cannot read the file named by " + KEY_PREFIX + key + " ("
                    + path.strip() + "): " + e.getClass().getSimpleName());
        }
        int end = content.length();
        while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
        }
        if (end == 0) {
            throw QueryRelayException.validation("the file named by " + KEY_PREFIX + key + " is empty");
        }
        return content.substring(0, end);
    }

    private static int parsePoolSize(String value) {
        try {
            int size = Integer.parseInt(value.strip());
            if (size >= 1 && size <= MAX_POOL_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw QueryRelayException.validation("setting " + KEY_PREFIX + POOL_SIZE + " must be an integer from 1 to "
                + MAX_POOL_SIZE);
    }
}
