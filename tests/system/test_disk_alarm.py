"""A full disk is an alarm, not an outage: a node whose data directory's filesystem has less
free space than `disk_reserve_mb` raises the NOSPACE alarm through the log, and while any
member's alarm is raised every node refuses the commands that may add data (Redis's denyoom
ones) with -NOSPACE, keeps serving reads and deletes, and shows the alarm in INFO and in the
metrics; once space is back the node clears the alarm by itself. Each test mounts a small tmpfs
of its own (root only) and fills it with a ballast file."""

from __future__ import annotations

import pytest
import redis

from cluster_harness import Cluster, info_raft
from differential import wait_until
from ports import free_port
from servers import SeshatProcess
from small_fs import Unavailable, fill_filesystem, free_filesystem, mount_tmpfs, unmount
from test_metrics import scrape

RESERVE_MB = 16
FS_MB = 128
LEFT = 6 << 20  # what the ballast leaves free: below the reserve, room for what is still written


@pytest.fixture
def small_fs(tmp_path):
    mount = tmp_path / "small-fs"
    try:
        mount_tmpfs(mount, FS_MB)
    except Unavailable as exc:
        pytest.skip(f"the NOSPACE alarm tests need a small filesystem: {exc}")
    yield mount
    unmount(mount)


def refused_for_space(client: redis.Redis) -> str:
    """The error a SET gets, or "" when it succeeds."""
    try:
        client.set("probe", "x")
        return ""
    except redis.ResponseError as exc:
        return str(exc)


def alarms(node: SeshatProcess) -> str:
    return str(info_raft(node)["space_alarms"] or "")


def test_a_members_low_disk_refuses_writes_that_add_data_everywhere(tmp_path, small_fs):
    c = Cluster(tmp_path / "cluster", options={"disk_reserve_mb": RESERVE_MB,
                                               "follower_proxy": "true"})
    victim = c.node(3)
    victim.data_dir = small_fs / "data"
    metrics = {}
    for n in c.nodes:
        metrics[n.node_id] = free_port()
        n.options["metrics_addr"] = f"127.0.0.1:{metrics[n.node_id]}"
    c.start()
    try:
        leader = c.leader()
        client = leader.client()
        for i in range(200):
            client.set(f"k{i}", f"v{i}")
        client.rpush("list", "a", "b", "c")
        assert all(alarms(n) == "" for n in c.nodes)
        assert info_raft(victim)["disk_reserve_bytes"] == RESERVE_MB << 20

        fill_filesystem(small_fs, LEFT)
        wait_until(lambda: refused_for_space(client), 10, "the leader to refuse a SET")
        text = refused_for_space(client)
        assert text == ("NOSPACE free disk space is below the reserve on node 3: commands that "
                        "may add data are refused until space is freed (reads and deletes still "
                        "work)")
        wait_until(lambda: all(alarms(n) == "3" for n in c.nodes), 10,
                   "every node to have applied node 3's alarm")
        assert info_raft(victim)["disk_space_low"] == 1
        assert info_raft(victim)["disk_free_bytes"] < RESERVE_MB << 20
        assert [info_raft(n)["disk_space_low"] for n in c.nodes if n is not victim] == [0, 0]
        assert "raising the NOSPACE alarm" in victim.log_text()

        # Through a follower's proxy and in a transaction too; the whole EXEC is refused.
        follower = next(n for n in c.followers(leader) if n is not victim)
        via_follower = follower.client()
        for cmd in (("SET", "new", "1"), ("RPUSH", "list", "d"), ("INCR", "k0"),
                    ("HSET", "h", "f", "v")):
            with pytest.raises(redis.ResponseError, match="^NOSPACE"):
                via_follower.execute_command(*cmd)
        pipe = client.pipeline(transaction=True)
        pipe.get("k1")
        pipe.set("k1", "changed")
        # Refused when queued, so EXEC aborts (redis-py names the queued command's error).
        with pytest.raises(redis.ResponseError, match="SET k1 changed.*NOSPACE"):
            pipe.execute()
        # Reads, deletes, pops and expiry go on, on every path.
        assert client.get("k1") == b"v1"
        assert via_follower.get("k2") == b"v2"
        assert client.delete("k0") == 1
        assert via_follower.lpop("list") == b"a"
        assert client.expire("k3", 1000) is True
        for n in c.nodes:
            samples = scrape(metrics[n.node_id])[1]
            assert samples["seshat_space_alarms"] == 1.0, n.name
            assert samples["seshat_disk_space_low"] == (1.0 if n is victim else 0.0), n.name
        assert victim.alive()

        free_filesystem(small_fs)
        wait_until(lambda: not refused_for_space(client), 10, "writes to be taken again")
        wait_until(lambda: all(alarms(n) == "" for n in c.nodes), 10,
                   "every node to have applied the clearing")
        assert "clearing the NOSPACE alarm" in victim.log_text()
        assert via_follower.set("new", "1") is True
        # Nothing acknowledged is lost.
        assert client.mget([f"k{i}" for i in range(1, 200)]) == \
            [f"v{i}".encode() for i in range(1, 200)]
        assert client.lrange("list", 0, -1) == [b"b", b"c"]
    finally:
        c.stop()


