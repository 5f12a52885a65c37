"""INFO's counters beside a Debian redis-server: keyspace_hits / keyspace_misses and
commandstats count the same command sequence the same way, on a standalone node, on a cluster
leader and through a follower; INFO raft reports the Raft progress as of the command.

Times (usec, usec_per_call) are the one thing compared loosely: they must be present and
consistent, not equal."""

from __future__ import annotations

import re
import time
from typing import Dict, List, Sequence, Tuple

import pytest

from cluster_harness import Cluster
from resp_client import RespConnection

PATHS = ["standalone", "leader", "follower"]


@pytest.fixture(scope="module")
def stats_cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("stats-cluster"),
                      options={"follower_proxy": "true"}).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def stats_target(request, tmp_path_factory):
    """(target node, leader that takes the resets) for the path in request.param."""
    path = request.param
    if path == "standalone":
        node = request.getfixturevalue("shared_seshat")
        return node, node
    cluster = request.getfixturevalue("stats_cluster")
    leader = cluster.leader()
    return (leader if path == "leader" else cluster.followers(leader)[0]), leader


def stats_of(conn: RespConnection) -> Tuple[int, int]:
    text = conn.call("INFO", "stats").value.decode()
    hits = int(re.search(r"\r\nkeyspace_hits:(\d+)\r\n", text).group(1))
    misses = int(re.search(r"\r\nkeyspace_misses:(\d+)\r\n", text).group(1))
    return hits, misses


def reset(conn: RespConnection, writer: RespConnection) -> None:
    assert writer.call("FLUSHALL").value == b"OK"
    assert conn.call("CONFIG", "RESETSTAT").value == b"OK"


# (command, whether it only reads). Redis counts a hit or a miss for each key a command reads
# (lookupKeyRead): GET, MGET per key, EXISTS, TYPE, TTL, ..., and also the reads inside some
# writes (GETSET, GETDEL, GETEX, SET ... GET, COPY's source); plain writes count nothing.
KEYSPACE_STEPS: List[Tuple[Sequence[str], bool]] = [
    (("SET", "k", "v"), False),
    (("GET", "k"), True),
    (("GET", "missing"), True),
    (("MGET", "k", "missing", "k", "other"), True),
    (("EXISTS", "k", "missing", "k"), True),
    (("TYPE", "k"), True),
    (("TYPE", "missing"), True),
    (("TTL", "k"), True),
    (("PTTL", "missing"), True),
    (("EXPIRETIME", "k"), True),
    (("STRLEN", "k"), True),
    (("STRLEN", "missing"), True),
    (("GETRANGE", "k", "0", "0"), True),
    (("SUBSTR", "missing", "0", "1"), True),
    (("TOUCH", "k", "missing"), True),
    (("KEYS", "*"), True),
    (("SCAN", "0"), True),
    (("DBSIZE",), True),
    (("INCR", "counter"), False),
    (("APPEND", "counter", "1"), False),
    (("GETSET", "k", "v2"), False),
    (("GETSET", "fresh", "v"), False),
    (("GETDEL", "fresh"), False),
    (("GETDEL", "missing"), False),
    (("GETEX", "k"), False),
    (("GETEX", "missing", "PX", "100000"), False),
    (("SET", "k", "v3", "GET"), False),
    (("SET", "new", "v", "GET"), False),
    (("SET", "k", "v4"), False),
    (("SETNX", "k", "v"), False),
    (("COPY", "k", "k2"), False),
    (("COPY", "missing", "k3"), False),
    (("DEL", "k2", "missing"), False),
    (("EXPIRE", "k", "100"), False),
    (("RENAME", "new", "renamed"), False),
    (("SET", "short", "v", "PX", "1"), False),
]


