"""Collections on a three-node cluster: what the leader applies, every follower applies the
same, including SPOP's random choice (drawn from the log position, not from each node's
randomness)."""

from __future__ import annotations


import pytest

from cluster_harness import Cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("collections-cluster")).start()
    yield c
    c.stop()


def follower_view(node, *args):
    """A linearizable read on a follower (READONLY)."""
    with node.raw() as conn:
        assert conn.call("READONLY").raw == b"+OK\r\n"
        return conn.call(*args)


def test_spop_removes_the_same_members_on_every_replica(cluster):
    leader = cluster.leader()
    with leader.raw() as conn:
        assert conn.call("DEL", "pool").value in (0, 1)
        assert conn.call("SADD", "pool", *[f"m{i}" for i in range(200)]).value == 200
        popped = set()
        for _ in range(5):
            reply = conn.call("SPOP", "pool", 7)
            popped |= {r.value for r in reply.value}
        single = conn.call("SPOP", "pool").value
        popped.add(single)
        assert len(popped) == 36
        remaining = sorted(r.value for r in conn.call("SMEMBERS", "pool").value)
    assert len(remaining) == 164 and not popped & set(remaining)
    for follower in cluster.followers(leader):
        got = sorted(r.value for r in follower_view(follower, "SMEMBERS", "pool").value)
        assert got == remaining, f"{follower.name} applied SPOP differently"


def test_hashes_and_lists_replicate(cluster):
    leader = cluster.leader()
    with leader.raw() as conn:
        conn.call("DEL", "profile", "queue")
        assert conn.call("HSET", "profile", "name", "ada", "lang", "c++").value == 2
        assert conn.call("RPUSH", "queue", "a", "b", "c").value == 3
        assert conn.call("LMOVE", "queue", "queue", "LEFT", "RIGHT").value == b"a"
    for follower in cluster.followers(leader):
        hash_ = follower_view(follower, "HGETALL", "profile").value
        pairs = dict(zip([r.value for r in hash_[0::2]], [r.value for r in hash_[1::2]]))
        assert pairs == {b"name": b"ada", b"lang": b"c++"}
        assert [r.value for r in follower_view(follower, "LRANGE", "queue", 0, -1).value] == \
            [b"b", b"c", b"a"]


def test_sorted_sets_replicate_with_their_order(cluster):
    leader = cluster.leader()
    with leader.raw() as conn:
        conn.call("DEL", "board")
        assert conn.call("ZADD", "board", 30, "carol", 10, "alice", 20, "bob").value == 3
        assert conn.call("ZINCRBY", "board", 25, "alice").value == b"35"
        want = [r.value for r in conn.call("ZRANGE", "board", 0, -1, "WITHSCORES").value]
    assert want == [b"bob", b"20", b"carol", b"30", b"alice", b"35"]
    for follower in cluster.followers(leader):
        got = follower_view(follower, "ZRANGE", "board", 0, -1, "WITHSCORES").value
        assert [r.value for r in got] == want

