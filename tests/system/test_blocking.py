"""BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN, BZPOPMAX: a blocked client is woken by a write,
oldest first; its timeout is its own; commands behind it wait; inside MULTI nothing blocks.

The single-node tests run the same script on Seshat and on Debian's redis-server and expect the
same bytes. The cluster tests block on a leader, through a follower's proxy, and across a
leader change. Every wait polls a condition (INFO blocked_clients) with a deadline."""

from __future__ import annotations

import signal
import time

import pytest

from cluster_harness import Cluster
from info import info
from resp_client import RespConnection

DEADLINE_S = 15


def blocked_clients(server) -> int:
    fields = info(server.host, server.port, "clients")
    assert fields is not None and "blocked_clients" in fields, f"INFO clients: {fields}"
    return int(fields["blocked_clients"])


def wait_blocked(server, n: int) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while blocked_clients(server) != n:
        assert time.monotonic() < deadline, f"blocked_clients never reached {n}"
        time.sleep(0.01)


def block(server, *command) -> RespConnection:
    """A connection that sent a blocking command; returns once the server counts it blocked."""
    already = blocked_clients(server)
    conn = server.raw()
    conn.send(*command)
    wait_blocked(server, already + 1)
    return conn


@pytest.fixture(params=["seshat", "redis"])
def server(request, shared_seshat, redis_ref):
    target = shared_seshat if request.param == "seshat" else redis_ref
    with target.raw() as conn:
        conn.call("FLUSHALL")
    wait_blocked(target, 0)
    return target


def test_a_push_wakes_a_blocked_blpop(server):
    waiter = block(server, "BLPOP", "q1", "q2", 0)
    with server.raw() as conn:
        assert conn.call("RPUSH", "q2", "x", "y").value == 2
    assert waiter.read_reply().raw == b"*2\r\n$2\r\nq2\r\n$1\r\nx\r\n"
    waiter.close()
    with server.raw() as conn:
        assert conn.call("LRANGE", "q2", 0, -1).raw == b"*1\r\n$1\r\ny\r\n"


def test_blocked_clients_are_served_oldest_first(server):
    first = block(server, "BRPOP", "q", 0)
    second = block(server, "BRPOP", "q", 0)
    with server.raw() as conn:
        conn.call("RPUSH", "q", "one")
        assert first.read_reply().raw == b"*2\r\n$1\r\nq\r\n$3\r\none\r\n"
        wait_blocked(server, 1)  # the second still waits
        conn.call("RPUSH", "q", "two")
        assert second.read_reply().raw == b"*2\r\n$1\r\nq\r\n$3\r\ntwo\r\n"
    first.close()
    second.close()


def test_one_push_of_many_elements_serves_as_many_clients(server):
    waiters = [block(server, "BLPOP", "jobs", 0) for _ in range(3)]
    with server.raw() as conn:
        assert conn.call("RPUSH", "jobs", "a", "b", "c", "d").value == 4
    got = [w.read_reply().value[1].value for w in waiters]
    assert got == [b"a", b"b", b"c"]
    with server.raw() as conn:
        assert conn.call("LRANGE", "jobs", 0, -1).raw == b"*1\r\n$1\r\nd\r\n"
    for w in waiters:
        w.close()


def test_sorted_sets_and_moves_wake_their_waiters(server):
    zpop = block(server, "BZPOPMAX", "z", 0)
    move = block(server, "BLMOVE", "src", "dst", "RIGHT", "LEFT", 0)
    with server.raw() as conn:
        conn.call("ZADD", "z", 1, "low", 2, "high")
        conn.call("RPUSH", "src", "e1", "e2")
        assert zpop.read_reply().raw == b"*3\r\n$1\r\nz\r\n$4\r\nhigh\r\n$1\r\n2\r\n"
        assert move.read_reply().raw == b"$2\r\ne2\r\n"
        assert conn.call("LRANGE", "dst", 0, -1).raw == b"*1\r\n$2\r\ne2\r\n"
    zpop.close()
    move.close()


def test_the_timeout_answers_null_in_each_protocol(server):
    with server.raw() as conn:
        started = time.monotonic()
        assert conn.call("BLPOP", "empty", 0.05).raw == b"*-1\r\n"
        assert time.monotonic() - started >= 0.05
        # Redis answers every timeout with a null array, BLMOVE's and BRPOPLPUSH's too.
        assert conn.call("BRPOPLPUSH", "empty", "d", 0.01).raw == b"*-1\r\n"
        assert conn.call("BZPOPMIN", "empty", 0.01).raw == b"*-1\r\n"
        conn.call("HELLO", 3)
        assert conn.call("BLMOVE", "empty", "d", "LEFT", "LEFT", 0.01).raw == b"_\r\n"
        assert conn.call("BRPOP", "empty", 0.01).raw == b"_\r\n"
        conn.call("ZADD", "z", 1.5, "m")
        assert conn.call("BZPOPMIN", "z", 0).raw == b"*3\r\n$1\r\nz\r\n$1\r\nm\r\n,1.5\r\n"


def test_commands_behind_a_blocked_one_wait_for_it(server):
    waiter = server.raw()
    waiter.send_many([("BLPOP", "late", 0), ("LPUSH", "late", "mine"), ("LLEN", "late")])
    wait_blocked(server, 1)
    with server.raw() as conn:
        conn.call("LPUSH", "late", "theirs")
    # Its own LPUSH ran only after the BLPOP was served, so the BLPOP took the other's element.
    assert [r.raw for r in (waiter.read_reply(), waiter.read_reply(), waiter.read_reply())] == \
        [b"*2\r\n$4\r\nlate\r\n$6\r\ntheirs\r\n", b":1\r\n", b":1\r\n"]
    waiter.close()


