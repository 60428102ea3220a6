package dev.queryrelay.bench;

import java.util.List;

/**
 * The topics of one subject of the benchmark, all named {@code PREFIX.KIND}. The state topic is
 * left to the worker to create (compacted).
 */
record BenchTopics(String submit, String cancel, String status, String results, String dlq, String state) {

    static BenchTopics named(String prefix) {
        return new BenchTopics(prefix + ".submit", prefix + ".cancel", prefix + ".status", prefix + ".results",
                prefix + ".dlq", prefix + ".state");
    }

    /** The topics the bench creates before starting a subject. */
    List<String> all() {
        return List.of(submit, cancel, status, results, dlq);
    }
}
