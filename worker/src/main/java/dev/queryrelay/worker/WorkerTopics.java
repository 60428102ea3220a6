package dev.queryrelay.worker;

import java.util.List;
import java.util.Objects;

/** The topic names a worker uses. */
record WorkerTopics(String submit, String cancel, String status, String results, String dlq) {

    WorkerTopics {
        Objects.requireNonNull(submit, "submit");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(dlq, "dlq");
    }

    static WorkerTopics from(WorkerConfig config) {
        return new WorkerTopics(config.getString(WorkerConfig.TOPICS_SUBMIT), config.getString(WorkerConfig.TOPICS_CANCEL),
                config.getString(WorkerConfig.TOPICS_STATUS), config.getString(WorkerConfig.TOPICS_RESULTS),
                config.getString(WorkerConfig.TOPICS_DLQ));
    }

    List<String> outputs() {
        return List.of(status, results, dlq);
    }
}
