"""What keeps one client from taking a node's memory or its connections: a client whose unsent
replies pass client_output_buffer_limit_mb is disconnected (Redis's client-output-buffer-limit
hard limit), and clients that send a byte now and then hold no more than
max_concurrent_client_connections connections between them."""

from __future__ import annotations

import contextlib
import time

from differential import wait_until
from servers import SeshatProcess
from test_connection import connect_when_admitted

VALUE = b"x" * 100_000


def disconnections(client) -> int:
    return client.info("stats")["client_output_buffer_limit_disconnections"]


@contextlib.contextmanager
def node_with_big_value(tmp_path, limit_mb: int):
    """A node with client_output_buffer_limit_mb = limit_mb, holding VALUE under "big"; yields
    the node and a client, stops the node on the way out."""
    node = SeshatProcess(tmp_path / "node", options={"client_output_buffer_limit_mb": limit_mb})
    node.start()
    try:
        client = node.client()
        client.set("big", VALUE)
        yield node, client
    finally:
        node.stop()


def test_a_client_that_reads_nothing_is_disconnected_at_the_output_limit(tmp_path):
    with node_with_big_value(tmp_path, 1) as (node, client):
        assert client.config_get("client-output-buffer-limit") == {
            "client-output-buffer-limit": "normal 1048576 0 0 slave 0 0 0 pubsub 0 0 0"}
        # Within the limit, a pipeline is answered whole.
        with node.raw() as reader:
            replies = reader.pipeline([("GET", "big")] * 5)
            assert [r.value for r in replies] == [VALUE] * 5
        assert disconnections(client) == 0

        hog = node.raw()
        try:
            hog.send_many([("GET", "big")] * 300)  # 30 MB of replies it never reads
            wait_until(lambda: disconnections(client) == 1, 10, "the hog to be disconnected")
            data, closed = hog.read_until_close(timeout=10)
        finally:
            hog.close()
        assert closed
        assert len(data) <= (1 << 20) + len(VALUE) + 64, len(data)
        assert "over client_output_buffer_limit_mb" in node.log_text()
        assert client.get("big") == VALUE  # everyone else is served as before
        assert client.info("clients")["connected_clients"] == 1


def test_no_limit_when_set_to_zero(tmp_path):
    with node_with_big_value(tmp_path, 0) as (node, client):
        assert client.config_get("client-output-buffer-limit")["client-output-buffer-limit"] \
            .startswith("normal 0 0 0 ")
        with node.raw() as reader:
            replies = reader.pipeline([("GET", "big")] * 300)
            assert all(r.value == VALUE for r in replies)
        assert disconnections(client) == 0


def test_slow_clients_hold_no_more_than_the_maximum_of_connections(tmp_path):
    node = SeshatProcess(tmp_path / "node", options={"max_concurrent_client_connections": 3})
    node.start()
    slow = [connect_when_admitted(node) for _ in range(3)]
    try:
        # Each sends an unfinished PING, a byte at a time (pacing, not synchronisation).
        for byte in b"*1\r\n$4\r\nPI":
            for conn in slow:
                conn.send_raw(bytes([byte]))
            time.sleep(0.05)
        with node.raw() as refused:
            data, closed = refused.read_until_close(timeout=10)
            assert (data, closed) == (b"-ERR max number of clients reached\r\n", True)
        slow[0].send_raw(b"NG\r\n")
        assert slow[0].read_reply().raw == b"+PONG\r\n"
        slow.pop().close()
        with connect_when_admitted(node) as fresh:  # the freed place is usable again
            assert fresh.call("PING").raw == b"+PONG\r\n"
    finally:
        for conn in slow:
            conn.close()
        node.stop()
