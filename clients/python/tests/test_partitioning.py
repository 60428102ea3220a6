"""Commands land on the partition the Java producer's default partitioner would pick.

JAVA_PARTITIONS were computed once with kafka-clients 4.3.1 in jshell:
    Utils.murmur2(key.getBytes(UTF_8)) and Utils.toPositive(Utils.murmur2(...)) % n, n = 3, 7, 12
(class path: kafka-clients-4.3.1.jar and slf4j-api-2.0.17.jar).
"""

from __future__ import annotations

import uuid

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from queryrelay import QueryRelayClient, Topics, murmur2, partition_for

# key: (Utils.murmur2(key) as Java's signed int, {partition count: partition})
JAVA_PARTITIONS = {
    "q-1": (-2021106098, {3: 0, 7: 5, 12: 6}),
    "daily-orders-2026-11-24": (407642269, {3: 1, 7: 6, 12: 1}),
    "a": (-1563381124, {3: 1, 7: 5, 12: 4}),
    "ab": (316155434, {3: 2, 7: 0, 12: 2}),
    "abc": (479470107, {3: 0, 7: 4, 12: 3}),
    "abcd": (-1323649548, {3: 2, 7: 5, 12: 8}),
    "0f8fad5b-d9cb-469f-a165-70867728950e": (-1084131179, {3: 0, 7: 4, 12: 9}),
    "A.b_c:d-9": (-203136119, {3: 0, 7: 5, 12: 9}),
    "partitioner-check-42": (-146527417, {3: 1, 7: 1, 12: 7}),
}


@pytest.mark.parametrize("key", sorted(JAVA_PARTITIONS))
def test_murmur2_and_the_partition_match_java(key):
    java_hash, partitions = JAVA_PARTITIONS[key]
    assert murmur2(key.encode()) == java_hash & 0xFFFFFFFF
    for count, partition in partitions.items():
        assert partition_for(key, count) == partition


def test_the_client_s_producer_puts_each_key_on_java_s_partition(bootstrap_servers):
    topic = f"py-partitioning-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    admin.create_topics([NewTopic(topic, num_partitions=12, replication_factor=1)])[topic].result(60)

    with QueryRelayClient(bootstrap_servers, topics=Topics(submit=topic)) as relay:
        for key in JAVA_PARTITIONS:
            relay.submit("SELECT 1", query_id=key)

    consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": f"check-{topic}",
                         "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, p, 0) for p in range(12)])
        seen = {}
        while len(seen) < len(JAVA_PARTITIONS):
            message = consumer.poll(60)
            assert message is not None, f"records missing from {topic}: seen {sorted(seen)}"
            assert message.error() is None, message.error()
            seen[message.key().decode()] = message.partition()
    finally:
        consumer.close()
    assert seen == {key: partitions[12] for key, (_, partitions) in JAVA_PARTITIONS.items()}


def test_another_partitioner_is_refused():
    with pytest.raises(ValueError, match="murmur2"):
        QueryRelayClient("localhost:9092", producer_config={"partitioner": "consistent_random"})
