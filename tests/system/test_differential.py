"""Differential tests: the same command sequences go to Seshat and to a Debian redis-server, and
the replies must be the same (see differential.py for the few normalisations, diff_cases.py for
the case table).

The one intentional difference, SELECT of a database other than 0, is asserted explicitly in
test_connection.py::test_select_nonzero_db_is_out_of_range; here SELECT is only compared where
both servers agree (db 0, and indexes out of Redis's range as well).
"""

from __future__ import annotations

import socket

import pytest
import redis

from diff_cases import BIG, BIN_KEY, BIN_VAL, CASES, PIPELINE_GROUPS
from differential import Case, On, Raw, flushall, report, run_case, run_pipelined
from cluster_harness import Cluster
from resp_client import RespConnection

_names = [c.name for c in CASES]
assert len(_names) == len(set(_names)), "duplicate case names in diff_cases.py"


# Every case runs on each path a command can take: a standalone node (a Raft group of one), a
# three-node cluster's leader, and a follower with follower_proxy (which forwards what it would
# answer with MOVED to the leader and relays the reply).
PATHS = ["standalone", "leader", "follower"]


@pytest.fixture(scope="module")
def proxy_cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("diff-cluster"),
                      options={"follower_proxy": "true"}).start()
    yield cluster
    cluster.stop()


def _uses_watch(case_: Case) -> bool:
    for step in case_.steps:
        if isinstance(step, Raw) and b"WATCH" in step.data.upper():
            return True
        args = step.args if isinstance(step, On) else step
        if isinstance(args, tuple) and args and str(args[0]).upper() == "WATCH":
            return True
    return False


def runs_on(path: str, case_: Case) -> bool:
    """Every case runs on every path but two kinds on a follower. WATCH: the follower proxy
    cannot carry a connection's WATCH to the leader, so a watched transaction on a follower is
    redirected instead (test_follower_proxy.py checks exactly that). ACL: a follower answers
    ACL reads and checks permissions against the users it has applied, which may trail a change
    made through it by a heartbeat (test_acl.py checks followers, waiting for the change)."""
    if path != "follower":
        return True
    return not (_uses_watch(case_) or case_.name.startswith("acl_"))


def cases_on_paths(cases):
    """pytest parameters (path, case) for each path a case runs on."""
    return [pytest.param(path, c, id=f"{path}-{c.name}")
            for path in PATHS for c in cases if runs_on(path, c)]


@pytest.fixture(scope="module")
def pair(request, redis_ref, tmp_path_factory):
    """(target, reference, writer, path): `writer` takes the keyless writes that reset the state
    (FLUSHALL), which a follower refuses as a Redis replica does."""
    path = request.param
    if path == "standalone":
        target = request.getfixturevalue("shared_seshat")
        return target, redis_ref, target, path
    cluster = request.getfixturevalue("proxy_cluster")
    leader = cluster.leader()
    if path == "leader":
        return leader, redis_ref, leader, path
    return cluster.followers(leader)[0], redis_ref, leader, path


@pytest.fixture
def clean_pair(pair):
    target, reference, writer, _ = pair
    for server in (writer, reference):
        flushall(server.host, server.port)
    yield target, reference
    assert target.alive(), f"{target.name} died during the case\n{target.log_tail()}"


@pytest.mark.parametrize("pair, case_", cases_on_paths(CASES), indirect=["pair"])
def test_case(case_, clean_pair):
    target, reference = clean_pair
    mismatches = run_case(case_, (target.host, target.port), (reference.host, reference.port),
                          target_label=target.name)
    assert not mismatches, report(case_.name, mismatches)


@pytest.mark.parametrize("group", sorted(PIPELINE_GROUPS))
@pytest.mark.parametrize("pair", PATHS, indirect=True)
def test_pipelined_batches(group, pair, clean_pair):
    """Every command of a group of cases in one write per server; replies compared in order."""
    cases = [c for c in PIPELINE_GROUPS[group] if runs_on(pair[3], c)]
    assert len(cases) >= 10, f"group {group} selects too few cases ({len(cases)})"
    target, reference = clean_pair
    problems = run_pipelined(cases, (target.host, target.port), (reference.host, reference.port),
                             target_label=target.name)
    assert not problems, f"{len(problems)} mismatch(es) in pipelined group {group}:\n" + "\n".join(
        problems[:60])


