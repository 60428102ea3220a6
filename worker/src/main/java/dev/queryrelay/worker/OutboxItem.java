package dev.queryrelay.worker;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** What other threads queue for the {@link Outbox}'s thread. */
sealed interface OutboxItem permits OutboxRecord, LatestRecord, OutboxItem.RecordThenLatest, OutboxItem.Offsets,
        OutboxItem.CommitRequest, OutboxItem.Purge {

    /** The offsets to commit next (every owned command partition) and the group metadata that fences them. */
    record Offsets(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) implements OutboxItem {
    }

    /** A commit asked for, completed with whether it succeeded. */
    record CommitRequest(CompletableFuture<Boolean> done) implements OutboxItem {
    }

    /** Records of command partitions (and offsets) that moved to another worker, to drop. */
    record Purge(Set<Integer> partitions, Set<TopicPartition> offsets, CompletableFuture<Void> done) implements OutboxItem {
    }

    /** A record, then a record held until the commit: one item for a query's event and its state. */
    record RecordThenLatest(OutboxRecord record, LatestRecord latest) implements OutboxItem {
    }
}
