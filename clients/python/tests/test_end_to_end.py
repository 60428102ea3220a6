"""The client against a real worker (mock provider) and the embedded broker."""

from __future__ import annotations

import pytest

from queryrelay import QueryCanceled, QueryFailed, QueryTimedOut, WaitTimeout

TIMEOUT = 120.0


def test_a_query_s_events_and_pages_arrive_in_order(client, query_id):
    client.submit("/* mock: duration_ms=200 rows=2500 */ SELECT 1", query_id=query_id,
                  options={"page_rows": 1000}, tags={"suite": "pytest"})

    events = list(client.events(query_id, timeout=TIMEOUT))
    assert [(e.status, e.seq) for e in events] == [("PENDING", 1), ("RUNNING", 2), ("SUCCEEDED", 3)]
    assert events[1].provider_query_id
    done = events[-1]
    assert (done.row_count, done.pages, done.truncated) == (2500, 3, False)
    assert done.provider == "mock"

    pages = list(client.pages(query_id, timeout=TIMEOUT))
    assert [(p.page, p.offset, len(p.rows), p.last) for p in pages] == [
        (0, 0, 1000, False), (1, 1000, 1000, False), (2, 2000, 500, True)]
    names = [c.name for c in pages[0].columns]
    assert names and set(pages[0].rows[0]) == set(names)
    assert client.wait(query_id, TIMEOUT) == done


def test_a_failing_query_raises_query_failed_with_the_error_fields(client, query_id):
    client.submit("/* mock: duration_ms=50 fail=SQL:002003 */ SELECT * FROM missing", query_id=query_id)
    with pytest.raises(QueryFailed) as failed:
        client.wait(query_id, TIMEOUT)
    assert failed.value.query_id == query_id
    assert failed.value.error_type == "SQL"
    assert failed.value.code == "002003"
    assert failed.value.retryable is False
    assert failed.value.event.status == "FAILED"
    with pytest.raises(QueryFailed):
        list(client.pages(query_id, timeout=TIMEOUT))


def test_an_invalid_command_raises_query_failed_of_type_validation(client, query_id):
    client.submit("SELECT 1", query_id=query_id, options={"page_size": 10})
    with pytest.raises(QueryFailed) as failed:
        client.wait(query_id, TIMEOUT)
    assert failed.value.error_type == "VALIDATION"
    assert "page_size" in failed.value.error_message
    assert failed.value.event.seq == 1


def test_cancel_ends_a_long_query_canceled(client, query_id):
    client.submit("/* mock: duration_ms=600000 */ SELECT 1", query_id=query_id)
    running = next(e for e in client.events(query_id, timeout=TIMEOUT) if e.status == "RUNNING")
    assert running.seq == 2

    client.cancel(query_id, "not needed any more")
    with pytest.raises(QueryCanceled) as canceled:
        client.wait(query_id, TIMEOUT)
    assert canceled.value.error_type == "CANCELED"
    assert canceled.value.error_message == "not needed any more"


def test_the_query_s_own_timeout_raises_query_timed_out(client, query_id):
    client.submit("/* mock: duration_ms=600000 */ SELECT 1", query_id=query_id, options={"timeout_ms": 200})
    with pytest.raises(QueryTimedOut) as timed_out:
        client.wait(query_id, TIMEOUT)
    assert timed_out.value.error_type == "TIMEOUT"


def test_waiting_past_the_timeout_raises_wait_timeout(client, query_id):
    client.submit("/* mock: duration_ms=600000 */ SELECT 1", query_id=query_id)
    try:
        with pytest.raises(WaitTimeout) as waited:
            client.wait(query_id, 0.5)
        assert waited.value.query_id == query_id
        assert isinstance(waited.value, TimeoutError)
    finally:
        client.cancel(query_id, "test over")
    with pytest.raises(QueryCanceled):
        client.wait(query_id, TIMEOUT)
