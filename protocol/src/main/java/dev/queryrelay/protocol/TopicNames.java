package dev.queryrelay.protocol;

import java.util.Objects;

/**
 * The topic names of one deployment; {@link #defaults()} are the worker's defaults
 * ({@code queryrelay.submit}, {@code queryrelay.cancel}, {@code queryrelay.status},
 * {@code queryrelay.results}, {@code queryrelay.dlq}).
 */
public record TopicNames(String submit, String cancel, String status, String results, String dlq) {

    /** The prefix of the default topic names. */
    public static final String DEFAULT_PREFIX = "queryrelay.";

    public TopicNames {
        Objects.requireNonNull(submit, "submit");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(dlq, "dlq");
    }

    public static TopicNames defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /** {@code prefix + "submit"}, {@code prefix + "cancel"}, … */
    public static TopicNames withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return new TopicNames(prefix + "submit", prefix + "cancel", prefix + "status", prefix + "results",
                prefix + "dlq");
    }
}
