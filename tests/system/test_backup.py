"""Backups and restores: SESHAT BACKUP <name> writes a node's state, as of one applied index, to
one file while writes go on; a new cluster started with restore_from holds exactly that state
(strings, collections, expiry times, ACL users) and nothing written after the backup."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import redis

from cluster_harness import Cluster
from servers import SeshatProcess


def backup(node: SeshatProcess, name: str) -> dict:
    reply = node.client(socket_timeout=60).execute_command("SESHAT", "BACKUP", name)
    fields = dict(zip(reply[0::2], reply[1::2]))
    return {k.decode(): (v.decode() if isinstance(v, bytes) else v) for k, v in fields.items()}


def fill(client: redis.Redis) -> None:
    for i in range(300):
        client.set(f"k{i}", f"v{i}")
    client.hset("hash", mapping={f"f{i}": i for i in range(50)})
    client.rpush("list", *range(40))
    client.sadd("set", *range(30))
    client.zadd("zset", {f"m{i}": i for i in range(20)})
    client.set("ttl", "x", ex=1000)
    client.execute_command("ACL", "SETUSER", "app", "on", ">pw", "~k*", "+get")


def check_filled(client: redis.Redis) -> None:
    assert client.mget([f"k{i}" for i in range(300)]) == [f"v{i}".encode() for i in range(300)]
    assert client.hgetall("hash") == {f"f{i}".encode(): str(i).encode() for i in range(50)}
    assert client.lrange("list", 0, -1) == [str(i).encode() for i in range(40)]
    assert client.smembers("set") == {str(i).encode() for i in range(30)}
    assert client.zrange("zset", 0, -1, withscores=True) == [(f"m{i}".encode(), float(i))
                                                              for i in range(20)]
    assert 900 < client.ttl("ttl") <= 1000
    assert client.execute_command("ACL", "USERS") == [b"app", b"default"]


def restored_node(tmp_path: Path, name: str, source: Path, **options) -> SeshatProcess:
    return SeshatProcess(tmp_path / name, name=name,
                         options=dict(options, restore_from=str(source)))


def test_a_backup_taken_during_writes_restores_exactly(tmp_path):
    c = Cluster(tmp_path / "old")
    c.start()
    writer_done = threading.Event()
    acked = []  # counter values the old cluster acknowledged, in order
    try:
        leader = c.leader()
        client = leader.client()
        fill(client)

        def write_counter():
            w = leader.client()
            while not writer_done.is_set():
                acked.append(w.incr("counter"))

        writer = threading.Thread(target=write_counter)
        writer.start()
        while len(acked) < 50:
            time.sleep(0.01)
        before = acked[-1]
        info = backup(leader, "during-writes")
        after = acked[-1]
        writer_done.set()
        writer.join()
        assert info["keys"] == 306  # 300 strings, 4 collections, ttl and counter
        path = Path(info["path"])
        assert path.parent == Path(leader.data_dir) / "backups" and path.is_file()
        assert info["bytes"] == path.stat().st_size
        client.set("written-after", "1")
        client.execute_command("ACL", "SETUSER", "late", "on")
    finally:
        writer_done.set()
        c.stop()

    node = restored_node(tmp_path, "restored", path)
    node.start()
    try:
        r = node.client()
        check_filled(r)
        assert r.get("written-after") is None
        # The counter as it was at the backup's index: between the values acknowledged just
        # before the backup started and just after it answered.
        counter = int(r.get("counter"))
        assert before <= counter <= after
        assert r.dbsize() == info["keys"]
        assert node.client(username="app", password="pw").get("k1") == b"v1"
        assert "restored 306 keys" in node.log_text()
        # It is a cluster of its own now: writes go on from there.
        assert r.incr("counter") == counter + 1
        # A restart does not restore again.
        node.restart()
        assert int(node.client().get("counter")) == counter + 1
        assert "restore_from" in node.log_text() and "ignored" in node.log_text()
    finally:
        node.stop_clean()


def test_every_founding_member_restores_the_same_file(tmp_path):
    source = SeshatProcess(tmp_path / "source")
    source.start()
    try:
        fill(source.client())
        info = backup(source, "for-three")
    finally:
        source.stop_clean()
    c = Cluster(tmp_path / "new", options={"restore_from": info["path"]})
    c.start()
    try:
        leader = c.leader()
        check_filled(leader.client())
        assert leader.client().set("new", "write") is True
        for follower in c.followers(leader):
            f = follower.client()
            f.execute_command("READONLY")
            deadline = time.monotonic() + 10
            while f.get("new") != b"write" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert f.get("new") == b"write"
            assert f.get("k299") == b"v299"
    finally:
        c.stop()


def test_backup_and_restore_errors(tmp_path):
    node = SeshatProcess(tmp_path / "node", options={"backup_dir": str(tmp_path / "elsewhere")})
    node.start()
    try:
        client = node.client()
        client.set("k", "v")
        info = backup(node, "one")
        assert Path(info["path"]) == tmp_path / "elsewhere" / "one"
        for bad, message in [("../escape", "file name"), ("a/b", "file name"),
                             ("one", "already exists")]:
            with pytest.raises(redis.ResponseError, match=message):
                client.execute_command("SESHAT", "BACKUP", bad)
        with pytest.raises(redis.ResponseError, match="syntax"):
            client.execute_command("SESHAT", "BACKUP")
    finally:
        node.stop_clean()
    # A damaged file is refused before anything is written.
    damaged = tmp_path / "damaged"
    data = bytearray((tmp_path / "elsewhere" / "one").read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    for name, source, expected in [("bad", damaged, "checksum"),
                                   ("missing", tmp_path / "nope", "cannot read")]:
        broken = restored_node(tmp_path, name, source)
        broken.spawn()
        assert broken.wait_exit(30) != 0
        assert expected in broken.log_text(), broken.log_tail()
        # Nothing was recorded: the same directory restores once given a good file.
    fixed = restored_node(tmp_path, "bad", tmp_path / "elsewhere" / "one")
    fixed.start()
    try:
        assert fixed.client().get("k") == b"v"
    finally:
        fixed.stop_clean()
