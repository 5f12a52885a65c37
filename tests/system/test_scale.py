"""Big collections: a hash, a list, a set and a sorted set of SESHAT_SCALE_MEMBERS members each
(200,000 in `make test`; `make scale` runs 1,000,000) are built, read at their ends and in the
middle, and deleted. A point operation reads only what it names: running hundreds of them over
the big collections must not grow the server's memory by anything near the collections' size,
and deleting one is a single record write (the members go later, by compaction).

Point operations are timed beside the same commands on a ten-member collection (medians of 200
calls each): the ratio, not any absolute time, must stay small. Loading the collection would
make it hundreds of times slower; measured, it is about 1."""

from __future__ import annotations

import os
import statistics
import time

import pytest

from resp_client import RespConnection
from servers import start_target

MEMBERS = int(os.environ.get("SESHAT_SCALE_MEMBERS", "200000"))
BATCH = 1000  # members per command while building
PIPELINE = 50  # commands per round trip while building


def rss_mib(server) -> float:
    with open(f"/proc/{server.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def build(conn: RespConnection, command) -> None:
    """Sends command(first, last) for every batch of members, pipelined; checks every reply."""
    batches = [command(i, min(i + BATCH, MEMBERS)) for i in range(0, MEMBERS, BATCH)]
    for start in range(0, len(batches), PIPELINE):
        for reply in conn.pipeline(batches[start:start + PIPELINE]):
            assert not reply.is_error, reply.error_text


def timed(conn: RespConnection, commands) -> float:
    """Median seconds of one command over `commands`."""
    times = []
    for args in commands:
        started = time.perf_counter()
        reply = conn.call(*args)
        times.append(time.perf_counter() - started)
        assert not reply.is_error, (args, reply.error_text)
    return statistics.median(times)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    server = start_target(tmp_path_factory.mktemp("scale"))
    conn = server.raw(timeout=120)
    started = time.monotonic()
    build(conn, lambda a, b: ["HSET", "h"] + [x for i in range(a, b) for x in (f"f{i}", f"v{i}")])
    build(conn, lambda a, b: ["RPUSH", "l"] + [f"e{i}" for i in range(a, b)])
    build(conn, lambda a, b: ["SADD", "s"] + [f"m{i}" for i in range(a, b)])
    build(conn, lambda a, b: ["ZADD", "z"] + [x for i in range(a, b) for x in (str(i), f"m{i}")])
    conn.call("HSET", "small-h", *[x for i in range(10) for x in (f"f{i}", f"v{i}")])
    conn.call("RPUSH", "small-l", *[f"e{i}" for i in range(10)])
    conn.call("SADD", "small-s", *[f"m{i}" for i in range(10)])
    conn.call("ZADD", "small-z", *[x for i in range(10) for x in (str(i), f"m{i}")])
    print(f"\nbuilt four collections of {MEMBERS} members in {time.monotonic() - started:.1f} s; "
          f"server RSS {rss_mib(server):.0f} MiB")
    yield server, conn
    conn.close()
    server.stop()


def test_sizes_and_ends(big):
    _, conn = big
    last = MEMBERS - 1
    mid = MEMBERS // 2
    assert [conn.call(*c).value for c in (("HLEN", "h"), ("LLEN", "l"), ("SCARD", "s"),
                                          ("ZCARD", "z"))] == [MEMBERS] * 4
    assert conn.call("HGET", "h", f"f{last}").value == f"v{last}".encode()
    assert conn.call("HGET", "h", "f0").value == b"v0"
    assert conn.call("LINDEX", "l", 0).value == b"e0"
    assert conn.call("LINDEX", "l", -1).value == f"e{last}".encode()
    assert conn.call("LINDEX", "l", mid).value == f"e{mid}".encode()
    assert [r.value for r in conn.call("LRANGE", "l", mid, mid + 2).value] == \
        [f"e{i}".encode() for i in range(mid, mid + 3)]
    assert conn.call("SISMEMBER", "s", f"m{last}").value == 1
    assert conn.call("ZSCORE", "z", f"m{mid}").value == str(mid).encode()
    assert [r.value for r in conn.call("ZRANGE", "z", -2, -1).value] == \
        [f"m{last - 1}".encode(), f"m{last}".encode()]
    assert [r.value for r in conn.call("ZRANGEBYSCORE", "z", mid, f"({mid + 2}").value] == \
        [f"m{mid}".encode(), f"m{mid + 1}".encode()]
    assert [r.value for r in conn.call("ZRANGE", "z", 0, 1, "REV").value] == \
        [f"m{last}".encode(), f"m{last - 1}".encode()]


def test_point_operations_do_not_load_the_collection(big):
    server, conn = big
    point = {
        "HGET": lambda i: ("HGET", "{}", f"f{i}"),
        "LINDEX": lambda i: ("LINDEX", "{}", i),
        "SISMEMBER": lambda i: ("SISMEMBER", "{}", f"m{i}"),
        "ZSCORE": lambda i: ("ZSCORE", "{}", f"m{i}"),
        "HSET": lambda i: ("HSET", "{}", f"f{i}", "changed"),
        "LSET": lambda i: ("LSET", "{}", i, "changed"),
        "ZADD": lambda i: ("ZADD", "{}", i, f"m{i}"),
    }
    keys = {"HGET": "h", "LINDEX": "l", "SISMEMBER": "s", "ZSCORE": "z", "HSET": "h",
            "LSET": "l", "ZADD": "z"}
    before = rss_mib(server)
    lines = []
    ratios = {}
    for name, make in point.items():
        def commands(key, n):
            # 200 calls spread over the members (a ten-member collection: each member 20 times)
            return [tuple(key if a == "{}" else a for a in make(i * n // 200 % n))
                    for i in range(200)]
        big_s = timed(conn, commands(keys[name], MEMBERS))
        small_s = timed(conn, commands("small-" + keys[name], 10))
        ratios[name] = big_s / small_s
        lines.append(f"{name}: {big_s * 1e6:.0f} us on {MEMBERS} members, "
                     f"{small_s * 1e6:.0f} us on 10 (x{big_s / small_s:.1f})")
    grown = rss_mib(server) - before
    print("\n" + "\n".join(lines) + f"\nRSS grew {grown:.1f} MiB over the point operations")
    slow = {name: round(r, 1) for name, r in ratios.items() if r > 10}
    assert not slow, f"point operations much slower on big collections: {slow}"
    # The smallest collection holds MEMBERS members of at least 6 bytes each: loading any of them
    # whole would take far more than this.
    assert grown < max(32.0, MEMBERS * 6 / 2**20 / 2), f"RSS grew {grown:.1f} MiB"


def test_deleting_a_big_collection_is_one_write(big):
    _, conn = big
    for key, kind in (("h", b"hash"), ("l", b"list"), ("s", b"set"), ("z", b"zset")):
        assert conn.call("TYPE", key).value == kind
        started = time.perf_counter()
        assert conn.call("DEL", key).value == 1
        big_s = time.perf_counter() - started
        started = time.perf_counter()
        assert conn.call("DEL", f"small-{key}").value == 1
        small_s = time.perf_counter() - started
        print(f"DEL of a {kind.decode()} of {MEMBERS}: {big_s * 1e3:.2f} ms, of 10: "
              f"{small_s * 1e3:.2f} ms")
        assert conn.call("EXISTS", key).value == 0
    # A collection created again under the same name starts empty.
    assert conn.call("SADD", "s", "fresh").value == 1
    assert conn.call("SCARD", "s").value == 1
    assert conn.call("RPUSH", "l", "x").value == 1
    assert conn.call("DBSIZE").value == 2
