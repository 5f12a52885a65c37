"""Membership changes at run time, with real processes: a fourth node joins a running cluster
that holds data (bootstrap = false, join_addr), catches up, becomes a voter, is listed
everywhere and restarts without join_addr; a follower and then the leader are removed with
SESHAT MEMBER REMOVE while writes go on; a node that claims an id in use is refused.

Every wait polls a condition with a deadline."""

from __future__ import annotations

import time
from typing import Dict, List

import pytest
import redis

from cluster_harness import Cluster, info_raft
from servers import SeshatProcess

FAST = {"heartbeat_interval_ms": 50, "election_timeout_min_ms": 300,
        "election_timeout_max_ms": 600}


def wait_until(predicate, deadline_s: float, what: str, logs=()):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (redis.RedisError, OSError):
            pass
        time.sleep(0.05)
    pytest.fail(f"timed out after {deadline_s}s waiting for {what}\n" +
                "\n".join(n.log_tail(20) for n in logs), pytrace=False)


def members(node: SeshatProcess) -> Dict[int, Dict[str, object]]:
    """SESHAT MEMBERS as {id: {field: value}} (RESP2: each member is a flat array)."""
    out = {}
    for flat in node.client(socket_timeout=5).execute_command("SESHAT", "MEMBERS"):
        fields = {flat[i].decode(): flat[i + 1] for i in range(0, len(flat), 2)}
        for k, v in fields.items():
            if isinstance(v, bytes):
                fields[k] = v.decode()
        out[int(fields["id"])] = fields
    return out


def cluster_nodes_ports(node: SeshatProcess) -> List[int]:
    text = node.client(socket_timeout=5).execute_command("CLUSTER", "NODES").decode()
    return sorted(int(line.split()[1].split("@")[0].rsplit(":", 1)[1])
                  for line in text.strip().splitlines())


def readonly_get(node: SeshatProcess, key: str):
    c = node.client(socket_timeout=5)
    c.execute_command("READONLY")
    try:
        return c.get(key)
    except redis.ResponseError as e:
        if str(e).startswith(("CLUSTERDOWN", "TRYAGAIN", "MOVED")):
            return None
        raise


def joiner(cluster: Cluster, tmp_path, node_id: int, through: SeshatProcess,
           **options) -> SeshatProcess:
    opts = dict(FAST)
    opts.update({"bootstrap": "false", "join_addr": f"{through.host}:{through.internal_port}"})
    opts.update(options)
    # Its own directory: the cluster's nodes live in tmp_path/nodeN.
    return SeshatProcess(tmp_path / f"joiner{node_id}", name=f"joiner{node_id}",
                         node_id=node_id, options=opts)


