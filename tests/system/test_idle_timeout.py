"""idle_timeout_secs, Redis's `timeout`: a client that sends nothing for that long is closed
(slow or forgotten clients cannot hold connections forever), while an active one, or one waiting
in a blocking command, stays. Off (0) by default, as in Redis."""

from __future__ import annotations

import time

import pytest

from servers import SeshatProcess


@pytest.fixture
def node(tmp_path):
    n = SeshatProcess(tmp_path / "node", options={"idle_timeout_secs": 1})
    n.start()
    yield n
    n.stop_clean()


def test_an_idle_client_is_closed_and_busy_ones_stay(node):
    idle = node.raw()
    idle.send("PING")
    assert idle.read_reply().value == b"PONG"
    started = time.monotonic()
    blocked = node.raw()
    blocked.send("BLPOP", "queue", 0)
    active = node.raw()
    # The idle one is closed after about a second, not before; the one that keeps talking
    # (a PING every 0.2 s) is not closed at all.
    checked_early = False
    while time.monotonic() - started < 2.5:
        active.send("PING")
        assert active.read_reply().value == b"PONG"
        if not checked_early and time.monotonic() - started < 0.7:
            assert idle.read_until_close(timeout=0.05) == (b"", False), "closed too early"
            checked_early = True
        time.sleep(0.2)
    assert checked_early
    data, closed = idle.read_until_close(timeout=5)
    assert closed and data == b""
    # The blocked client still waits, and gets what is pushed.
    assert node.client().rpush("queue", "job") == 1
    assert [r.value for r in blocked.read_reply().value] == [b"queue", b"job"]
    assert node.client().config_get("timeout") == {"timeout": "1"}
    for c in (idle, blocked, active):
        c.close()


def test_off_by_default(tmp_path):
    n = SeshatProcess(tmp_path / "node")
    n.start()
    try:
        assert n.client().config_get("timeout") == {"timeout": "0"}
    finally:
        n.stop_clean()
