"""A multi-key write is seen whole or not at all by a concurrent multi-key read.

One client rewrites two keys with MSET (both always equal), another reads them with MGET on
its own connection at the same time; no answer may hold one new and one old value. Reads with
nothing ahead of them are answered on io threads from applied state while the driver applies
the writes (replication/local_read_gate.h): a standalone node once returned torn MGETs that
way, a few hundred in a hundred thousand. Checked on a standalone node, a cluster's leader and
a READONLY follower, and a follower in read_mode = "stale"."""

from __future__ import annotations

import threading
import time

import pytest

from cluster_harness import Cluster

SECONDS = 2.0


def torn_reads(writer_client, reader_client) -> tuple:
    """Runs MSET a i b i against MGET a b for SECONDS; returns (torn, reads, values seen)."""
    stop = threading.Event()
    failures = []

    def write():
        i = 0
        try:
            while not stop.is_set():
                writer_client.mset({"a": i, "b": i})
                i += 1
        except Exception as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    torn, reads, seen = 0, 0, set()
    deadline = time.monotonic() + SECONDS
    try:
        while time.monotonic() < deadline:
            a, b = reader_client.mget("a", "b")
            reads += 1
            torn += a != b
            seen.add(a)
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    return torn, reads, len(seen)


def check(writer_client, reader_client):
    torn, reads, values = torn_reads(writer_client, reader_client)
    assert torn == 0, f"{torn} of {reads} MGETs saw half of an MSET"
    # The reads ran beside the writes, not before or after them.
    assert values >= 20, (reads, values)


def test_standalone_node(seshat):
    check(seshat.client(), seshat.client())


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("atomicity")).start()
    yield c
    c.stop()


def test_cluster_leader(cluster):
    leader = cluster.leader()
    check(leader.client(socket_timeout=10), leader.client(socket_timeout=10))


def test_readonly_follower(cluster):
    leader = cluster.leader()
    reader = cluster.followers(leader)[0].client(socket_timeout=10)
    reader.execute_command("READONLY")
    check(leader.client(socket_timeout=10), reader)


def test_stale_follower(tmp_path):
    # read_mode = "stale": a follower answers from what it has applied, possibly late, but
    # never half of a batch.
    c = Cluster(tmp_path, options={"read_mode": "stale"}).start()
    try:
        leader = c.leader()
        reader = c.followers(leader)[0].client(socket_timeout=10)
        reader.execute_command("READONLY")
        check(leader.client(socket_timeout=10), reader)
    finally:
        c.stop()
