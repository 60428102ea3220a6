package dev.queryrelay.worker;

import java.util.List;
import java.util.Objects;

/** The topic names a worker uses. */
record WorkerTopics(String submit, String cancel, String status, String results, String dlq, String state) {

    WorkerTopics {
        Objects.requireNonNull(submit, "submit");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(dlq, "dlq");
        Objects.requireNonNull(state, "state");
    }

    static WorkerTopics from(WorkerConfig config) {
        return new WorkerTopics(config.getString(WorkerConfig.TOPICS_SUBMIT), config.getString(WorkerConfig.TOPICS_CANCEL),
                config.getString(WorkerConfig.TOPICS_STATUS), config.getString(WorkerConfig.TOPICS_RESULTS),
                config.getString(WorkerConfig.TOPICS_DLQ), config.getString(WorkerConfig.TOPICS_STATE));
    }

    List<String> outputs() {
        return List.of(status, results, dlq);
    }
}