@pytest.mark.parametrize("stats_target", PATHS, indirect=True)
def test_keyspace_hits_and_misses_count_as_redis_counts(stats_target, redis_ref):
    target, leader = stats_target
    on_follower = target is not leader
    with target.raw() as conn, leader.raw() as writer, redis_ref.raw() as ref:
        if on_follower:
            # A follower serves reads itself for a READONLY client; writes go to the leader
            # (follower_proxy) and count there, so this path runs the reads only, on state the
            # leader wrote.
            assert conn.call("READONLY").value == b"OK"
        reset(conn, writer)
        reset(ref, ref)
        compared = 0
        for args, read_only in KEYSPACE_STEPS:
            if on_follower and not read_only:
                assert writer.call(*args) == ref.call(*args), args
                continue
            before, ref_before = stats_of(conn), stats_of(ref)
            got, want = conn.call(*args), ref.call(*args)
            assert got == want, args
            after, ref_after = stats_of(conn), stats_of(ref)
            delta = (after[0] - before[0], after[1] - before[1])
            ref_delta = (ref_after[0] - ref_before[0], ref_after[1] - ref_before[1])
            assert delta == ref_delta, f"{args}: seshat (hits, misses) +{delta}, redis +{ref_delta}"
            compared += 1
        assert compared >= 17
        # A key read after it expired is a miss (for the follower the leader's purge may already
        # have removed it: a miss either way).
        deadline = time.monotonic() + 5
        while conn.call("PTTL", "short").value != -2 or ref.call("PTTL", "short").value != -2:
            assert time.monotonic() < deadline, "key with PX 1 never expired"
        before, ref_before = stats_of(conn), stats_of(ref)
        assert conn.call("GET", "short") == ref.call("GET", "short")
        assert stats_of(conn)[1] - before[1] == stats_of(ref)[1] - ref_before[1] == 1
        # MULTI counts the reads EXEC runs. A follower hands a transaction to the leader whole
        # (follower_proxy), so that is where its reads count.
        counted = writer if on_follower else conn
        before, ref_before = stats_of(counted), stats_of(ref)
        for c in (conn, ref):
            c.send_many([("MULTI",), ("GET", "k"), ("GET", "missing"), ("MGET", "k", "k"),
                         ("EXEC",)])
            replies = [c.read_reply() for _ in range(5)]
            assert not replies[4].is_error, replies
        after, ref_after = stats_of(counted), stats_of(ref)
        assert (after[0] - before[0], after[1] - before[1]) == \
            (ref_after[0] - ref_before[0], ref_after[1] - ref_before[1]) == (3, 1)


def commandstats(conn: RespConnection) -> Dict[str, Dict[str, str]]:
    text = conn.call("INFO", "commandstats").value.decode()
    lines = text.split("\r\n")
    assert lines[0] == "# Commandstats", text
    out = {}
    for line in lines[1:]:
        if not line:
            continue
        m = re.fullmatch(r"cmdstat_([a-z|-]+):calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),"
                         r"rejected_calls=(\d+),failed_calls=(\d+)", line)
        assert m, f"not in Redis 7's format: {line!r}"
        name, calls, usec, per_call, rejected, failed = m.groups()
        expected_per_call = int(usec) / int(calls) if int(calls) else 0.0
        assert abs(float(per_call) - expected_per_call) <= 0.01, line
        out[name] = {"calls": calls, "rejected_calls": rejected, "failed_calls": failed}
    return out


# Each entry is one pipeline sent on one connection: successes, errors at run time, refusals
# before running (arity, unknown subcommand, subcommand arity, not allowed in MULTI), unknown
# commands, and transactions (EXEC counts the commands it runs; EXECABORT counts none).
COMMANDSTATS_PIPELINES: List[List[Sequence[str]]] = [
    [("SET", "a", "1"), ("GET", "a"), ("GET", "nope"), ("INCR", "a"), ("SET", "s", "x"),
     ("INCR", "s"), ("GET",), ("MGET", "a", "s")],
    [("CLIENT", "NOSUCH"), ("CONFIG", "GET"), ("CLIENT",), ("CLIENT", "LIST"), ("NOSUCHCMD",),
     ("PING",), ("ECHO", "x"), ("CLIENT", "SETNAME", "stats")],
    [("MULTI",), ("SET", "m", "1"), ("INCR", "s"), ("GET", "m"), ("PING",), ("EXEC",)],
    [("MULTI",), ("SET", "m"), ("GET", "m"), ("EXEC",)],
    [("MULTI",), ("MULTI",), ("WATCH", "x"), ("EXEC",)],
    [("EXEC",), ("DISCARD",), ("WATCH", "a"), ("UNWATCH",)],
    [("DEL", "a", "s", "m"), ("EXISTS", "a"), ("TTL", "a"), ("CONFIG", "RESETSTAT", "extra")],
]


