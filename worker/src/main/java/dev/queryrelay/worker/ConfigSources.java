package dev.queryrelay.worker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Merges the worker's settings: a properties file ({@code --config FILE}), overridden by
 * {@code QUERYRELAY_*} environment variables, overridden by {@code --key=value} arguments.
 *
 * <p>Environment names: a declared key upper-cased with {@code .} and {@code -} as {@code _}
 * ({@code worker.max-in-flight} = {@code QUERYRELAY_WORKER_MAX_IN_FLIGHT});
 * {@code QUERYRELAY_KAFKA_SASL_JAAS_CONFIG} = {@code kafka.sasl.jaas.config} ({@code _} as {@code .});
 * {@code QUERYRELAY_PROVIDER_PRIVATE_KEY_FILE} = {@code provider.private_key_file} (lower-cased,
 * {@code _} kept, {@code __} as {@code -}: {@code QUERYRELAY_PROVIDER_PASSWORD__FILE} =
 * {@code provider.password-file}; a leading {@code QUERYRELAY_} as {@code queryrelay.}:
 * {@code QUERYRELAY_PROVIDER_QUERYRELAY_POOL__SIZE} = {@code provider.queryrelay.pool-size}).
 */
public final class ConfigSources {

    static final String ENV_PREFIX = "QUERYRELAY_";

    /** What the command line asked for. */
    public record Loaded(Map<String, String> settings, boolean embeddedKafka) {
        public Loaded {
            settings = Map.copyOf(settings);
        }
    }

    private ConfigSources() {
    }

    /**
     * @throws IllegalArgumentException naming the bad argument, file or key
     */
    public static Loaded load(String[] args, Map<String, String> environment) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(environment, "environment");
        Map<String, String> fromArgs = new LinkedHashMap<>();
        Path configFile = null;
        boolean embedded = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--embedded-kafka")) {
                embedded = true;
            } else if (arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a file name");
                }
                configFile = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                configFile = Path.of(arg.substring("--config=".length()));
            } else if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                fromArgs.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "' (expected --config FILE, --embedded-kafka or --key=value)");
            }
        }
        Map<String, String> merged = new HashMap<>();
        if (configFile != null) {
            merged.putAll(readFile(configFile));
        }
        merged.putAll(fromEnvironment(environment));
        merged.putAll(fromArgs);
        for (String key : merged.keySet()) {
            if (!WorkerConfig.CONFIG_DEF.names().contains(key) && !key.startsWith(WorkerConfig.KAFKA_PREFIX)
                    && !key.startsWith(WorkerConfig.PROVIDER_PREFIX)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'");
            }
        }
        return new Loaded(merged, embedded);
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> declared = new HashMap<>();
        for (String key : WorkerConfig.CONFIG_DEF.names()) {
            declared.put(ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), key);
        }
        Map<String, String> settings = new HashMap<>();
        environment.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String key = declared.get(name);
            if (key == null && name.startsWith(ENV_PREFIX + "KAFKA_")) {
                key = WorkerConfig.KAFKA_PREFIX
                        + name.substring((ENV_PREFIX + "KAFKA_").length()).toLowerCase(Locale.ROOT).replace('_', '.');
            } else if (key == null && name.startsWith(ENV_PREFIX + "PROVIDER_")) {
                String rest = name.substring((ENV_PREFIX + "PROVIDER_").length()).toLowerCase(Locale.ROOT).replace("__", "-");
                key = WorkerConfig.PROVIDER_PREFIX
                        + (rest.startsWith("queryrelay_") ? "queryrelay." + rest.substring("queryrelay_".length()) : rest);
            }
            if (key != null) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> settings.put(name, properties.getProperty(name).trim()));
        return settings;
    }
}
