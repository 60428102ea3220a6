package dev.queryrelay.worker;

import dev.queryrelay.api.QueryRelayException;
import dev.queryrelay.testkit.KafkaTestClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the worker's topics when absent (broker defaults unless configured) and waits until
 * every partition has a leader. The cancel and state topics get the submit topic's partition
 * count, so the owner of submit partition p also owns cancel partition p and state partition p.
 */
final class TopicSetup {

    private TopicSetup() {
    }

    static void ensure(Admin admin, WorkerTopics topics, int partitions, short replicationFactor, Duration stateRetention) {
        Optional<Integer> count = partitions > 0 ? Optional.of(partitions) : Optional.empty();
        Optional<Short> replication = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
        KafkaTestClients.createTopics(admin, List.of(new NewTopic(topics.submit(), count, replication)));
        int submitPartitions = partitionCount(admin, topics.submit());
        List<NewTopic> others = new ArrayList<>();
        others.add(new NewTopic(topics.cancel(), Optional.of(submitPartitions), replication));
        others.add(new NewTopic(topics.state(), Optional.of(submitPartitions), replication).configs(Map.of(
                "cleanup.policy", "compact,delete", "retention.ms", Long.toString(stateRetention.toMillis()))));
        for (String output : topics.outputs()) {
            others.add(new NewTopic(output, count, replication));
        }
        KafkaTestClients.createTopics(admin, others);
        for (String coPartitioned : List.of(topics.cancel(), topics.state())) {
            int actual = partitionCount(admin, coPartitioned);
            if (actual != submitPartitions) {
                throw QueryRelayException.validation("topic " + coPartitioned + " has " + actual + " partitions but "
                        + topics.submit() + " has " + submitPartitions
                        + "; they must be equal so that partition p of each belongs to the same worker");
            }
        }
    }

    static int partitionCount(Admin admin, String topic) {
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(60, TimeUnit.SECONDS);
            return descriptions.get(topic).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            throw QueryRelayException.network("cannot describe topic " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QueryRelayException.network("interrupted describing topic " + topic, e);
        }
    }
}
