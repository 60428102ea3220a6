"""Kafka's default partitioner for keyed records (murmur2), as the Java client computes it.

The worker's events are keyed by query id and partitioned by the Java producer's default, so a
follower reads the one partition ``partition_for(query_id, n)`` of each output topic. Commands are
produced with librdkafka's ``murmur2_random`` partitioner, which computes the same for keyed records.
"""

from __future__ import annotations

_SEED = 0x9747B28C
_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2`` as an unsigned 32-bit value."""
    length = len(data)
    h = (_SEED ^ length) & _MASK
    tail = length & ~3
    for i in range(0, tail, 4):
        k = data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    left = length - tail
    if left == 3:
        h ^= data[tail + 2] << 16
    if left >= 2:
        h ^= data[tail + 1] << 8
    if left >= 1:
        h ^= data[tail]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def partition_for(key: str, partitions: int) -> int:
    """The partition the Java producer's default partitioner picks for ``key`` among ``partitions``."""
    if partitions < 1:
        raise ValueError(f"a topic has at least one partition, not {partitions}")
    return (murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % partitions
