"""How a three-node cluster's leader confirms linearizable reads, by read mode.

read_mode = "lease" (the default): once a quorum has confirmed the leader with a ReadIndex round,
the leader answers reads without another round until its lease runs out, renewing it in the
background; a membership change ends the lease. A follower's READONLY read asks the leader
for its commit index, which the leader answers from its lease too. read_mode = "readindex":
every batch of reads takes a round. INFO raft counts the rounds a node started, the reads its
lease confirmed, and of those the ones its io threads answered without the driver (a read with
nothing ahead of it on its connection, while everything committed is applied).
That the answers are right in both modes is checked elsewhere: the differential suite runs on a
cluster leader and through a follower in the default mode, the chaos suite under both."""

from __future__ import annotations

import pytest

from cluster_harness import Cluster, info_raft

READS = 200


def counters(node) -> tuple:
    info = info_raft(node)
    return int(info["raft_read_rounds"]), int(info["raft_lease_reads"])


def local_reads(node) -> int:
    return int(info_raft(node)["raft_local_reads"])


@pytest.mark.parametrize("mode", ["lease", "readindex"])
def test_one_client_reads_take_rounds_only_without_a_lease(tmp_path, mode):
    c = Cluster(tmp_path, options={"read_mode": mode}).start()
    try:
        leader = c.leader()
        client = leader.client(socket_timeout=10)
        assert client.set("k", "v") is True
        assert info_raft(leader)["raft_read_mode"] == mode
        rounds_before, leased_before = counters(leader)
        local_before = local_reads(leader)
        for _ in range(READS):
            assert client.get("k") == b"v"
        rounds_after, leased_after = counters(leader)
        rounds, leased = rounds_after - rounds_before, leased_after - leased_before
        local = local_reads(leader) - local_before
        if mode == "readindex":
            # One client sends one read per turn: each needs a round of its own.
            assert leased == 0 and local == 0
            assert rounds >= READS
        else:
            # Nothing else is in flight: the io threads answer them from applied state.
            assert local >= READS // 2, (rounds, leased, local)
            # A round confirms the leader for a lease (hundreds of milliseconds): the reads of
            # one client are almost all answered from it, with a renewal now and then.
            assert leased >= READS // 2, (rounds, leased)
            assert rounds < READS // 2, (rounds, leased)
            assert int(info_raft(leader)["raft_lease_expiry_ms"]) > 0
        # The followers confirm nothing by themselves.
        for f in c.followers(leader):
            assert counters(f) == (0, 0)
    finally:
        c.stop()


@pytest.mark.parametrize("mode", ["lease", "readindex"])
def test_follower_reads_ask_the_leader_which_answers_from_its_lease(tmp_path, mode):
    c = Cluster(tmp_path, options={"read_mode": mode}).start()
    try:
        leader = c.leader()
        assert leader.client(socket_timeout=10).set("k", "v") is True
        follower = c.followers(leader)[0]
        reader = follower.client(socket_timeout=10)
        reader.execute_command("READONLY")
        rounds_before, leased_before = counters(leader)
        follower_rounds_before, _ = counters(follower)
        for _ in range(READS):
            assert reader.get("k") == b"v"
        rounds, leased = (a - b for a, b in zip(counters(leader), (rounds_before, leased_before)))
        # The follower asks the leader once per read (one read per turn): a round of its own.
        assert counters(follower)[0] - follower_rounds_before >= READS
        if mode == "readindex":
            assert leased == 0
        else:
            # The leader answers those requests from its lease, renewing it now and then.
            assert leased >= READS // 2, (rounds, leased)
            assert rounds < READS // 2, (rounds, leased)
    finally:
        c.stop()


def test_a_membership_change_ends_the_lease(tmp_path):
    c = Cluster(tmp_path, options={"read_mode": "lease"}).start()
    try:
        leader = c.leader()
        client = leader.client(socket_timeout=10)
        assert client.set("k", "v") is True
        assert client.get("k") == b"v"  # takes the round that starts the lease
        _, leased = counters(leader)
        assert client.get("k") == b"v"
        assert counters(leader)[1] == leased + 1
        before = int(info_raft(leader)["raft_applied_index"])
        assert int(info_raft(leader)["raft_lease_index"]) <= before
        victim = c.followers(leader)[0]
        # The reply comes once the leader has applied the change, past `before`.
        assert client.execute_command("SESHAT", "MEMBER", "REMOVE", victim.node_id) == b"OK"
        # This read is confirmed by a lease that a round sent after the change started (a
        # renewal, or its own round): the old lease's round confirmed an index before it.
        assert client.get("k") == b"v"
        assert int(info_raft(leader)["raft_lease_index"]) > before
        _, leased = counters(leader)
        assert client.get("k") == b"v"
        assert counters(leader)[1] == leased + 1
    finally:
        c.stop()
