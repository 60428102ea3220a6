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
     * Session parameters the provider sets unless configured: JSON results (the format the row
     * conversion is tested with) and timestamps that carry their zone (keeps TIMESTAMP_TZ offsets
     * and TIME nanoseconds).
     */
    static final Map<String, String> DRIVER_DEFAULTS =
            Map.of("JDBC_QUERY_RESULT_FORMAT", "JSON", "JDBC_USE_SESSION_TIMEZONE", "true");

    private static final String KEY_PREFIX = "provider.";
    private static final Set<String> OWN_KEYS = Set.of(POOL_SIZE);
    private static final Set<String> NOT_SECRET = Set.of("private_key_file", URL);
    private static final List<String> SECRET_HINTS =
            List.of("password", "pwd", "token", "secret", "passcode", "private_key");

    private final String url;
    private final Properties driverProperties;
    private final int poolSize;
    private final Redactor redactor;

    private SnowflakeSettings(String url, Properties driverProperties, int poolSize, Redactor redactor) {
        this.url = url;
        this.driverProperties = driverProperties;
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
                if (!NOT_SECRET.contains(name.toLowerCase(Locale.ROOT))) {
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
            } else {
                driverProperties.setProperty(key, entry.getValue());
            }
        }
        DRIVER_DEFAULTS.forEach((name, value) -> {
            if (driverProperties.stringPropertyNames().stream().noneMatch(name::equalsIgnoreCase)) {
                driverProperties.setProperty(name, value);
            }
        });
        return new SnowflakeSettings(url.strip(), driverProperties, poolSize, new Redactor(secrets));
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

    /** A copy of the connection properties for the driver (they include secrets). */
    Properties driverProperties() {
        Properties copy = new Properties();
        copy.putAll(driverProperties);
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
