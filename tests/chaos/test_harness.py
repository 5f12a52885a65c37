"""The fault harness checked on its own, without Seshat: the link proxy really forwards, delays,
cuts and resets, so that a scenario that passes under a fault passed under that fault."""

from __future__ import annotations

import socket
import socketserver
import threading
import time

import pytest

from netproxy import LinkNet


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            try:
                data = self.request.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.request.sendall(data)


@pytest.fixture
def net():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    echo_port = server.server_address[1]
    # Node 1 dials; node 2 is the echo server.
    linknet = LinkNet([1, 2], {echo_port: 2, 1: 1})
    yield linknet, echo_port
    linknet.close()
    server.shutdown()
    server.server_close()


def dial(linknet: LinkNet, echo_port: int, timeout: float = 2.0) -> socket.socket:
    """Opens 1->2 through node 1's proxy as gRPC does: CONNECT, then the stream."""
    sock = socket.create_connection(("127.0.0.1", linknet.listen_ports[1]), timeout=timeout)
    sock.sendall(f"CONNECT 127.0.0.1:{echo_port} HTTP/1.1\r\nHost: 127.0.0.1:{echo_port}"
                 f"\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1024)
        if not chunk:
            raise ConnectionError("proxy closed the connection during CONNECT")
        head += chunk
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def round_trip(sock: socket.socket, payload: bytes) -> float:
    started = time.monotonic()
    sock.sendall(payload)
    got = b""
    while len(got) < len(payload):
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        got += chunk
    assert got == payload
    return time.monotonic() - started


def test_links_forward_and_count(net):
    linknet, port = net
    with dial(linknet, port) as sock:
        assert round_trip(sock, b"hello") < 0.5
    assert linknet.stats(1, 2).bytes_forwarded == 5
    assert linknet.stats(1, 2).connections == 1


def test_latency_delays_the_dialers_direction_in_order(net):
    linknet, port = net
    linknet.set_delay(1, 2, 200)
    with dial(linknet, port) as sock:
        for i in range(3):
            rtt = round_trip(sock, b"x" * (i + 1))
            assert 0.19 <= rtt < 1.0, rtt
        # Pipelined chunks keep their order and all pay the delay once.
        started = time.monotonic()
        for i in range(5):
            sock.sendall(str(i).encode())
        got = b""
        while len(got) < 5:
            got += sock.recv(100)
        assert got == b"01234"
        assert 0.19 <= time.monotonic() - started < 1.0
    linknet.set_delay(1, 2, 0)
    with dial(linknet, port) as sock:
        assert round_trip(sock, b"fast") < 0.15


def test_a_cut_swallows_bytes_and_a_restore_resets_the_held_connections(net):
    linknet, port = net
    sock = dial(linknet, port)
    assert round_trip(sock, b"before") < 0.5
    linknet.cut(1, 2)
    sock.settimeout(0.5)
    sock.sendall(b"lost")
    with pytest.raises(socket.timeout):
        sock.recv(100)
    # A new connection during the cut is accepted but never answered (a blackhole).
    held = socket.create_connection(("127.0.0.1", linknet.listen_ports[1]), timeout=0.5)
    held.sendall(f"CONNECT 127.0.0.1:{port} HTTP/1.1\r\n\r\n".encode())
    with pytest.raises(socket.timeout):
        held.recv(100)
    deadline = time.monotonic() + 2
    while linknet.stats(1, 2).bytes_discarded < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert linknet.stats(1, 2).bytes_discarded >= 4
    linknet.restore(1, 2)
    # Both connections that saw the cut are closed, so the dialer starts over cleanly.
    for s in (sock, held):
        s.settimeout(2)
        try:
            assert s.recv(100) == b""
        except ConnectionResetError:
            pass
        s.close()
    with dial(linknet, port) as fresh:
        assert round_trip(fresh, b"after") < 0.5


def test_reset_mode_refuses_connections(net):
    linknet, port = net
    linknet.cut(1, 2, mode="reset")
    with pytest.raises((ConnectionError, OSError)):
        with dial(linknet, port) as sock:
            sock.recv(10)
    linknet.restore(1, 2)
    with dial(linknet, port) as sock:
        assert round_trip(sock, b"ok") < 0.5