@pytest.mark.parametrize("pair", PATHS, indirect=True)
def test_deep_pipeline(clean_pair):
    """Thousands of commands in one write: replies in order, none lost or merged."""
    commands = []
    for i in range(3000):
        commands += [("INCR", "counter"), ("SET", f"p:{i}", "x" * (i % 50)), ("GET", f"p:{i}"),
                     ("APPEND", f"p:{i}", "y"), ("STRLEN", f"p:{i}")]
    commands += [("DBSIZE",), ("GET", "counter")]
    target, reference = clean_pair
    deep = Case("deep_pipeline", commands)
    problems = run_pipelined([deep], (target.host, target.port), (reference.host, reference.port),
                             target_label=target.name)
    assert not problems, f"{len(problems)} mismatch(es):\n" + "\n".join(problems[:30])


# -- the redis-py view ----------------------------------------------------------------------
# Replies as a Redis client library sees them, through execute_command and pipelines.

def _py_value(call):
    try:
        return call()
    except redis.RedisError as exc:
        return ("raised", type(exc).__name__, str(exc))
    except (ValueError, TypeError) as exc:
        # redis-py's reply callbacks assume the plain form of a command (an integer from ZADD,
        # not the score ZADD ... INCR answers) or its own calling convention (OBJECT's callback
        # wants the subcommand as a keyword); both servers must trip them alike.
        return ("raised", type(exc).__name__, str(exc))


_TTL_LIKE = {b"TTL": 1, b"EXPIRETIME": 1, b"PTTL": 1000, b"PEXPIRETIME": 1000}


def _py_equivalent(args, a, b) -> bool:
    name = (args[0].encode() if isinstance(args[0], str) else args[0]).upper()
    if name in _TTL_LIKE and isinstance(a, int) and isinstance(b, int) and a >= 0 and b >= 0:
        return abs(a - b) <= _TTL_LIKE[name]
    if name in (b"KEYS", b"HKEYS", b"HVALS") and isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)  # no order is promised (HGETALL is a dict already)
    if name in (b"HRANDFIELD", b"SRANDMEMBER", b"SPOP", b"ZRANDMEMBER"):
        # Random fields: the same shape here; the raw runner checks them more closely.
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b)
        return type(a) is type(b)
    if name in (b"TIME", b"RANDOMKEY", b"SCAN", b"CLIENT", b"HELLO", b"INFO", b"HSCAN"):
        if isinstance(a, tuple) and a and a[0] == "raised":
            return a == b
        return type(a) is type(b)
    return a == b


_PY_CASES = [c for c in CASES if c.plain() and c.protocol == 2
             and not any(str(s[0]).upper() in ("HELLO", "RESET", "MULTI", "") for s in c.steps)]
# (redis-py cannot send an empty command name; the raw runner covers that case.)


@pytest.mark.parametrize("pair, case_", cases_on_paths(_PY_CASES), indirect=["pair"])
def test_case_via_redis_py(case_, clean_pair):
    target, reference = clean_pair
    clients = [target.client(), reference.client()]
    problems = []
    try:
        for index, step in enumerate(case_.steps):
            replies = [_py_value(lambda c=c: c.execute_command(*step)) for c in clients]
            if not _py_equivalent(step, *replies):
                problems.append(f"  step {index}: {step!r}"[:300] +
                                f"\n    {target.name}: {replies[0]!r}"[:400] +
                                f"\n      redis: {replies[1]!r}"[:400])
    finally:
        for c in clients:
            c.close()
    assert not problems, f"{case_.name} through redis-py:\n" + "\n".join(problems)


PY_PIPELINES = {
    "mixed_reads_writes": [("SET", "a", 1), ("GET", "a"), ("INCR", "a"), ("SET", "s", "x"),
                           ("INCR", "s"), ("GET", "missing"), ("MGET", "a", "b", "s"),
                           ("DEL", "a"), ("EXISTS", "a", "s"), ("FOO", "bar"),
                           ("SET", "b", "x", "EX", 0), ("APPEND", "s", "yz"), ("GETRANGE", "s", 0, -1)],
    "many_keys": [cmd for i in range(150) for cmd in (("SET", f"k{i}", i), ("INCRBY", f"k{i}", i),
                                                       ("GET", f"k{i}"))] + [("DBSIZE",)],
    "binary_and_big": [("SET", BIN_KEY, BIN_VAL), ("GET", BIN_KEY), ("SET", "big", BIG),
                       ("STRLEN", "big"), ("GETDEL", BIN_KEY), ("GET", "big")],
    "errors_only": [("GET",), ("SET", "k"), ("INCRBY", "k", "x"), ("EXPIRE", "k", 1, "NX", "XX"),
                    ("NOSUCH",), ("SELECT", 16)],
}


