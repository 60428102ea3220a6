"""Python client of QueryRelay (docs/protocol.md): submit and cancel SQL queries over Kafka,
follow their status events and result pages."""

from .client import QueryRelayClient, Topics
from .errors import (DeliveryError, InvalidCommand, ProtocolError, QueryCanceled, QueryError, QueryFailed,
                     QueryRelayError, QueryTimedOut, WaitTimeout)
from .follow import EventDeduper, PageSequencer
from .messages import Column, ErrorInfo, ResultPage, StatusEvent, parse_page, parse_status
from .partitioning import murmur2, partition_for

__all__ = [
    "Column", "DeliveryError", "ErrorInfo", "EventDeduper", "InvalidCommand", "PageSequencer", "ProtocolError",
    "QueryCanceled", "QueryError", "QueryFailed", "QueryRelayClient", "QueryRelayError", "QueryTimedOut",
    "ResultPage", "StatusEvent", "Topics", "WaitTimeout", "murmur2", "parse_page", "parse_status", "partition_for",
]