def test_a_single_node_keeps_its_alarm_across_a_restart(tmp_path, small_fs):
    node = SeshatProcess(tmp_path / "node", data_dir=small_fs / "data",
                         options={"disk_reserve_mb": RESERVE_MB})
    node.start()
    try:
        client = node.client()
        client.set("kept", "1")
        fill_filesystem(small_fs, LEFT)
        wait_until(lambda: refused_for_space(client), 10, "the node to refuse a SET")
        assert client.get("kept") == b"1"
        assert client.delete("kept") == 1
        node.restart()
        client = node.client()
        # The alarm was applied before the restart, so it holds from the first command on.
        assert refused_for_space(client).startswith("NOSPACE")
        assert alarms(node) == "1"
        free_filesystem(small_fs)
        wait_until(lambda: not refused_for_space(client), 10, "writes to be taken again")
        assert alarms(node) == ""
    finally:
        node.stop()


def test_removing_an_alarmed_member_clears_its_alarm(tmp_path, small_fs):
    c = Cluster(tmp_path / "cluster", options={"disk_reserve_mb": RESERVE_MB})
    victim = c.node(3)
    victim.data_dir = small_fs / "data"
    c.start()
    try:
        leader = c.leader()  # node 3 itself, or another
        client = leader.client()
        fill_filesystem(small_fs, LEFT)
        wait_until(lambda: refused_for_space(client), 10, "the leader to refuse a SET")
        wait_until(lambda: all(alarms(n) == "3" for n in c.nodes), 10,
                   "every node to have applied node 3's alarm")
        victim.kill()
        leader = c.leader()
        assert refused_for_space(leader.client()).startswith("NOSPACE")  # the alarm stays
        assert leader.client().execute_command("SESHAT", "MEMBER", "REMOVE", 3) == b"OK"
        wait_until(lambda: not refused_for_space(leader.client()), 10,
                   "the removed member's alarm to be cleared")
        assert alarms(leader) == ""
    finally:
        c.stop()


def test_a_reserve_of_zero_turns_the_alarm_off_and_clears_one_raised_before(tmp_path, small_fs):
    node = SeshatProcess(tmp_path / "node", data_dir=small_fs / "data",
                         options={"disk_reserve_mb": RESERVE_MB})
    node.start()
    try:
        fill_filesystem(small_fs, LEFT)
        wait_until(lambda: refused_for_space(node.client()), 10, "the node to refuse a SET")
        node.stop()
        node.options["disk_reserve_mb"] = 0
        node.start()
        client = node.client()
        # The alarm applied before the restart is cleared by the node itself, the disk still full.
        wait_until(lambda: not refused_for_space(client), 10, "the old alarm to be cleared")
        raft = info_raft(node)
        assert (raft["disk_reserve_bytes"], raft["disk_space_low"], alarms(node)) == (0, 0, "")
        assert 0 < raft["disk_free_bytes"] < RESERVE_MB << 20  # still measured and reported
    finally:
        node.stop()


def test_the_default_reserve_is_256_mib(tmp_path):
    node = SeshatProcess(tmp_path / "node")
    node.start()
    try:
        raft = info_raft(node)
        assert raft["disk_reserve_bytes"] == 256 << 20
        # Measured on the data directory's filesystem (the test machine has more than that).
        wait_until(lambda: info_raft(node)["disk_free_bytes"] > 256 << 20, 5,
                   "the first measurement")
        assert (raft["disk_space_low"], alarms(node)) == (0, "")
    finally:
        node.stop()
