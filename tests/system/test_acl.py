"""ACL users beyond what the differential cases compare with Redis: users live in the replicated
state, so they survive restarts, reach every member (through snapshots too) and are enforced on
followers; requirepass is the default user's password; HELLO AUTH logs in as a user; CLIENT LIST
names the user; ACL DELUSER ends the deleted users' sessions; a follower takes ACL changes to
the leader with follower_proxy and refuses them without it."""

from __future__ import annotations

import time

import pytest
import redis

from cluster_harness import Cluster
from resp_client import ConnectionClosed
from servers import SeshatProcess

ALICE = ["on", ">pw", "~cache:*", "+get", "+set", "+acl|whoami", "+readonly"]


def wait_until(predicate, deadline_s: float, what: str):
    deadline = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (redis.RedisError, OSError) as e:
            last = e
        time.sleep(0.05)
    pytest.fail(f"timed out after {deadline_s}s waiting for {what} (last error: {last})",
                pytrace=False)


def logs_in(node: SeshatProcess, user: str, password: str) -> bool:
    c = node.client(socket_timeout=5)
    try:
        return c.execute_command("AUTH", user, password) is True  # redis-py's reading of +OK
    except redis.ResponseError as e:  # redis-py 4.3 raises WRONGPASS as a plain ResponseError
        if "WRONGPASS" in str(e) or isinstance(e, redis.AuthenticationError):
            return False
        raise
    finally:
        c.close()


def test_users_survive_a_restart_and_hello_auth_logs_in(tmp_path):
    node = SeshatProcess(tmp_path / "node")
    node.start()
    try:
        admin = node.client()
        assert admin.execute_command("ACL", "SETUSER", "alice", *ALICE) == b"OK"
        before = admin.execute_command("ACL", "LIST")
        node.restart()
        assert node.client().execute_command("ACL", "LIST") == before
        alice = node.client(username="alice", password="pw")
        assert alice.execute_command("ACL", "WHOAMI") == b"alice"
        assert alice.set("cache:1", "v") is True
        # redis-py turns -NOPERM into NoPermissionError, dropping the prefix.
        with pytest.raises(redis.exceptions.NoPermissionError, match="to run the 'del' command"):
            alice.delete("cache:1")
        with pytest.raises(redis.exceptions.NoPermissionError, match="one of the keys"):
            alice.get("other")
        # CLIENT LIST names the user of each connection.
        listing = node.client().execute_command("CLIENT", "LIST").decode()
        assert " user=alice " in listing and " user=default " in listing
        # HELLO 3 AUTH: logged in and switched to RESP3 in one command.
        raw = node.raw()
        raw.send("HELLO", "3", "AUTH", "alice", "wrong")
        refused = raw.read_reply()
        assert refused.kind == "-" and refused.value.startswith(b"WRONGPASS"), refused
        raw.send("HELLO", "3", "AUTH", "alice", "pw")
        assert raw.read_reply().kind == "%"
        raw.send("ACL", "WHOAMI")
        whoami = raw.read_reply()
        assert (whoami.kind, whoami.value) == ("$", b"alice")
        raw.close()
    finally:
        node.stop_clean()


def test_requirepass_is_the_default_users_password(tmp_path):
    node = SeshatProcess(tmp_path / "node", options={"requirepass": "s3cret"})
    node.start()
    try:
        with pytest.raises(redis.AuthenticationError):
            node.client().ping()
        assert node.client(password="s3cret").ping() is True
        admin = node.client(username="default", password="s3cret")
        user = admin.execute_command("ACL", "GETUSER", "default")
        assert user[user.index(b"flags") + 1] == [b"on"]
        assert len(user[user.index(b"passwords") + 1]) == 1
        # ACL SETUSER default replaces what requirepass gave it, on every restart too.
        assert admin.execute_command("ACL", "SETUSER", "default", "nopass") == b"OK"
        assert node.client().ping() is True
        node.restart()
        assert node.client().ping() is True
    finally:
        node.stop_clean()


def test_deleting_a_user_ends_its_sessions(tmp_path):
    node = SeshatProcess(tmp_path / "node")
    node.start()
    try:
        admin = node.client()
        admin.execute_command("ACL", "SETUSER", "alice", *ALICE)
        alice = node.raw()
        alice.send("AUTH", "alice", "pw")
        assert alice.read_reply().value == b"OK"
        assert admin.execute_command("ACL", "DELUSER", "alice") == 1
        # Its next command finds the connection closed, as Redis closes it at once.
        alice.send("GET", "cache:1")
        with pytest.raises(ConnectionClosed):
            alice.read_reply()
        alice.close()
        assert not logs_in(node, "alice", "pw")
    finally:
        node.stop_clean()


def test_users_reach_every_member_and_followers_enforce_them(tmp_path):
    # A small snapshot interval: the member that was down catches up through a snapshot, which
    # must carry the users.
    c = Cluster(tmp_path, options={"snapshot_interval_entries": 20})
    c.start()
    try:
        leader = c.leader()
        follower, late = c.followers(leader)
        late.stop_clean()
        admin = leader.client()
        assert admin.execute_command("ACL", "SETUSER", "alice", *ALICE) == b"OK"
        for i in range(60):
            admin.set(f"k{i}", i)
        wait_until(lambda: logs_in(follower, "alice", "pw"), 10, "alice on the follower")
        on_follower = follower.client(username="alice", password="pw")
        on_follower.execute_command("READONLY")
        assert on_follower.get("cache:1") is None
        with pytest.raises(redis.exceptions.NoPermissionError):
            on_follower.get("k1")
        # Without follower_proxy a replica refuses changes, as for FLUSHALL.
        with pytest.raises(redis.exceptions.ReadOnlyError):  # -READONLY, as redis-py reads it
            follower.client().execute_command("ACL", "SETUSER", "bob", "on")
        late.start()
        wait_until(lambda: logs_in(late, "alice", "pw"), 20, "alice on the restarted member")
        assert "installed snapshot" in late.log_text()
    finally:
        c.stop()


def test_a_follower_proxy_takes_acl_changes_to_the_leader(tmp_path):
    c = Cluster(tmp_path, options={"follower_proxy": "true"})
    c.start()
    try:
        leader = c.leader()
        follower = c.followers(leader)[0]
        via = follower.client()
        assert via.execute_command("ACL", "SETUSER", "alice", *ALICE) == b"OK"
        assert leader.client().execute_command("ACL", "USERS") == [b"alice", b"default"]
        wait_until(lambda: logs_in(follower, "alice", "pw"), 10, "alice on the follower")
        # Alice writes through the follower: checked there, then forwarded.
        alice = follower.client(username="alice", password="pw")
        assert alice.set("cache:1", "v") is True
        with pytest.raises(redis.exceptions.NoPermissionError):
            alice.set("other", "v")
        assert leader.client().get("cache:1") == b"v"
        assert via.execute_command("ACL", "DELUSER", "alice") == 1
        assert leader.client().execute_command("ACL", "USERS") == [b"default"]
    finally:
        c.stop()
