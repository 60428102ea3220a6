"""The events of docs/protocol.md as immutable values, read from record values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .errors import ProtocolError

STATUSES = ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT")
TERMINAL = frozenset(("SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT"))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    precision: Optional[int] = None
    scale: Optional[int] = None


@dataclass(frozen=True)
class ErrorInfo:
    type: str
    message: str
    retryable: bool
    code: Optional[str] = None
    sql_state: Optional[str] = None


@dataclass(frozen=True)
class StatusEvent:
    """One transition of a query (topic ``queryrelay.status``)."""

    query_id: str
    status: str
    seq: int
    at: str
    worker: str
    provider: str
    provider_query_id: Optional[str] = None
    row_count: Optional[int] = None
    pages: Optional[int] = None
    truncated: Optional[bool] = None
    columns: Tuple[Column, ...] = ()
    execution_ms: Optional[int] = None
    error: Optional[ErrorInfo] = None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


@dataclass(frozen=True)
class ResultPage:
    """One page of a query's result (topic ``queryrelay.results``). Numbers are ``int`` or exact ``Decimal``."""

    query_id: str
    page: int
    offset: int
    columns: Tuple[Column, ...]
    rows: Tuple[Dict[str, Any], ...]
    last: bool


def parse_status(value: Optional[bytes]) -> StatusEvent:
    doc = _object(value, "status event")
    status = _field(doc, "status", str, "status event")
    if status not in STATUSES:
        raise ProtocolError(f"status event with unknown status {status!r}")
    error = doc.get("error")
    return StatusEvent(
        query_id=_field(doc, "query_id", str, "status event"),
        status=status,
        seq=_field(doc, "seq", int, "status event"),
        at=_field(doc, "at", str, "status event"),
        worker=_field(doc, "worker", str, "status event"),
        provider=_field(doc, "provider", str, "status event"),
        provider_query_id=_optional(doc, "provider_query_id", str, "status event"),
        row_count=_optional(doc, "row_count", int, "status event"),
        pages=_optional(doc, "pages", int, "status event"),
        truncated=_optional(doc, "truncated", bool, "status event"),
        columns=_columns(doc.get("columns") or []),
        execution_ms=_optional(doc, "execution_ms", int, "status event"),
        error=None if error is None else _error(error),
    )


def parse_page(value: Optional[bytes]) -> ResultPage:
    doc = _object(value, "result page")
    rows = _field(doc, "rows", list, "result page")
    if not all(isinstance(row, dict) for row in rows):
        raise ProtocolError("result page with a row that is not an object")
    return ResultPage(
        query_id=_field(doc, "query_id", str, "result page"),
        page=_field(doc, "page", int, "result page"),
        offset=_field(doc, "offset", int, "result page"),
        columns=_columns(_field(doc, "columns", list, "result page")),
        rows=tuple(rows),
        last=_field(doc, "last", bool, "result page"),
    )


def _object(value: Optional[bytes], what: str) -> Mapping[str, Any]:
    if value is None:
        raise ProtocolError(f"{what} without a value")
    try:
        doc = json.loads(value, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as e:
        raise ProtocolError(f"{what} is not UTF-8 JSON: {e}") from e
    if not isinstance(doc, dict):
        raise ProtocolError(f"{what} is not a JSON object")
    return doc


def _field(doc: Mapping[str, Any], name: str, kind: type, what: str) -> Any:
    if name not in doc:
        raise ProtocolError(f"{what} without field {name!r}")
    value = _optional(doc, name, kind, what)
    if value is None:
        raise ProtocolError(f"{what} with null field {name!r}")
    return value


def _optional(doc: Mapping[str, Any], name: str, kind: type, what: str) -> Any:
    value = doc.get(name)
    if value is None:
        return None
    # bool is an int in Python: an integer field holding true is still wrong
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ProtocolError(f"{what} field {name!r} is not of type {kind.__name__}: {value!r}")
    return value


def _columns(values: Any) -> Tuple[Column, ...]:
    if not isinstance(values, list):
        raise ProtocolError("'columns' is not an array")
    columns: List[Column] = []
    for value in values:
        if not isinstance(value, dict):
            raise ProtocolError("a column is not an object")
        columns.append(Column(
            name=_field(value, "name", str, "column"),
            type=_field(value, "type", str, "column"),
            nullable=_field(value, "nullable", bool, "column"),
            precision=_optional(value, "precision", int, "column"),
            scale=_optional(value, "scale", int, "column"),
        ))
    return tuple(columns)


def _error(value: Any) -> ErrorInfo:
    if not isinstance(value, dict):
        raise ProtocolError("'error' is not an object")
    return ErrorInfo(
        type=_field(value, "type", str, "error"),
        message=_field(value, "message", str, "error"),
        retryable=_field(value, "retryable", bool, "error"),
        code=_optional(value, "code", str, "error"),
        sql_state=_optional(value, "sql_state", str, "error"),
    )
