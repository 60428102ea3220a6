"""Commands the client writes, checked without a broker: exact JSON, or InvalidCommand before anything is sent."""

import json
from decimal import Decimal

import pytest

from queryrelay import InvalidCommand, QueryRelayClient
from queryrelay.client import _encode


def test_a_decimal_binding_is_written_as_its_exact_number():
    value = _encode({"query_id": "q", "sql": "SELECT ?, ?, ?", "bindings": [Decimal("12345678901234567890.123456789"),
                                                                         Decimal("1E+3"), "é"]})
    assert value == '{"query_id":"q","sql":"SELECT ?, ?, ?","bindings":[12345678901234567890.123456789,1E+3,"é"]}'.encode()
    assert json.loads(value, parse_float=Decimal)["bindings"][0] == Decimal("12345678901234567890.123456789")


@pytest.mark.parametrize("command", [
    {"query_id": "q", "sql": "SELECT ?", "bindings": [float("nan")]},
    {"query_id": "q", "sql": "SELECT ?", "bindings": [Decimal("Infinity")]},
    {"query_id": "q", "sql": "SELECT 1", "options": {"timeout_ms": float("inf")}},
    {"query_id": "q", "sql": "SELECT '\ud800'"},
    {"query_id": "q", "sql": "SELECT ?", "bindings": [object()]},
])
def test_what_json_cannot_hold_is_an_invalid_command(command):
    with pytest.raises(InvalidCommand):
        _encode(command)


@pytest.mark.parametrize("reason", [42, "x" * 1001, "\U0001F600" * 501])
def test_a_cancel_reason_the_worker_would_dead_letter_is_refused_before_sending(reason):
    client = QueryRelayClient("localhost:1")
    with pytest.raises(InvalidCommand):
        client.cancel("q", reason)


def test_a_submit_not_acknowledged_names_its_query_and_following_starts_from_the_latest_submit():
    from queryrelay import DeliveryError
    client = QueryRelayClient("localhost:1")
    with pytest.raises(DeliveryError) as first:
        client.submit("SELECT 1", query_id="again", timeout=0.2)
    assert first.value.query_id == "again"
    before = client._since_ms("again", None)
    with pytest.raises(DeliveryError):
        client.submit("SELECT 1", query_id="again", timeout=0.2)
    assert client._since_ms("again", None) > before


def test_a_naive_since_is_utc_as_every_protocol_time():
    from datetime import datetime, timezone
    client = QueryRelayClient("localhost:1")
    assert client._since_ms("q", datetime(2026, 1, 1)) == int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
