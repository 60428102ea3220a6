"""Typed errors of the QueryRelay client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .messages import StatusEvent


class QueryRelayError(Exception):
    """Base of every error this package raises."""


class InvalidCommand(QueryRelayError, ValueError):
    """A command the client refuses to send (e.g. an invalid query id)."""


class DeliveryError(QueryRelayError):
    """Kafka did not acknowledge a command; ``query_id`` names its query (a submit may still arrive)."""

    def __init__(self, message: str, query_id: Optional[str] = None):
        super().__init__(message)
        self.query_id = query_id


class ProtocolError(QueryRelayError):
    """A message on an output topic does not follow docs/protocol.md."""


class WaitTimeout(QueryRelayError, TimeoutError):
    """The client gave up waiting; the query itself may still be running."""

    def __init__(self, query_id: str, timeout: float, what: str):
        super().__init__(f"query {query_id!r}: no {what} within {timeout:g} s")
        self.query_id = query_id
        self.timeout = timeout


class QueryError(QueryRelayError):
    """A query ended in FAILED, CANCELED or TIMEOUT; carries the event's error fields."""

    def __init__(self, event: "StatusEvent"):
        error = event.error
        if error is None:
            raise ProtocolError(f"query {event.query_id!r}: {event.status} event without an error")
        detail = f" (code {error.code})" if error.code else ""
        super().__init__(f"query {event.query_id!r} {event.status}: {error.type}: {error.message}{detail}")
        self.event = event
        self.query_id = event.query_id
        self.error_type = error.type
        self.error_message = error.message
        self.code: Optional[str] = error.code
        self.sql_state: Optional[str] = error.sql_state
        self.retryable = error.retryable


class QueryFailed(QueryError):
    """The query ended FAILED (error types SQL, VALIDATION, NETWORK, AUTH, TIMEOUT, NOT_FOUND, INTERNAL)."""


class QueryCanceled(QueryError):
    """The query ended CANCELED by a cancel command."""


class QueryTimedOut(QueryError):
    """The query ran past its own ``timeout_ms`` option and ended TIMEOUT."""


def error_for(event: "StatusEvent") -> QueryError:
    """The error that stands for a FAILED, CANCELED or TIMEOUT event."""
    kinds = {"FAILED": QueryFailed, "CANCELED": QueryCanceled, "TIMEOUT": QueryTimedOut}
    try:
        return kinds[event.status](event)
    except KeyError:
        raise ValueError(f"{event.status} is not an unsuccessful terminal status") from None
