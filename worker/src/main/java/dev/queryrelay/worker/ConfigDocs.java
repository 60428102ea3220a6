package dev.queryrelay.worker;

import org.apache.kafka.common.config.ConfigDef;

import java.util.List;

/**
 * Writes the configuration reference (docs/configuration.md) from {@link WorkerConfig#CONFIG_DEF}:
 * {@code java -cp queryrelay-worker.jar dev.queryrelay.worker.ConfigDocs > docs/configuration.md}.
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Worker configuration\n\n")
                .append("Generated from `WorkerConfig.CONFIG_DEF` by `dev.queryrelay.worker.ConfigDocs`; do not edit by hand.\n\n")
                .append("Sources, later ones winning: the properties file of `--config FILE`, then environment variables ")
                .append("`QUERYRELAY_*`, then `--key=value` arguments. Environment names: the key upper-cased with `.` and `-` ")
                .append("as `_` (`worker.max-in-flight` = `QUERYRELAY_WORKER_MAX_IN_FLIGHT`); `QUERYRELAY_KAFKA_X_Y` = `kafka.x.y`; ")
                .append("`QUERYRELAY_PROVIDER_X_Y` = `provider.x_y` (lower case, `_` kept, `__` as `-`, so ")
                .append("`QUERYRELAY_PROVIDER_PASSWORD__FILE` = `provider.password-file`; a leading `QUERYRELAY_` as `queryrelay.`, so ")
                .append("`QUERYRELAY_PROVIDER_QUERYRELAY_POOL__SIZE` = `provider.queryrelay.pool-size`).\n\n")
                .append("Pass-through prefixes: every `kafka.*` key goes to the Kafka clients without the prefix ")
                .append("(e.g. `kafka.security.protocol`, `kafka.sasl.jaas.config`); every `provider.*` key goes to the provider ")
                .append("without the prefix (see providers.md). An unknown key outside these prefixes, in the file or an argument, ")
                .append("stops the worker at start; a `QUERYRELAY_*` environment variable that names no key is ignored (other ")
                .append("tools share the prefix, e.g. `QUERYRELAY_LOG_LEVEL`), so check the spelling of those you set.\n\n")
                .append("| key | type | default | valid values | description |\n")
                .append("|---|---|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys = WorkerConfig.CONFIG_DEF.configKeys().values().stream()
                .sorted(java.util.Comparator.comparing(key -> key.name)).toList();
        for (ConfigDef.ConfigKey key : keys) {
            String defaultValue = key.name.equals(WorkerConfig.WORKER_ID) ? "host name and process id"
                    : key.hasDefault() ? String.valueOf(key.defaultValue) : "(required)";
            out.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                    .append(" | ").append(defaultValue.isEmpty() ? "\"\"" : "`" + defaultValue + "`")
                    .append(" | ").append(key.validator == null ? "" : key.validator.toString().replace("|", "\\|"))
                    .append(" | ").append(key.documentation.replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
