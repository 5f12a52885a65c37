"""Commands on one connection take effect in the order they were sent, pipelined or not.

Random pipelines of reads and writes on a few keys (plain commands and MULTI blocks) go to a
Seshat node in one write each, and the same pipeline goes to a Debian redis-server, the
sequential model: every reply must match byte for byte. It runs on every path a command can
take: a standalone node (a Raft group of one), a one-node group configured as a cluster, a
three-node cluster's leader, and a follower with follower_proxy (forwarding everything, and
with READONLY serving reads itself while forwarding writes).

A failing case prints its seed and the pipeline; SESHAT_TEST_SEED replays it."""

from __future__ import annotations

import os
import random
from typing import List, Sequence

import pytest

from cluster_harness import Cluster
from resp_client import RespConnection, describe
from servers import SeshatProcess

PIPELINES = 40
KEYS = [b"{o}a", b"{o}b", b"{o}c"]


def random_command(rng: random.Random, keyless_writes: bool) -> List[bytes]:
    k = rng.choice(KEYS)
    v = rng.choice([b"1", b"7", b"x", b"-2", b"10"])
    choices = [
        [b"SET", k, v], [b"GET", k], [b"DEL", k], [b"INCR", k], [b"APPEND", k, v],
        [b"MGET"] + rng.sample(KEYS, 2), [b"EXISTS"] + rng.sample(KEYS, 2), [b"STRLEN", k],
        [b"SETNX", k, v], [b"GETDEL", k], [b"MSET", k, v, rng.choice(KEYS), v], [b"DBSIZE"],
    ]
    if keyless_writes:
        choices.append([b"FLUSHDB"])
    return rng.choice(choices)


def random_pipeline(rng: random.Random, keyless_writes: bool) -> List[List[bytes]]:
    commands: List[List[bytes]] = []
    for _ in range(rng.randint(2, 30)):
        if rng.random() < 0.1:
            commands.append([b"MULTI"])
            for _ in range(rng.randint(1, 4)):
                commands.append(random_command(rng, keyless_writes))
            commands.append([b"EXEC"])
        else:
            commands.append(random_command(rng, keyless_writes))
    return commands


def pipelined(conn: RespConnection, commands: Sequence[Sequence[bytes]]):
    """Sends every command in one write, then reads all the replies."""
    conn.send_many(commands)
    return [conn.read_reply() for _ in commands]


def check_ordering(target: RespConnection, reset: RespConnection, model: RespConnection,
                   keyless_writes: bool, label: str) -> None:
    seed = int(os.environ.get("SESHAT_TEST_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    for n in range(PIPELINES):
        for conn in (reset, model):
            assert conn.call(b"FLUSHALL").value == b"OK"
        commands = random_pipeline(rng, keyless_writes)
        want = pipelined(model, commands)
        got = pipelined(target, commands)
        for i, (w, g) in enumerate(zip(want, got)):
            if w != g:
                shown = "\n".join(f"  {'>' if j == i else ' '} {b' '.join(c).decode()}"
                                  for j, c in enumerate(commands))
                pytest.fail(f"{label}: pipeline {n} (SESHAT_TEST_SEED={seed}), command {i}: "
                            f"redis {describe(w)}, seshat {describe(g)}\n{shown}",
                            pytrace=False)


@pytest.fixture
def model(redis_ref):
    with RespConnection(redis_ref.host, redis_ref.port) as conn:
        yield conn


def test_pipelines_keep_their_order_on_a_standalone_node(seshat, model):
    with seshat.raw() as conn:
        check_ordering(conn, conn, model, keyless_writes=True, label="standalone")


def test_pipelines_keep_their_order_on_a_one_node_cluster(tmp_path, model):
    node = SeshatProcess(tmp_path / "one", name="one")
    node.options["initial_members"] = f"1={node.host}:{node.internal_port}@{node.host}:{node.port}"
    node.start()
    try:
        with node.raw() as conn:
            check_ordering(conn, conn, model, keyless_writes=True, label="one-node group")
    finally:
        assert node.stop() == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("ordering"), options={"follower_proxy": "true"}).start()
    yield c
    c.stop()


def test_pipelines_keep_their_order_on_a_cluster_leader(cluster, model):
    leader = cluster.leader()
    with leader.raw() as conn:
        check_ordering(conn, conn, model, keyless_writes=True, label="leader")


@pytest.mark.parametrize("readonly", [False, True], ids=["forwarded", "readonly"])
def test_pipelines_keep_their_order_through_a_follower(cluster, model, readonly):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    with follower.raw() as conn, leader.raw() as reset:
        if readonly:
            # Reads are served by the follower, writes forwarded to the leader: the two must
            # still take effect in the connection's order.
            assert conn.call(b"READONLY").value == b"OK"
        check_ordering(conn, reset, model, keyless_writes=False,
                       label="follower" + (" READONLY" if readonly else ""))
