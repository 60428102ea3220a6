"""The QueryRelay client: commands in, status events and result pages out, over Kafka."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from confluent_kafka import KafkaException, Producer

from .errors import DeliveryError, InvalidCommand, ProtocolError, error_for
from .follow import EventDeduper, KeyReader, PageSequencer
from .messages import ResultPage, StatusEvent, parse_page, parse_status

QUERY_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
MURMUR2_PARTITIONERS = ("murmur2_random", "murmur2")
MAX_REASON_LENGTH = 1_000
REMEMBERED_SUBMITS = 10_000

Since = Union[None, float, datetime]


@dataclass(frozen=True)
class Topics:
    """Topic names; the defaults are the worker's (``topics.*`` settings)."""

    submit: str = "queryrelay.submit"
    cancel: str = "queryrelay.cancel"
    status: str = "queryrelay.status"
    results: str = "queryrelay.results"


DEFAULT_TOPICS = Topics()


class QueryRelayClient:
    """Submits and cancels queries and follows them. Thread-safe for submit and cancel.

    ``config`` holds librdkafka settings for both the producer and the followers' consumers
    (security, timeouts, ...); ``producer_config`` and ``consumer_config`` add to one side only.
    Commands are partitioned with ``murmur2_random``, so that a cancel lands in the partition of its
    submit as with a Java producer (docs/protocol.md).

    Following a query reads its partition from ``since`` on: by default from ``clock_skew`` seconds
    before this client submitted it, or from the beginning for a query submitted elsewhere.
    """

    def __init__(self, bootstrap_servers: Optional[str] = None, *, topics: Topics = DEFAULT_TOPICS,
                 config: Optional[Mapping[str, Any]] = None, producer_config: Optional[Mapping[str, Any]] = None,
                 consumer_config: Optional[Mapping[str, Any]] = None, clock_skew: float = 300.0,
                 metadata_timeout: float = 30.0) -> None:
        common: Dict[str, Any] = dict(config or {})
        if bootstrap_servers is not None:
            common["bootstrap.servers"] = bootstrap_servers
        if "bootstrap.servers" not in common:
            raise ValueError("bootstrap_servers (or config['bootstrap.servers']) is required")
        producer: Dict[str, Any] = {"enable.idempotence": True, "acks": "all", **common, **(producer_config or {})}
        partitioner = producer.setdefault("partitioner", "murmur2_random")
        if partitioner not in MURMUR2_PARTITIONERS:
            raise ValueError(f"partitioner {partitioner!r}: QueryRelay needs murmur2_random (the Java default) "
                             "so that a cancel reaches the worker of its query")
        self.topics = topics
        self._producer_config = producer
        self._consumer_config = {**common, **(consumer_config or {})}
        self._clock_skew = clock_skew
        self._metadata_timeout = metadata_timeout
        self._producer: Optional[Producer] = None
        self._lock = threading.Lock()
        self._submitted_at: "OrderedDict[str, float]" = OrderedDict()

    def submit(self, sql: str, *, query_id: Optional[str] = None, bindings: Optional[Sequence[Any]] = None,
               options: Optional[Mapping[str, int]] = None, tags: Optional[Mapping[str, str]] = None,
               timeout: float = 30.0) -> str:
        """Sends a submit command and returns its query id (a new UUID when none is given).

        The worker checks the command; an invalid one ends FAILED with error type VALIDATION, which
        :meth:`wait` raises as :class:`QueryFailed`.
        """
        if not isinstance(sql, str):
            raise InvalidCommand(f"sql must be a string, not {type(sql).__name__}")
        query_id = str(uuid.uuid4()) if query_id is None else _checked_id(query_id)
        command: Dict[str, Any] = {"query_id": query_id, "sql": sql}
        if bindings is not None:
            command["bindings"] = list(bindings)
        if options is not None:
            command["options"] = dict(options)
        if tags is not None:
            command["tags"] = dict(tags)
        value = _encode(command)
        with self._lock:
            self._submitted_at[query_id] = time.time()
            self._submitted_at.move_to_end(query_id)
            while len(self._submitted_at) > REMEMBERED_SUBMITS:
                self._submitted_at.popitem(last=False)
        self._send(self.topics.submit, query_id, value, timeout)
        return query_id

    def cancel(self, query_id: str, reason: Optional[str] = None, *, timeout: float = 30.0) -> None:
        """Sends a cancel command; the query ends CANCELED (a cancel sent before the submit is remembered)."""
        command: Dict[str, Any] = {"query_id": _checked_id(query_id)}
        if reason is not None:
            if not isinstance(reason, str) or _utf16_length(reason) > MAX_REASON_LENGTH:
                raise InvalidCommand(f"reason must be a string of at most {MAX_REASON_LENGTH} characters (UTF-16 code units)")
            command["reason"] = reason
        self._send(self.topics.cancel, query_id, _encode(command), timeout)

    def events(self, query_id: str, *, timeout: Optional[float] = None, since: Since = None) -> Iterator[StatusEvent]:
        """The query's status events, each once, up to and including the terminal one.

        Raises :class:`WaitTimeout` when ``timeout`` seconds pass before the terminal event.
        """
        deadline = _deadline(timeout)
        dedupe = EventDeduper()
        with self._reader(query_id, [self.topics.status], since, deadline, timeout, "terminal status") as reader:
            while True:
                event = parse_status(reader.next().value())
                if event.query_id != query_id:
                    raise ProtocolError(f"event of query {event.query_id!r} under the key {query_id!r}")
                if dedupe.first_time(event):
                    yield event
                    if event.terminal:
                        return

    def pages(self, query_id: str, *, timeout: Optional[float] = None, since: Since = None) -> Iterator[ResultPage]:
        """The query's result pages in order, each once; ends after the last page of a SUCCEEDED query.

        The pages published before a FAILED, CANCELED or TIMEOUT end come first, then the matching
        :class:`QueryError` is raised. Raises :class:`WaitTimeout` after ``timeout`` seconds.
        """
        deadline = _deadline(timeout)
        pages = PageSequencer(query_id)
        terminal: Optional[StatusEvent] = None
        with self._reader(query_id, [self.topics.status, self.topics.results], since, deadline, timeout,
                          "result pages") as reader:
            while terminal is None or pages.released < (terminal.pages or 0):
                message = reader.next()
                if message.topic() == self.topics.status:
                    event = parse_status(message.value())
                    terminal = event if event.terminal else terminal
                else:
                    yield from pages.add(parse_page(message.value()))
        if terminal.status != "SUCCEEDED":
            raise error_for(terminal)

    def wait(self, query_id: str, timeout: float, *, since: Since = None) -> StatusEvent:
        """Waits for the query's terminal status: returns a SUCCEEDED event, raises QueryFailed,
        QueryCanceled or QueryTimedOut for the others, and WaitTimeout after ``timeout`` seconds."""
        for event in self.events(query_id, timeout=timeout, since=since):
            if event.terminal:
                if event.status == "SUCCEEDED":
                    return event
                raise error_for(event)
        raise ProtocolError(f"query {query_id!r}: the events ended without a terminal status")

    def close(self, timeout: float = 30.0) -> None:
        if self._producer is not None:
            self._producer.flush(timeout)

    def __enter__(self) -> "QueryRelayClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reader(self, query_id: str, topics: List[str], since: Since, deadline: Optional[float],
                timeout: Optional[float], what: str) -> KeyReader:
        return KeyReader(self._consumer_config, topics, _checked_id(query_id), self._since_ms(query_id, since),
                         self._metadata_timeout, deadline, timeout, what)

    def _since_ms(self, query_id: str, since: Since) -> Optional[int]:
        if isinstance(since, datetime):
            aware = since if since.tzinfo is not None else since.replace(tzinfo=timezone.utc)
            return int(aware.timestamp() * 1000)
        if since is not None:
            return int(since * 1000)
        with self._lock:
            submitted = self._submitted_at.get(query_id)
        return None if submitted is None else int((submitted - self._clock_skew) * 1000)

    def _send(self, topic: str, key: str, value: bytes, timeout: float) -> None:
        with self._lock:
            if self._producer is None:
                self._producer = Producer(self._producer_config)
            producer = self._producer
        failures: List[str] = []
        acked: List[bool] = []

        def delivered(error: Any, _message: Any) -> None:
            if error is not None:
                failures.append(str(error))
            else:
                acked.append(True)

        try:
            producer.produce(topic, key=key.encode("utf-8"), value=value, on_delivery=delivered)
        except (KafkaException, BufferError) as e:
            raise DeliveryError(f"cannot send to {topic}: {e}", key) from e
        deadline = time.monotonic() + timeout
        while not acked and not failures:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeliveryError(f"no acknowledgement from {topic} within {timeout:g} s (the command may still "
                                    f"be delivered)", key)
            producer.flush(remaining)
        if failures:
            raise DeliveryError(f"{topic} refused the command: {failures[0]}", key)


def _encode(command: Mapping[str, Any]) -> bytes:
    """The command as UTF-8 JSON; a Decimal binding as its exact number. InvalidCommand for what JSON cannot hold."""
    try:
        fields = []
        for name, value in command.items():
            if name == "bindings":
                text = "[" + ",".join(_binding(item) for item in value) + "]"
            else:
                text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            fields.append(json.dumps(name) + ":" + text)
        return ("{" + ",".join(fields) + "}").encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as e:
        raise InvalidCommand(f"the command cannot be written as JSON: {e}") from e


def _binding(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"binding {value} is not a JSON number")
        return str(value)
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _checked_id(query_id: str) -> str:
    if not isinstance(query_id, str) or not QUERY_ID.fullmatch(query_id):
        raise InvalidCommand(f"invalid query id {query_id!r}: 1 to 128 characters from A-Z a-z 0-9 . _ : -")
    return query_id


def _deadline(timeout: Optional[float]) -> Optional[float]:
    return None if timeout is None else time.monotonic() + timeout
