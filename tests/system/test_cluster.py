"""A three-node cluster of real processes: replication, redirects, failover, restarts.

Every wait polls a condition with a deadline. Acknowledged writes are recorded and checked
after each fault: an acknowledged write must never be lost."""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis
from redis.cluster import RedisCluster

from cluster_harness import Cluster, info_raft
from servers import SeshatProcess


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path).start()
    yield c
    c.stop()


def key_slot(key: bytes) -> int:
    """CRC16-XMODEM of the hash tag, mod 16384, as Redis Cluster computes it."""
    start = key.find(b"{")
    if start != -1:
        end = key.find(b"}", start + 1)
        if end != -1 and end != start + 1:
            key = key[start + 1:end]
    crc = 0
    for byte in key:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc % 16384


def wait_until(predicate, deadline_s: float, what: str):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    pytest.fail(f"timed out after {deadline_s}s waiting for {what}", pytrace=False)


def follower_read(node: SeshatProcess, key: bytes):
    c = node.client(socket_timeout=5)
    c.execute_command("READONLY")
    return c.execute_command("GET", key)


def read_when_ready(node: SeshatProcess, key: bytes):
    """A READONLY read, or None while the node cannot serve one yet (it just restarted and
    knows no leader: a retryable CLUSTERDOWN/TRYAGAIN)."""
    try:
        return follower_read(node, key)
    except (redis.exceptions.ClusterDownError, redis.exceptions.TryAgainError,
            redis.ConnectionError):
        return None
    except redis.ResponseError as e:
        if str(e).startswith(("CLUSTERDOWN", "TRYAGAIN")):
            return None
        raise


def test_a_write_through_the_leader_reaches_every_node(cluster):
    leader = cluster.leader()
    client = leader.client()
    for i in range(50):
        assert client.set(f"k{i}".encode(), f"v{i}".encode()) is True
    for node in cluster.nodes:
        # READONLY reads on followers are linearizable: they see every acknowledged write.
        for i in range(50):
            assert follower_read(node, f"k{i}".encode()) == f"v{i}".encode(), node.name


