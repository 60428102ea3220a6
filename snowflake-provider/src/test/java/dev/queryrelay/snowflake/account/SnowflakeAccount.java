package dev.queryrelay.snowflake.account;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real Snowflake account the account suite runs against, from {@code SNOWFLAKE_*}
 * environment variables (see docs/providers.md): {@code SNOWFLAKE_URL}, {@code SNOWFLAKE_USER},
 * {@code SNOWFLAKE_WAREHOUSE}, {@code SNOWFLAKE_DATABASE}, optional {@code SNOWFLAKE_SCHEMA} and
 * {@code SNOWFLAKE_ROLE}, and one credential: {@code SNOWFLAKE_PRIVATE_KEY_FILE} (with optional
 * {@code SNOWFLAKE_PRIVATE_KEY_PWD}), {@code SNOWFLAKE_TOKEN} (a programmatic access token) or
 * {@code SNOWFLAKE_PASSWORD}. {@code SNOWFLAKE_ADMIN_TESTS=true} also runs the tests that
 * suspend and resize the warehouse.
 */
public final class SnowflakeAccount {

    static final List<String> REQUIRED = List.of("SNOWFLAKE_URL", "SNOWFLAKE_USER", "SNOWFLAKE_WAREHOUSE",
            "SNOWFLAKE_DATABASE");
    static final List<String> CREDENTIALS = List.of("SNOWFLAKE_PRIVATE_KEY_FILE", "SNOWFLAKE_TOKEN", "SNOWFLAKE_PASSWORD");
    static final String ADMIN_TESTS = "SNOWFLAKE_ADMIN_TESTS";

    private SnowflakeAccount() {
    }

    /** What is missing to run the suite, empty when it can run. */
    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED) {
            if (env(name).isEmpty()) {
                missing.add(name);
            }
        }
        if (CREDENTIALS.stream().allMatch(name -> env(name).isEmpty())) {
            missing.add("one of " + String.join(", ", CREDENTIALS));
        }
        return missing;
    }

    static boolean adminTests() {
        return env(ADMIN_TESTS).map(Boolean::parseBoolean).orElse(false);
    }

    static String warehouse() {
        return env("SNOWFLAKE_WAREHOUSE").orElseThrow();
    }

    /** The provider settings for the account. */
    public static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("url", env("SNOWFLAKE_URL").orElseThrow());
        settings.put("user", env("SNOWFLAKE_USER").orElseThrow());
        settings.put("warehouse", warehouse());
        settings.put("db", env("SNOWFLAKE_DATABASE").orElseThrow());
        settings.put("schema", env("SNOWFLAKE_SCHEMA").orElse("PUBLIC"));
        env("SNOWFLAKE_ROLE").ifPresent(role -> settings.put("role", role));
        Optional<String> keyFile = env("SNOWFLAKE_PRIVATE_KEY_FILE");
        Optional<String> token = env("SNOWFLAKE_TOKEN");
        if (keyFile.isPresent()) {
            settings.put("authenticator", "SNOWFLAKE_JWT");
            settings.put("private_key_file", keyFile.get());
            env("SNOWFLAKE_PRIVATE_KEY_PWD").ifPresent(pwd -> settings.put("private_key_pwd", pwd));
        } else if (token.isPresent()) {
            settings.put("authenticator", "PROGRAMMATIC_ACCESS_TOKEN");
            settings.put("token", token.get());
        } else {
            settings.put("password", env("SNOWFLAKE_PASSWORD").orElseThrow());
        }
        return settings;
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }
}