@pytest.mark.parametrize("transaction", [False, True], ids=["plain", "transaction"])
@pytest.mark.parametrize("name", sorted(PY_PIPELINES))
@pytest.mark.parametrize("pair", PATHS, indirect=True)
def test_redis_py_pipeline(name, transaction, clean_pair):
    target, reference = clean_pair
    results = []
    for server in clean_pair:
        client = server.client()
        try:
            pipe = client.pipeline(transaction=transaction)
            for cmd in PY_PIPELINES[name]:
                pipe.execute_command(*cmd)

            def run():
                return [r if not isinstance(r, Exception) else ("error", type(r).__name__, str(r))
                        for r in pipe.execute(raise_on_error=False)]
            results.append(_py_value(run))
        finally:
            client.close()
    assert results[0] == results[1], (f"pipeline {name} (transaction={transaction}):\n"
                                      f"  {target.name}: {results[0]!r}"[:3000] +
                                      f"\n  redis: {results[1]!r}"[:3000])


# -- malformed input ------------------------------------------------------------------------

MALFORMED = {
    "invalid_bulk_length": b"*1\r\n$abc\r\n",
    "empty_bulk_length": b"*1\r\n$\r\n",
    "negative_bulk_length": b"*1\r\n$-1\r\n",
    "bulk_length_trailing_space": b"*1\r\n$1 \r\n",
    "bulk_length_too_big": b"*1\r\n$536870913\r\n",
    "invalid_multibulk_length": b"*abc\r\n",
    "empty_multibulk_length": b"*\r\n",
    "multibulk_length_too_big": b"*4294967296\r\n",
    "expected_dollar": b"*1\r\nfoo\r\n",
    "expected_dollar_got_plus": b"*2\r\n$3\r\nGET\r\n+k\r\n",
    "unbalanced_double_quote": b'SET k "abc\r\n',
    "unbalanced_single_quote": b"ECHO 'abc\r\n",
    "quote_then_letter": b'SET "a"b c\r\n',
    "too_big_inline": b"a" * 70000,
    "too_big_mbulk_count": b"*" + b"1" * 70000,
    "too_big_bulk_count": b"*1\r\n$" + b"1" * 70000,
    "after_valid_command": b"PING\r\n*1\r\n$x\r\n",
    "after_valid_write": b"SET written 1\r\n*x\r\nSET never 1\r\n",
}


def _exchange(server, data: bytes):
    with RespConnection(server.host, server.port) as conn:
        try:
            conn.send_raw(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may close before it has read everything; the reply still counts
        return conn.read_until_close(timeout=10)


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("pair", PATHS, indirect=True)
def test_malformed_protocol(name, clean_pair):
    target, reference = clean_pair
    with RespConnection(target.host, target.port) as bystander:
        assert bystander.call("SET", "bystander", "here").raw == b"+OK\r\n"
        (got, got_closed), (want, want_closed) = [_exchange(s, MALFORMED[name]) for s in clean_pair]
        assert want_closed, f"reference redis kept the connection open after {name}"
        assert got == want and got_closed, (
            f"{name}: {target.name} sent {got!r} (closed={got_closed}), redis sent {want!r}")
        # Only the offending connection is closed: another one keeps working.
        assert bystander.call("GET", "bystander").raw == b"$4\r\nhere\r\n"
    for server in clean_pair:
        with RespConnection(server.host, server.port) as conn:
            assert conn.call("PING").raw == b"+PONG\r\n"
            replies = conn.pipeline([("GET", "written"), ("GET", "never")])
            assert [r.raw for r in replies] == (
                [b"$1\r\n1\r\n", b"$-1\r\n"] if name == "after_valid_write" else
                [b"$-1\r\n", b"$-1\r\n"]), f"{server.kind}: {replies}"


@pytest.mark.parametrize("pair", PATHS, indirect=True)
def test_half_sent_command_then_disconnect(clean_pair):
    """A client that vanishes mid-command leaves nothing behind and harms no one."""
    for server in clean_pair:
        sock = socket.create_connection((server.host, server.port), timeout=5)
        sock.sendall(b"*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc")
        sock.close()
        with RespConnection(server.host, server.port) as conn:
            assert conn.call("EXISTS", "half").raw == b":0\r\n", server.kind
            assert conn.call("PING").raw == b"+PONG\r\n", server.kind
