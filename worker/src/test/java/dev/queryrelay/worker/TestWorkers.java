package dev.queryrelay.worker;

import dev.queryrelay.protocol.TopicNames;

import java.util.HashMap;
import java.util.Map;

/** Worker settings for tests: own topics and group, a free http port, quick commits and retries. */
final class TestWorkers {

    private TestWorkers() {
    }

    static Map<String, String> settings(String bootstrapServers, TopicNames topics, String groupId) {
        Map<String, String> settings = new HashMap<>();
        settings.put(WorkerConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        settings.put(WorkerConfig.GROUP_ID, groupId);
        settings.put(WorkerConfig.TOPICS_SUBMIT, topics.submit());
        settings.put(WorkerConfig.TOPICS_CANCEL, topics.cancel());
        settings.put(WorkerConfig.TOPICS_STATUS, topics.status());
        settings.put(WorkerConfig.TOPICS_RESULTS, topics.results());
        settings.put(WorkerConfig.TOPICS_DLQ, topics.dlq());
        settings.put(WorkerConfig.TOPICS_STATE, topics.submit() + ".state");
        settings.put(WorkerConfig.TOPICS_PARTITIONS, "3");
        settings.put(WorkerConfig.HTTP_PORT, "0");
        settings.put(WorkerConfig.WORKER_ID, "it-worker");
        settings.put(WorkerConfig.COMMIT_INTERVAL_MS, "200");
        settings.put(WorkerConfig.RETRY_INITIAL_BACKOFF_MS, "5");
        settings.put(WorkerConfig.RETRY_MAX_BACKOFF_MS, "20");
        return settings;
    }
}