@pytest.mark.parametrize("stats_target", PATHS, indirect=True)
def test_commandstats_count_as_redis_counts(stats_target, redis_ref):
    target, leader = stats_target
    with target.raw() as conn, leader.raw() as writer, redis_ref.raw() as ref:
        reset(conn, writer)
        reset(ref, ref)
        for pipeline in COMMANDSTATS_PIPELINES:
            for c in (conn, ref):
                c.send_many(pipeline)
            got = [conn.read_reply() for _ in pipeline]
            want = [ref.read_reply() for _ in pipeline]
            for args, g, w in zip(pipeline, got, want):
                # CLIENT LIST describes different connections; everything else is byte-equal.
                same = g.kind == w.kind if args == ("CLIENT", "LIST") else g.raw == w.raw
                assert same, f"{args}: seshat {g!r}, redis {w!r}"

        got, want = commandstats(conn), commandstats(ref)
        assert got == want
        # Both listed config|resetstat (the reset itself counts); the sequence ran the rest.
        assert {"get", "set", "incr", "exec", "multi", "client|list", "config|get"} <= set(got)
        assert got["get"] == {"calls": "3", "rejected_calls": "1", "failed_calls": "0"}
        # CONFIG RESETSTAT clears them, then counts itself.
        assert conn.call("CONFIG", "RESETSTAT").value == b"OK"
        assert ref.call("CONFIG", "RESETSTAT").value == b"OK"
        assert commandstats(conn) == commandstats(ref) == {
            "config|resetstat": {"calls": "1", "rejected_calls": "0", "failed_calls": "0"}}


def test_a_redirect_is_a_rejected_call(stats_cluster):
    """A follower that answers MOVED (here on a link marked as another node's proxy, which is
    never forwarded again) refused the command before running it."""
    leader = stats_cluster.leader()
    follower = stats_cluster.followers(leader)[0]
    with follower.raw() as conn:
        assert conn.call("CONFIG", "RESETSTAT").value == b"OK"
        assert conn.call("SESHAT", "PROXY-LINK").value == b"OK"
        reply = conn.call("SET", "somekey", "v")
        assert reply.is_error and reply.error_text.startswith("MOVED "), reply
        stats = commandstats(conn)
        assert stats["set"] == {"calls": "0", "rejected_calls": "1", "failed_calls": "0"}


def test_noauth_is_a_rejected_call(seshat_factory):
    node = seshat_factory(requirepass="pw")
    with node.raw() as conn:
        assert conn.call("GET", "k").error_text.startswith("NOAUTH")
        assert conn.call("AUTH", "pw").value == b"OK"
        stats = commandstats(conn)
        assert stats["get"] == {"calls": "0", "rejected_calls": "1", "failed_calls": "0"}
        assert stats["auth"] == {"calls": "1", "rejected_calls": "0", "failed_calls": "0"}


def raft_progress(conn: RespConnection) -> Tuple[int, int]:
    text = conn.call("INFO", "raft").value.decode()
    commit = int(re.search(r"\r\nraft_commit_index:(\d+)\r\n", text).group(1))
    applied = int(re.search(r"\r\nraft_applied_index:(\d+)\r\n", text).group(1))
    return commit, applied


def _check_info_raft_includes_each_write(node) -> None:
    with node.raw() as conn:
        for i in range(60):
            commit_before, applied_before = raft_progress(conn)
            assert conn.call("SET", f"progress-{i}", "v").value == b"OK"
            commit, applied = raft_progress(conn)
            # The write took a log entry after the last one INFO reported before it.
            assert commit > commit_before, f"write {i}: commit {commit_before} -> {commit}"
            assert applied > applied_before, f"write {i}: applied {applied_before} -> {applied}"
            assert applied <= commit


def test_info_raft_includes_each_acknowledged_write_on_a_single_node(seshat):
    _check_info_raft_includes_each_write(seshat)


def test_info_raft_includes_each_acknowledged_write_on_a_cluster_leader(stats_cluster):
    _check_info_raft_includes_each_write(stats_cluster.leader())