def test_a_follower_redirects_with_moved_to_the_leader(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    conn = follower.raw()
    reply = conn.call("SET", "foo", "bar")
    assert reply.raw == f"-MOVED {key_slot(b'foo')} 127.0.0.1:{leader.port}\r\n".encode()
    # Reads without READONLY are redirected too; keyless commands are answered locally.
    assert conn.call("GET", "foo").raw.startswith(b"-MOVED 12182 ")
    assert conn.call("PING").raw == b"+PONG\r\n"


def test_redis_py_cluster_client_and_redis_cli_follow_redirects(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    rc = RedisCluster(host="127.0.0.1", port=follower.port, socket_timeout=5)
    try:
        assert rc.set("user:1", "ada") is True
        assert rc.get("user:1") == b"ada"
        assert rc.incr("hits") == 1
    finally:
        rc.close()
    out = subprocess.run(["redis-cli", "-c", "-p", str(follower.port), "SET", "cli", "ok"],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "OK", out
    out = subprocess.run(["redis-cli", "-c", "-p", str(follower.port), "GET", "cli"],
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "ok", out


class Writer(threading.Thread):
    """Writes unique values to the leader it finds, recording what was acknowledged."""

    def __init__(self, cluster: Cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.acked = {}
        self.stop_flag = threading.Event()
        self.errors = 0

    def run(self):
        seq = 0
        while not self.stop_flag.is_set():
            for node in list(self.cluster.nodes):
                if self.stop_flag.is_set():
                    break
                if not node.alive():
                    continue
                try:
                    c = redis.Redis(host=node.host, port=node.port, socket_timeout=2)
                    key = f"w{seq}".encode()
                    if c.set(key, b"x" + key):
                        self.acked[key] = b"x" + key
                        seq += 1
                    c.close()
                except (redis.RedisError, OSError):
                    self.errors += 1


def test_leader_failure_elects_a_new_leader_quickly_and_loses_nothing(cluster):
    leader = cluster.leader()
    writer = Writer(cluster)
    writer.start()
    wait_until(lambda: len(writer.acked) >= 50, 30, "the first writes")
    leader.kill(signal.SIGKILL)
    killed_at = time.monotonic()
    survivors = cluster.live()
    new_leader = cluster.leader(among=survivors)
    # The new leader must accept writes within 2 seconds of the kill.
    c = new_leader.client(socket_timeout=2)
    wait_until(lambda: _try_set(c, b"after-failover"), 10, "a write on the new leader")
    elapsed = time.monotonic() - killed_at
    print(f"\nnew leader {new_leader.name} accepted a write {elapsed:.3f}s after the leader died")
    assert elapsed < 2.0, f"failover took {elapsed:.3f}s"
    count_before = len(writer.acked)
    wait_until(lambda: len(writer.acked) > count_before + 20, 30, "writes after failover")
    writer.stop_flag.set()
    writer.join(timeout=30)
    acked = dict(writer.acked)
    # The old leader rejoins as a follower and catches up.
    leader.start()
    final_leader = cluster.leader()
    assert final_leader is not leader or True
    for node in cluster.nodes:
        def caught_up(node=node):
            return all(read_when_ready(node, k) == v for k, v in list(acked.items())[-20:])
        wait_until(caught_up, 30, f"{node.name} to catch up")
    check = final_leader.client()
    missing = [k for k, v in acked.items() if check.get(k) != v]
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:5]}"


def _try_set(client, key, value=b"1") -> bool:
    try:
        return client.set(key, value) is True
    except (redis.RedisError, OSError):
        return False


def test_follower_failure_does_not_stop_writes(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    follower.kill(signal.SIGKILL)
    c = leader.client()
    for i in range(100):
        assert c.set(f"f{i}", i) is True
    follower.start()
    wait_until(lambda: read_when_ready(follower, b"f99") == b"99", 30, "the follower to catch up")


def crash_and_restart_all(cluster: Cluster):
    """SIGKILL every node, start them all again and wait until each serves."""
    for n in cluster.nodes:
        n.kill(signal.SIGKILL)
    for n in cluster.nodes:
        n.spawn()
    for n in cluster.nodes:
        n.start_wait()


def test_full_cluster_restart_keeps_every_acknowledged_write(cluster):
    leader = cluster.leader()
    c = leader.client()
    for i in range(200):
        assert c.set(f"r{i}", i) is True
    terms_before = {n.name: int(info_raft(n)["raft_term"]) for n in cluster.nodes}
    crash_and_restart_all(cluster)
    leader = cluster.leader()
    c = leader.client()
    assert [c.get(f"r{i}") for i in range(200)] == [str(i).encode() for i in range(200)]
    for n in cluster.nodes:
        # The hard state survived: no node went back to an older term.
        assert int(info_raft(n)["raft_term"]) >= terms_before[n.name]


def test_writes_answered_before_the_next_batch_syncs_survive_a_crash(cluster):
    """Under concurrent writes the leader finds batch N committed while batch N+1 is to be
    written: it applies and answers N first (INFO raft counts those batches). Every write it
    acknowledged that way survives all three nodes being killed, and every node starts again
    (a stored commit index behind the applied one would stop it)."""
    leader = cluster.leader()
    stop = threading.Event()
    acked = [[] for _ in range(16)]

    def writer(n: int):
        c = leader.client()
        i = 0
        while not stop.is_set() or i < 50:
            key = f"early:{n}:{i}"
            assert c.set(key, i) is True
            acked[n].append(key)
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(len(acked))]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: int(info_raft(leader)["raft_applies_before_sync"]) > 0, 30,
                   "a batch applied before the next batch's sync")
    finally:
        stop.set()
        for t in threads:
            t.join()
    crash_and_restart_all(cluster)
    c = cluster.leader().client()
    for keys in acked:
        values = c.mget(keys)
        assert values == [str(i).encode() for i in range(len(keys))]


def test_minority_node_refuses_writes_with_a_retryable_error(cluster, tmp_path):
    leader = cluster.leader()
    followers = cluster.followers(leader)
    # Isolate one follower by stopping the other two nodes: it alone is a minority.
    lonely = followers[0]
    for n in cluster.nodes:
        if n is not lonely:
            n.kill(signal.SIGKILL)
    conn = lonely.raw(timeout=20)
    # Until its election timeout passes it may still name the old leader (MOVED); after that it
    # must refuse with a retryable error, each answer coming within the request timeout, and
    # never with an OK.
    deadline = time.monotonic() + 15
    while True:
        start = time.monotonic()
        reply = conn.call("SET", "k", "v")
        assert time.monotonic() - start < 7, "a write on the minority hung"
        assert reply.is_error, reply
        if reply.raw.startswith((b"-CLUSTERDOWN", b"-TRYAGAIN")):
            break
        assert reply.raw.startswith(b"-MOVED"), reply
        assert time.monotonic() < deadline, f"still {reply.raw!r} after 15s"
        time.sleep(0.05)


def test_a_follower_behind_the_compacted_log_catches_up_through_a_snapshot(tmp_path):
    # Compact often, so that the wiped follower is far behind the start of the leader's log.
    c = Cluster(tmp_path, options={"snapshot_interval_entries": 50}).start()
    try:
        leader = c.leader()
        follower = c.followers(leader)[0]
        client = leader.client()
        for i in range(300):
            assert client.set(f"s{i}", i) is True
        assert client.set("expiring", "v", px=3_600_000) is True
        follower.kill(signal.SIGKILL)
        for i in range(300, 400):
            assert client.set(f"s{i}", i) is True
        follower.start()
        wait_until(lambda: read_when_ready(follower, b"s399") == b"399", 30,
                   "the lagging follower to catch up")
        c2 = follower.client()
        c2.execute_command("READONLY")
        assert [c2.get(f"s{i}") for i in range(400)] == [str(i).encode() for i in range(400)]
        assert 0 < c2.pttl("expiring") <= 3_600_000
        assert "installed snapshot" in follower.log_text()
    finally:
        c.stop()


def test_a_paused_leader_is_deposed_and_serves_nothing_stale(cluster):
    leader = cluster.leader()
    writer_client = leader.client(socket_timeout=10)
    assert writer_client.set("paused", "before") is True
    stale_conn = leader.raw(timeout=15)
    leader.kill(signal.SIGSTOP)
    try:
        others = cluster.followers(leader)
        new_leader = cluster.leader(among=others)
        assert new_leader is not leader
        assert new_leader.client().set("paused", "after") is True
    finally:
        leader.kill(signal.SIGCONT)
    # The old leader wakes up believing it leads: it must neither acknowledge a write nor serve
    # the old value as a linearizable read.
    reply = stale_conn.call("GET", "paused")
    assert reply.raw in (b"$5\r\nafter\r\n",) or reply.is_error, reply
    reply = stale_conn.call("SET", "paused", "stale-write")
    assert reply.is_error, reply
    assert new_leader.client().get("paused") == b"after"


def test_info_replication_speaks_redis_roles(cluster):
    leader = cluster.leader()
    # The match indexes reach the view on the next refresh: poll until both replicas show.
    def leader_lists_replicas():
        info = leader.client().info("replication")
        return info["role"] == "master" and info["connected_slaves"] == 2 and \
            {info["slave0"]["port"], info["slave1"]["port"]} == {f.port for f in cluster.followers(leader)}
    wait_until(leader_lists_replicas, 10, "the leader to list its replicas")
    for follower in cluster.followers(leader):
        info = follower.client().info("replication")
        assert info["role"] == "slave"
        assert info["master_port"] == leader.port
        assert info["master_link_status"] == "up"
    assert leader.client().set("x", "1") is True
    # INFO raft is refreshed by the driver every maintenance interval: poll for the write.
    wait_until(lambda: info_raft(leader)["raft_commit_index"] >= 2, 10, "INFO raft to show it")
    raft = info_raft(leader)
    assert raft["raft_role"] == "StateLeader"
    assert raft["raft_term"] >= 1
    assert raft["raft_applied_index"] >= 2


def test_a_wiped_follower_rejoins_through_a_snapshot(tmp_path):
    c = Cluster(tmp_path, options={"snapshot_interval_entries": 50}).start()
    try:
        leader = c.leader()
        follower = c.followers(leader)[0]
        client = leader.client()
        for i in range(300):
            assert client.set(f"w{i}", i) is True
        follower.kill(signal.SIGKILL)
        shutil.rmtree(follower.data_dir)
        for i in range(300, 350):
            assert client.set(f"w{i}", i) is True
        follower.start()
        wait_until(lambda: read_when_ready(follower, b"w349") == b"349", 30,
                   "the wiped follower to catch up")
        c2 = follower.client()
        c2.execute_command("READONLY")
        assert [c2.get(f"w{i}") for i in range(350)] == [str(i).encode() for i in range(350)]
        assert "installed snapshot" in follower.log_text()
        # And it keeps replicating afterwards.
        assert client.set("after", "yes") is True
        wait_until(lambda: read_when_ready(follower, b"after") == b"yes", 10, "new writes")
    finally:
        c.stop()


def isolate(cluster: Cluster, node: SeshatProcess, blocked: bool, how: str = "block"):
    """Cuts (or restores) every peer link of `node`, in both directions: by blocking the links,
    or by dropping every message on them (`how` = "drop")."""
    if how == "drop":
        args = ["DROP", None, 100 if blocked else 0]
    else:
        args = ["BLOCK" if blocked else "UNBLOCK", None]
    for other in cluster.nodes:
        if other is node or not other.alive():
            continue
        for src, dst in ((other, node), (node, other)):
            args[1] = dst.node_id
            assert src.client().execute_command("SESHAT", "LINK", *args) == b"OK"


def test_fault_injection_is_refused_unless_enabled(cluster):
    leader = cluster.leader()
    with pytest.raises(redis.ResponseError, match="fault injection is disabled"):
        leader.client().execute_command("SESHAT", "LINK", "BLOCK", 2)


@pytest.mark.parametrize("victim,how", [("leader", "block"), ("follower", "block"),
                                        ("leader", "drop")])
def test_two_one_partition_majority_goes_on_minority_refuses(tmp_path, victim, how):
    c = Cluster(tmp_path, options={"enable_fault_injection": "true",
                                   "request_timeout_secs": 2}).start()
    try:
        leader = c.leader()
        assert leader.client().set("before", "1") is True
        lonely = leader if victim == "leader" else c.followers(leader)[0]
        isolate(c, lonely, True, how)
        majority = [n for n in c.nodes if n is not lonely]
        new_leader = c.leader(among=majority)
        mc = new_leader.client(socket_timeout=5)
        wait_until(lambda: _try_set(mc, b"during"), 10, "a write on the majority")
        # The minority answers every write with a retryable error within the request timeout
        # (plus scheduling slack), never OK; once it knows it has no leader, at once.
        conn = lonely.raw(timeout=10)
        deadline = time.monotonic() + 15
        while True:
            start = time.monotonic()
            reply = conn.call("SET", "minority", "x")
            assert time.monotonic() - start < 4, "a write on the minority hung"
            assert reply.is_error, reply
            if reply.raw.startswith(b"-CLUSTERDOWN"):
                break
            assert reply.raw.startswith((b"-TRYAGAIN", b"-MOVED")), reply
            assert time.monotonic() < deadline, f"still {reply.raw!r}"
        isolate(c, lonely, False, how)
        wait_until(lambda: read_when_ready(lonely, b"during") == b"1", 20, "the minority to heal")
        # Nothing the minority was asked to write took effect: its uncommitted entries were
        # replaced by the majority's log when the partition healed.
        assert c.leader().client().get("minority") is None
    finally:
        c.stop()


def test_lossy_links_slow_the_cluster_but_writes_commit(tmp_path):
    c = Cluster(tmp_path, options={"enable_fault_injection": "true"}).start()
    try:
        leader = c.leader()
        lc = leader.client()
        for bad, why in (((2,), "syntax error"), ((2, 101), "from 0 to 100"),
                         ((2, "x"), "from 0 to 100"), (("x", 5), "not an integer"),
                         ((99, 5), "unknown peer")):
            with pytest.raises(redis.ResponseError, match=why):
                lc.execute_command("SESHAT", "LINK", "DROP", *bad)
        # A third of every message on every link is lost: Raft resends, so writes still commit
        # and reach every node.
        for src in c.nodes:
            for dst in c.nodes:
                if src is not dst:
                    assert src.client().execute_command("SESHAT", "LINK", "DROP",
                                                        dst.node_id, 33) == b"OK"
        for i in range(30):
            # Elections may happen under such loss: each attempt asks the current leader.
            wait_until(lambda i=i: _try_set(c.leader().client(socket_timeout=10),
                                            f"lossy{i}".encode(), str(i).encode()), 20,
                       f"write {i} over lossy links")
        for node in c.nodes:
            wait_until(lambda node=node: read_when_ready(node, b"lossy29") == b"29", 20,
                       f"{node.name} to receive every write")
        for node in c.nodes:
            assert "dropping 33% of messages" in node.log_text()
    finally:
        c.stop()


def test_the_log_is_compacted_by_bytes_too(tmp_path):
    c = Cluster(tmp_path, options={"snapshot_interval_entries": 1_000_000,
                                   "snapshot_interval_bytes": 20_000}).start()
    try:
        client = c.leader().client()
        for i in range(100):
            assert client.set(f"b{i}", b"x" * 1000) is True
        for node in c.nodes:
            wait_until(lambda node=node: "log compacted" in node.log_text(), 10,
                       f"{node.name} to compact its log by size")
    finally:
        c.stop()


def test_keyless_writes_on_a_follower_are_refused_like_on_a_replica(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    assert leader.client().set("k", "v") is True
    conn = follower.raw()
    assert conn.call("FLUSHALL").raw == b"-READONLY You can't write against a read only replica.\r\n"
    assert leader.client().get("k") == b"v"
    assert conn.call("CLUSTER", "MYSHARDID").raw.startswith(b"$40\r\n")


def test_cluster_slots_drops_a_dead_replica(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    follower.kill(signal.SIGKILL)

    def replicas_listed():
        slots = leader.client().execute_command("CLUSTER", "SLOTS")
        return len(slots[0]) - 3  # start, end, master, then one entry per replica
    wait_until(lambda: replicas_listed() == 1, 10, "the dead replica to leave CLUSTER SLOTS")


def test_hello_reports_cluster_mode_and_role(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    conn = follower.raw()
    hello = conn.call("HELLO", "3").raw
    assert b"$4\r\nmode\r\n$7\r\ncluster\r\n" in hello
    assert b"$4\r\nrole\r\n$7\r\nreplica\r\n" in hello
    assert b"$4\r\nrole\r\n$6\r\nmaster\r\n" in leader.raw().call("HELLO", "3").raw


def thread_names(node) -> list:
    names = []
    for task in (Path("/proc") / str(node.proc.pid) / "task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:
            pass  # the thread ended while we listed them
    return names


def test_threads_are_named_for_top_and_perf(cluster):
    # top -H, perf and `make profile` tell the threads apart by these names.
    cluster.leader()
    for node in cluster.nodes:
        others = [n for n in range(1, len(cluster.nodes) + 1) if cluster.node(n) is not node]
        want = {"raft-driver", "io-0", "io-1"} | {f"peer-msg-{n}" for n in others} | \
            {f"peer-snap-{n}" for n in others}
        wait_until(lambda: want <= set(thread_names(node)), 10,
                   f"{node.name}'s threads to carry their names")
