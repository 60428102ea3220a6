"""Dedupe of repeated events (query_id, seq) and pages (query_id, page), as after a worker failover."""

from __future__ import annotations

import json

import pytest
from confluent_kafka import Producer

from queryrelay import (EventDeduper, PageSequencer, ProtocolError, QueryCanceled, parse_page, parse_status)


def event(query_id, status, seq, **fields):
    doc = {"query_id": query_id, "status": status, "seq": seq, "at": "2026-11-24T10:15:30.125Z",
           "worker": "w1", "provider": "mock", **fields}
    if status in ("SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT"):
        doc.update(row_count=fields.get("row_count", 0), pages=fields.get("pages", 0), truncated=False)
    return json.dumps(doc).encode()


def page(query_id, number, last=False, rows=2):
    return json.dumps({"query_id": query_id, "page": number, "offset": number * rows,
                       "columns": [{"name": "ID", "type": "NUMBER", "nullable": False, "precision": 38, "scale": 0}],
                       "rows": [{"ID": number * rows + i} for i in range(rows)], "last": last}).encode()


def test_the_deduper_lets_each_seq_of_a_query_through_once():
    dedupe = EventDeduper()
    values = [event("q", "PENDING", 1), event("q", "RUNNING", 2), event("q", "RUNNING", 2),
              event("other", "PENDING", 1), event("q", "PENDING", 1), event("q", "SUCCEEDED", 3, pages=1)]
    passed = [(e.query_id, e.seq) for e in map(parse_status, values) if dedupe.first_time(e)]
    assert passed == [("q", 1), ("q", 2), ("other", 1), ("q", 3)]


def test_the_sequencer_releases_pages_in_order_and_once():
    pages = PageSequencer("q")
    released = []
    for value in [page("q", 0), page("q", 0), page("q", 2, last=True), page("other", 1), page("q", 1), page("q", 1)]:
        released += [p.page for p in pages.add(parse_page(value))]
    assert released == [0, 1, 2]
    assert pages.released == 3


def test_numbers_in_rows_stay_exact():
    value = b'{"query_id":"q","page":0,"offset":0,"columns":[],"rows":[{"N":12345678901234567890.123456789}],"last":true}'
    assert str(parse_page(value).rows[0]["N"]) == "12345678901234567890.123456789"


@pytest.mark.parametrize("value", [b"not json", b"[]", b'{"query_id":"q","status":"DONE","seq":1}',
                                   b'{"query_id":"q","status":"PENDING","seq":"1","at":"t","worker":"w","provider":"p"}',
                                   b'{"query_id":"q","status":"PENDING","seq":true,"at":"t","worker":"w","provider":"p"}', None])
def test_a_malformed_event_raises_protocol_error(value):
    with pytest.raises(ProtocolError):
        parse_status(value)


def test_the_client_dedupes_events_and_pages_repeated_on_the_topics(client, bootstrap_servers, query_id):
    """Crafted records, as a worker failover leaves them: the last event and the pages published twice."""
    producer = Producer({"bootstrap.servers": bootstrap_servers, "partitioner": "murmur2_random"})
    records = [
        (client.topics.status, event(query_id, "PENDING", 1)),
        (client.topics.status, event(query_id, "RUNNING", 2, provider_query_id="p-1")),
        (client.topics.results, page(query_id, 0)),
        (client.topics.status, event(query_id, "RUNNING", 2, provider_query_id="p-1")),
        (client.topics.results, page(query_id, 0)),
        (client.topics.results, page(query_id, 1, last=True)),
        (client.topics.results, page(query_id, 1, last=True)),
        (client.topics.status, event(query_id, "CANCELED", 3, provider_query_id="p-1", pages=2, row_count=4,
                                     error={"type": "CANCELED", "message": "stop", "retryable": False})),
        (client.topics.status, event(query_id, "CANCELED", 3, provider_query_id="p-1", pages=2, row_count=4,
                                     error={"type": "CANCELED", "message": "stop", "retryable": False})),
    ]
    for topic, value in records:
        producer.produce(topic, key=query_id.encode(), value=value)
    assert producer.flush(60) == 0

    assert [(e.status, e.seq) for e in client.events(query_id, timeout=60)] == [
        ("PENDING", 1), ("RUNNING", 2), ("CANCELED", 3)]
    pages = []
    with pytest.raises(QueryCanceled) as canceled:
        for p in client.pages(query_id, timeout=60):
            pages.append(p)
    assert [(p.page, [r["ID"] for r in p.rows]) for p in pages] == [(0, [0, 1]), (1, [2, 3])]
    assert canceled.value.error_message == "stop"