def test_inside_multi_nothing_blocks(server):
    with server.raw() as conn:
        conn.call("RPUSH", "full", "v")
        replies = conn.pipeline([("MULTI",), ("BLPOP", "empty", 0), ("BLPOP", "full", 0),
                                 ("BLMOVE", "empty", "d", "LEFT", "LEFT", 0),
                                 ("BZPOPMIN", "empty", 0), ("EXEC",)])
        assert replies[-1].raw == b"*4\r\n*-1\r\n*2\r\n$4\r\nfull\r\n$1\r\nv\r\n$-1\r\n*-1\r\n"


def test_a_client_that_leaves_takes_nothing(server):
    waiter = block(server, "BLPOP", "kept", 0)
    waiter.close()
    wait_blocked(server, 0)
    with server.raw() as conn:
        conn.call("RPUSH", "kept", "v")
        assert conn.call("LRANGE", "kept", 0, -1).raw == b"*1\r\n$1\r\nv\r\n"


def test_client_list_flags_a_blocked_client(server):
    waiter = block(server, "BZPOPMIN", "nothing", 0)
    with server.raw() as conn:
        listing = conn.call("CLIENT", "LIST").value.decode()
    assert any(" flags=b " in line and "cmd=bzpopmin" in line for line in listing.splitlines())
    waiter.close()


# ---- a three-node cluster ----

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("blocking-cluster"),
                options={"follower_proxy": "true"}).start()
    yield c
    c.stop()


def test_a_push_on_the_leader_wakes_a_client_blocked_on_the_leader(cluster):
    leader = cluster.leader()
    waiter = block(leader, "BLPOP", "lq", 0)
    with leader.raw() as conn:
        conn.call("RPUSH", "lq", "v")
    assert waiter.read_reply().raw == b"*2\r\n$2\r\nlq\r\n$1\r\nv\r\n"
    waiter.close()


def test_a_client_blocked_through_the_follower_proxy_is_woken(cluster):
    leader = cluster.leader()
    follower = cluster.followers(leader)[0]
    waiter = block(follower, "BZPOPMIN", "fz", 0)
    second = block(follower, "BLMOVE", "fq", "fd", "LEFT", "RIGHT", 0)
    with leader.raw() as conn:
        conn.call("ZADD", "fz", 7, "m")
        conn.call("RPUSH", "fq", "a")
    assert waiter.read_reply().raw == b"*3\r\n$2\r\nfz\r\n$1\r\nm\r\n$1\r\n7\r\n"
    assert second.read_reply().raw == b"$1\r\na\r\n"
    with leader.raw() as conn:
        assert conn.call("ZCARD", "fz").value == 0
        assert conn.call("LRANGE", "fd", 0, -1).raw == b"*1\r\n$1\r\na\r\n"
    waiter.close()
    second.close()


def test_a_leader_change_answers_a_retryable_error(cluster):
    leader = cluster.leader()
    waiter = block(leader, "BRPOP", "orphan", 0)
    followers = cluster.followers(leader)
    for f in followers:
        f.kill(signal.SIGSTOP)
    try:
        # CheckQuorum: without its followers the leader steps down, and the client hears of it.
        reply = waiter.read_reply()
        assert reply.raw.startswith(b"-TRYAGAIN"), reply.raw
    finally:
        for f in followers:
            f.kill(signal.SIGCONT)
    waiter.close()
    # Nothing was lost: the next push is there for the next client.
    new_leader = cluster.leader()
    with new_leader.raw() as conn:
        conn.call("RPUSH", "orphan", "v")
        assert conn.call("BRPOP", "orphan", 0).raw == b"*2\r\n$6\r\norphan\r\n$1\r\nv\r\n"


def test_client_unblock(server):
    waiter = block(server, "BLPOP", "never", 0)
    waiter_id = None
    with server.raw() as conn:
        for line in conn.call("CLIENT", "LIST").value.decode().splitlines():
            if "cmd=blpop" in line:
                waiter_id = int(line.split()[0].split("=")[1])
        assert waiter_id is not None
        # Refusals first: a bad reason, a bad id, too many arguments; a client not blocked.
        assert conn.call("CLIENT", "UNBLOCK", waiter_id, "LATER").raw == \
            b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"
        assert conn.call("CLIENT", "UNBLOCK", "abc").raw == \
            b"-ERR value is not an integer or out of range\r\n"
        assert conn.call("CLIENT", "UNBLOCK", waiter_id, "TIMEOUT", "x").raw == \
            b"-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. " \
            b"Try CLIENT HELP.\r\n"
        assert conn.call("CLIENT", "UNBLOCK", conn.call("CLIENT", "ID").value).raw == b":0\r\n"
        assert conn.call("CLIENT", "UNBLOCK", 999999).raw == b":0\r\n"
        # TIMEOUT (the default): the blocked client gets the timeout's null.
        assert conn.call("CLIENT", "UNBLOCK", waiter_id).raw == b":1\r\n"
        assert waiter.read_reply().raw == b"*-1\r\n"
        wait_blocked(server, 0)
        assert conn.call("CLIENT", "UNBLOCK", waiter_id).raw == b":0\r\n"
        # ERROR: Redis's UNBLOCKED error; the client can block again afterwards.
        waiter.send("BZPOPMIN", "never", 0)
        wait_blocked(server, 1)
        assert conn.call("CLIENT", "UNBLOCK", waiter_id, "error").raw == b":1\r\n"
        assert waiter.read_reply().raw == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        wait_blocked(server, 0)
        conn.call("RPUSH", "never", "now")
        assert waiter.call("BLPOP", "never", 0).raw == b"*2\r\n$5\r\nnever\r\n$3\r\nnow\r\n"
    waiter.close()
