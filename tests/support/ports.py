"""Free loopback ports for servers the tests and benchmarks start."""

from __future__ import annotations

import random
import socket
from typing import Tuple

_taken_ports: set = set()


def _ephemeral_range() -> Tuple[int, int]:
    try:
        low, high = open("/proc/sys/net/ipv4/ip_local_port_range").read().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port() -> int:
    """A free loopback port below the kernel's ephemeral range, never handed out twice by this
    process. A server that is killed and started again must bind its ports again; a port from
    the ephemeral range (what binding to 0 returns) may meanwhile have become the local end of
    one of the many client connections the tests open, and the restart would fail with
    "Address already in use"."""
    low = _ephemeral_range()[0]
    rng = random.SystemRandom()
    for _ in range(1000):
        port = rng.randrange(max(1024, low - 12000), low)
        if port in _taken_ports:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken_ports.add(port)
        return port
    raise RuntimeError("no free port below the ephemeral range")