def write_through_leader(cluster: Cluster, among, key: str, value: str, deadline_s: float = 15):
    """SET on whichever node leads, retrying over leader changes."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            leader = cluster.leader(among=among, deadline_s=max(1.0, deadline - time.monotonic()))
            if leader.client(socket_timeout=5).set(key, value) is True:
                return leader
        except (redis.RedisError, OSError):
            pass
        time.sleep(0.05)
    pytest.fail(f"could not write {key} within {deadline_s}s", pytrace=False)


def test_a_fourth_node_joins_catches_up_becomes_a_voter_and_restarts_alone(tmp_path):
    # A small snapshot interval: the leader's log is compacted, so the newcomer catches up
    # through a snapshot, which must also teach it every member's address.
    c = Cluster(tmp_path, options=dict(FAST, snapshot_interval_entries=40)).start()
    node4 = None
    try:
        leader = c.leader()
        client = leader.client()
        for i in range(150):
            assert client.set(f"k{i}", i) is True
        # Join through a follower: it names the leader, and the joiner asks there.
        follower = c.followers(leader)[0]
        node4 = joiner(c, tmp_path, 4, follower).start()
        everyone = c.nodes + [node4]
        wait_until(lambda: readonly_get(node4, "k149") == b"149", 20, "node 4 to catch up",
                   logs=[node4, leader])
        log = node4.log_text()
        assert "is not the leader" in log or follower is leader
        assert "installed snapshot" in log
        # Promoted once caught up, and known as a voter with its addresses by every member.
        wait_until(lambda: all(members(n).get(4, {}).get("role") == "voter" for n in everyone),
                   15, "every node to list node 4 as a voter", logs=everyone)
        for n in everyone:
            m = members(n)
            assert sorted(m) == [1, 2, 3, 4]
            assert m[4]["internal_addr"] == f"127.0.0.1:{node4.internal_port}"
            assert m[4]["client_addr"] == f"127.0.0.1:{node4.port}"
            assert cluster_nodes_ports(n) == sorted(x.port for x in everyone)
            raft = info_raft(n)
            assert raft["raft_members"] == 4
            assert raft["raft_member_4"]["role"] == "voter"
        # It takes part in replication: a write is acknowledged and readable on it.
        assert client.set("after-join", "yes") is True
        wait_until(lambda: readonly_get(node4, "after-join") == b"yes", 10, "new writes on node 4")
        # Every value arrived.
        c4 = node4.client()
        c4.execute_command("READONLY")
        assert [c4.get(f"k{i}") for i in range(150)] == [str(i).encode() for i in range(150)]

        # A restart needs no join_addr: the data directory knows its cluster and members.
        node4.stop_clean()
        del node4.options["join_addr"]
        assert client.set("while-down", "1") is True
        node4.start()
        wait_until(lambda: readonly_get(node4, "while-down") == b"1", 15,
                   "node 4 to resume after a restart", logs=[node4])
        assert sorted(members(node4)) == [1, 2, 3, 4]
    finally:
        if node4 is not None and node4.alive():
            node4.stop()
        c.stop()


def test_a_node_with_an_id_in_use_is_refused_with_a_clear_error(tmp_path):
    c = Cluster(tmp_path, options=FAST).start()
    try:
        leader = c.leader()
        impostor = joiner(c, tmp_path, 2, leader)
        impostor.spawn()
        code = impostor.wait_exit(20)
        assert code != 0
        log = impostor.log_text()
        assert "node id 2 is already a member with internal address" in log, log
        assert sorted(members(leader)) == [1, 2, 3]
        assert leader.client().set("still", "fine") is True
    finally:
        c.stop()


def test_remove_a_follower_then_the_leader_while_writes_go_on(tmp_path):
    c = Cluster(tmp_path, size=4, options=FAST).start()
    try:
        leader = c.leader()
        client = leader.client()
        assert client.set("before", "1") is True
        followers = c.followers(leader)
        victim, asked = followers[0], followers[1]
        # Asked on another follower: it hands the change to the leader.
        assert asked.client().execute_command("SESHAT", "MEMBER", "REMOVE", victim.node_id) == b"OK"
        rest = [n for n in c.nodes if n is not victim]
        wait_until(lambda: all(victim.node_id not in members(n) for n in rest), 10,
                   "the others to forget the removed follower", logs=rest)
        for n in rest:
            assert victim.port not in cluster_nodes_ports(n)
            assert f"raft_member_{victim.node_id}" not in info_raft(n)
            assert info_raft(n)["raft_members"] == 3
        # Writes go on, and the removed node gets no more of them.
        wait_until(lambda: "this node was removed" in victim.log_text(), 10,
                   "the removed node to learn of its removal", logs=[victim])
        before = info_raft(victim)["raft_commit_index"]
        for i in range(20):
            assert client.set(f"after-removal-{i}", i) is True
        time.sleep(0.5)
        assert info_raft(victim)["raft_commit_index"] == before
        assert readonly_get(asked, "after-removal-19") == b"19"
        # Removing it again is a clear error.
        with pytest.raises(redis.ResponseError, match="is not a member"):
            client.execute_command("SESHAT", "MEMBER", "REMOVE", victim.node_id)

        # Now the leader itself: it hands leadership over, then leaves.
        old = leader
        assert old.client().execute_command("SESHAT", "MEMBER", "REMOVE", old.node_id) == b"OK"
        survivors = [n for n in rest if n is not old]
        new_leader = write_through_leader(c, survivors, "after-leader-removal", "yes")
        assert new_leader is not old
        wait_until(lambda: all(sorted(members(n)) == sorted(x.node_id for x in survivors)
                               for n in survivors), 10, "the survivors to drop the old leader",
                   logs=survivors)
        for n in survivors:
            assert old.port not in cluster_nodes_ports(n)
        for i in range(20):
            assert new_leader.client().set(f"two-voters-{i}", i) is True
        other = [n for n in survivors if n is not new_leader][0]
        wait_until(lambda: readonly_get(other, "two-voters-19") == b"19", 10,
                   "the other survivor to replicate")
    finally:
        c.stop()
