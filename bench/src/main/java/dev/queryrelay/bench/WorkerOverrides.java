package dev.queryrelay.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM options and worker settings added to every QueryRelay worker of a run, to measure a
 * deployment choice (e.g. {@code -XX:MaxGCPauseMillis=20}, {@code worker.ttl-ms=60000}) against the
 * defaults. Empty for the documented run.
 */
record WorkerOverrides(List<String> jvmOptions, Map<String, String> settings) {

    static final WorkerOverrides NONE = new WorkerOverrides(List.of(), Map.of());

    WorkerOverrides {
        jvmOptions = List.copyOf(jvmOptions);
        settings = Map.copyOf(settings);
    }

    /** From {@code --worker-jvm="-Xa -Xb"} and {@code --worker-config=key=value,key=value} (either may be null). */
    static WorkerOverrides parse(String jvm, String config) {
        List<String> options = jvm == null || jvm.isBlank() ? List.of() : Arrays.asList(jvm.trim().split("\\s+"));
        Map<String, String> settings = new LinkedHashMap<>();
        if (config != null && !config.isBlank()) {
            for (String pair : config.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--worker-config takes key=value,key=value; got '" + pair + "'");
                }
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return new WorkerOverrides(options, settings);
    }

    boolean isEmpty() {
        return jvmOptions.isEmpty() && settings.isEmpty();
    }

    @Override
    public String toString() {
        return "JVM options " + jvmOptions + ", settings " + settings;
    }
}
