"""Following one query on the output topics: dedupe of events and in-order release of pages."""

from __future__ import annotations

import time
import uuid
from typing import Dict, Iterable, List, Mapping, Optional, Set, Tuple

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Message, TopicPartition

from .errors import QueryRelayError, WaitTimeout
from .messages import ResultPage, StatusEvent
from .partitioning import partition_for


class EventDeduper:
    """Lets each status event through once, deduped on (query_id, seq)."""

    def __init__(self) -> None:
        self._seen: Set[Tuple[str, int]] = set()

    def first_time(self, event: StatusEvent) -> bool:
        key = (event.query_id, event.seq)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


class PageSequencer:
    """Releases one query's pages in order (0, 1, 2, ...), each once, deduped on (query_id, page)."""

    def __init__(self, query_id: str) -> None:
        self._query_id = query_id
        self._next = 0
        self._waiting: Dict[int, ResultPage] = {}

    @property
    def released(self) -> int:
        """How many pages were released: the next page expected."""
        return self._next

    def add(self, page: ResultPage) -> List[ResultPage]:
        if page.query_id != self._query_id or page.page < self._next:
            return []
        self._waiting.setdefault(page.page, page)
        ready = []
        while self._next in self._waiting:
            ready.append(self._waiting.pop(self._next))
            self._next += 1
        return ready


class KeyReader:
    """Reads the records keyed by one query id from the partitions that hold that key.

    The worker partitions its output by the Java default (murmur2 of the key), so only one
    partition per topic is read, from ``since_ms`` on (the first record at or after that time) or
    from the beginning. A consumer of its own, in no group: it commits nothing.
    """

    def __init__(self, config: Mapping[str, object], topics: Iterable[str], key: str,
                 since_ms: Optional[int], metadata_timeout: float, deadline: Optional[float] = None,
                 timeout: Optional[float] = None, what: str = "answer") -> None:
        settings = {"enable.partition.eof": False, "auto.offset.reset": "earliest", **config}
        # what following needs, whatever the caller's config says: a group of its own that commits
        # nothing, and only committed events and pages (workers publish in transactions)
        settings.update({"group.id": f"queryrelay-follower-{uuid.uuid4()}", "enable.auto.commit": False,
                         "isolation.level": "read_committed"})
        self._key = key.encode("utf-8")
        self._query_id = key
        self._consumer = Consumer(settings)
        self._deadline = deadline
        self._timeout = timeout
        self._what = what
        try:
            self._consumer.assign(self._start(list(topics), since_ms, metadata_timeout))
        except KafkaException as e:
            self._consumer.close()
            raise QueryRelayError(f"cannot start following query {key!r}: {e}") from e
        except BaseException:
            self._consumer.close()
            raise

    def _bounded(self, limit: float) -> float:
        """``limit`` seconds, or less when the caller's deadline comes first (WaitTimeout once it passed)."""
        if self._deadline is None:
            return limit
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise WaitTimeout(self._query_id, self._timeout or 0.0, self._what)
        return min(limit, left)

    def _start(self, topics: List[str], since_ms: Optional[int], timeout: float) -> List[TopicPartition]:
        assignment = []
        for topic in topics:
            metadata = self._consumer.list_topics(topic, timeout=self._bounded(timeout)).topics.get(topic)
            if metadata is None or metadata.error is not None or not metadata.partitions:
                reason = metadata.error if metadata is not None else "no metadata"
                raise QueryRelayError(f"cannot read topic {topic!r}: {reason}")
            partition = partition_for(self._query_id, len(metadata.partitions))
            if since_ms is None:
                assignment.append(TopicPartition(topic, partition, OFFSET_BEGINNING))
                continue
            # the end first: a record written after offsets_for_times answered "none" is not skipped
            _, end = self._consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=self._bounded(timeout))
            found = self._consumer.offsets_for_times([TopicPartition(topic, partition, since_ms)],
                                                     timeout=self._bounded(timeout))[0]
            assignment.append(TopicPartition(topic, partition, found.offset if found.offset >= 0 else end))
        return assignment

    def next(self) -> Message:
        """The next record with the key; WaitTimeout once the reader's deadline passes."""
        while True:
            wait = self._bounded(1.0)
            message = self._consumer.poll(wait)
            if message is None:
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF or error.retriable():
                    continue
                raise QueryRelayError(f"reading {message.topic()}: {error}")
            if message.key() == self._key:
                return message

    def close(self) -> None:
        self._consumer.close()

    def __enter__(self) -> "KeyReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
