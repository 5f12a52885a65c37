"""follower_proxy = true: a follower forwards what it would answer with -MOVED to the leader, so
a client that cannot follow redirects (a plain redis.Redis) can use any node.

Every wait polls a condition with a deadline; nothing sleeps to synchronise."""

from __future__ import annotations

import signal
import time

import pytest
import redis

from cluster_harness import Cluster

REQUEST_TIMEOUT_S = 3
# A proxied call must come back (with a reply or a retryable error) within the node's request
# timeout, twice over for a dead link, plus slack for a slow machine; a hang fails the test.
CALL_DEADLINE_S = 2 * REQUEST_TIMEOUT_S + 5


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path, options={"follower_proxy": "true",
                                   "request_timeout_secs": str(REQUEST_TIMEOUT_S)}).start()
    yield c
    c.stop()


def a_follower(cluster: Cluster):
    leader = cluster.leader()
    return leader, cluster.followers(leader)[0]


def retryable(error: Exception) -> bool:
    if isinstance(error, (redis.exceptions.ClusterDownError, redis.exceptions.TryAgainError)):
        return True
    return str(error).startswith(("TRYAGAIN", "CLUSTERDOWN"))


def test_a_plain_client_on_a_follower_reads_and_writes(cluster):
    leader, follower = a_follower(cluster)
    c = follower.client()
    assert c.set(b"k", b"v") is True
    assert c.get(b"k") == b"v"
    assert c.get(b"missing") is None
    assert c.incr(b"n") == 1
    assert c.incrby(b"n", 41) == 42
    assert c.mset({b"a": b"1", b"b": b"2"}) is True
    assert c.mget(b"a", b"b", b"nope") == [b"1", b"2", None]
    assert c.delete(b"a", b"b", b"nope") == 2
    assert c.exists(b"a") == 0
    with pytest.raises(redis.ResponseError, match="WRONGTYPE|not an integer"):
        c.incr(b"k")
    # Errors of the leader's making reach the client as they are.
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        c.execute_command("SET", "only-key")
    # The writes went through the leader: it has them.
    assert leader.client().get(b"n") == b"42"
    # Keyless commands are still this node's own.
    assert c.ping() is True


def test_keyless_writes_go_to_the_leader(cluster):
    leader, follower = a_follower(cluster)
    c = follower.client()
    assert c.set(b"doomed", b"1") is True
    assert c.flushall() is True
    assert leader.client().dbsize() == 0
    assert c.set(b"doomed", b"2") is True
    pipe = c.pipeline(transaction=True)
    pipe.set(b"kept", b"1")
    pipe.flushdb()
    pipe.set(b"after", b"1")
    assert pipe.execute() == [True, True, True]
    assert sorted(leader.client().keys()) == [b"after"]


def test_a_pipeline_of_mixed_commands_keeps_its_order(cluster):
    _, follower = a_follower(cluster)
    c = follower.client()
    pipe = c.pipeline(transaction=False)
    expected = []
    for i in range(25):
        key = f"p{i}".encode()
        pipe.set(key, str(i))
        expected.append(True)
        pipe.incr(b"counter")
        expected.append(i + 1)
        pipe.get(key)
        expected.append(str(i).encode())
        pipe.append(key, "x")
        expected.append(len(str(i)) + 1)
    assert len(pipe.command_stack) == 100
    assert pipe.execute() == expected


def test_readonly_reads_stay_local_and_see_forwarded_writes(cluster):
    _, follower = a_follower(cluster)
    with follower.raw() as conn:
        assert conn.call("READONLY").raw == b"+OK\r\n"
        commands = []
        for i in range(20):
            commands.append(["SET", f"r{i}", f"v{i}"])  # forwarded
            commands.append(["GET", f"r{i}"])  # served here, after the write it follows
        replies = conn.pipeline(commands)
        for i in range(20):
            assert replies[2 * i].raw == b"+OK\r\n"
            assert replies[2 * i + 1].raw == b"$%d\r\nv%d\r\n" % (len(f"v{i}"), i)


RESP3_SCRIPT = [
    ["SET", "{p}str", "hello"],
    ["GET", "{p}str"],
    ["GET", "{p}missing"],
    ["INCRBYFLOAT", "{p}f", "1.5"],
    ["MGET", "{p}str", "{p}missing"],
    ["EXPIRE", "{p}str", "100"],
    ["TTL", "{p}str"],
    ["SET", "{p}str", "x", "NX"],
    ["GETDEL", "{p}str"],
    ["TYPE", "{p}f"],
    ["STRLEN", "{p}f"],
    ["GET", "{p}f", "extra"],
]


def test_resp3_replies_through_the_proxy_match_the_leaders(cluster):
    leader, follower = a_follower(cluster)

    def run(node, prefix):
        with node.raw() as conn:
            hello = conn.call("HELLO", "3")
            assert not hello.is_error, hello
            script = [[arg.replace("{p}", prefix) for arg in cmd] for cmd in RESP3_SCRIPT]
            return [r.raw for r in conn.pipeline(script)]

    direct = run(leader, "direct:")
    proxied = run(follower, "proxied:")
    assert proxied == direct
    assert direct[2] == b"_\r\n"  # the RESP3 null, not RESP2's $-1


def test_a_transaction_on_a_follower_runs_on_the_leader(cluster):
    leader, follower = a_follower(cluster)
    c = follower.client()
    pipe = c.pipeline(transaction=True)
    pipe.set(b"t1", b"a")
    pipe.incr(b"t2")
    pipe.ping()  # a server command, answered by this node in its place in the array
    pipe.get(b"t1")
    assert pipe.execute() == [True, 1, True, b"a"]
    assert leader.client().get(b"t2") == b"1"
    # Errors at queue time abort as in Redis; errors at run time take their slot.
    with follower.raw() as conn:
        replies = conn.pipeline([["MULTI"], ["SET", "t1", "b"], ["INCR", "t1"], ["EXEC"]])
        assert [r.raw for r in replies[:3]] == [b"+OK\r\n", b"+QUEUED\r\n", b"+QUEUED\r\n"]
        assert replies[3].raw.startswith(b"*2\r\n+OK\r\n-ERR value is not an integer")
        replies = conn.pipeline([["MULTI"], ["SET", "t1"], ["EXEC"]])
        assert replies[2].error_text.startswith("EXECABORT")


def test_a_watched_transaction_on_a_follower_is_redirected(cluster):
    leader, follower = a_follower(cluster)
    with follower.raw() as conn:
        replies = conn.pipeline([["WATCH", "w"], ["MULTI"], ["SET", "w", "1"], ["EXEC"]])
        assert replies[3].error_text.startswith(
            "EXECABORT Transaction discarded because of: MOVED "), replies[3]
        assert replies[3].error_text.endswith(f"{leader.host}:{leader.port}")
    assert leader.client().get(b"w") is None


def call_with_deadline(fn, what: str):
    start = time.monotonic()
    try:
        return fn(), None
    except (redis.ResponseError, redis.ConnectionError, redis.TimeoutError) as error:
        return None, error
    finally:
        elapsed = time.monotonic() - start
        assert elapsed < CALL_DEADLINE_S, f"{what} took {elapsed:.1f}s"


def test_proxied_writes_recover_after_the_leader_is_killed(cluster):
    leader, _ = a_follower(cluster)
    survivors = cluster.followers(leader)
    clients = {n.name: n.client(socket_timeout=CALL_DEADLINE_S) for n in survivors}
    for name, c in clients.items():
        assert c.set(f"before:{name}".encode(), b"1") is True

    leader.kill(signal.SIGKILL)
    kill_time = time.monotonic()

    # Every survivor keeps answering: retryable errors while there is no leader, then OK.
    errors_seen = []
    for node in survivors:
        c = clients[node.name]
        deadline = time.monotonic() + 30
        i = 0
        while True:
            i += 1
            value, error = call_with_deadline(
                lambda: c.set(f"after:{node.name}:{i}".encode(), b"v"), f"SET via {node.name}")
            if error is None:
                assert value is True
                break
            # A client connection can only break if the node it talks to dies; these do not.
            assert isinstance(error, redis.ResponseError) and retryable(error), repr(error)
            errors_seen.append(str(error))
            assert time.monotonic() < deadline, f"no successful write via {node.name}: {errors_seen[-5:]}"
        assert c.get(f"after:{node.name}:{i}".encode()) == b"v"
    print(f"writes through both survivors recovered {time.monotonic() - kill_time:.2f}s after "
          f"the SIGKILL; retryable errors seen: {sorted(set(e.split(' ')[0] for e in errors_seen))}")

    new_leader = cluster.leader()
    assert new_leader is not leader
    # Acknowledged writes survived, and the proxy now reaches the new leader.
    follower = [n for n in survivors if n is not new_leader][0]
    c = clients[follower.name]
    for name in clients:
        assert c.get(f"before:{name}".encode()) == b"1"
    assert c.incr(b"after-failover") == 1
    assert new_leader.client().get(b"after-failover") == b"1"


def test_a_command_in_flight_to_a_stopped_leader_gets_a_retryable_error(cluster):
    leader, follower = a_follower(cluster)
    c = follower.client(socket_timeout=CALL_DEADLINE_S)
    assert c.set(b"s", b"1") is True  # the proxy's link to the leader is up
    leader.kill(signal.SIGSTOP)
    try:
        # The leader takes the request but never answers: the proxy's own deadline answers.
        value, error = call_with_deadline(lambda: c.set(b"s", b"2"), "SET to a stopped leader")
        assert error is not None and retryable(error), (value, error)
    finally:
        leader.kill(signal.SIGCONT)
    # Once a leader is agreed on again, the proxy reaches it.
    cluster.leader()
    deadline = time.monotonic() + 30
    while True:
        value, error = call_with_deadline(lambda: c.set(b"s", b"3"), "SET after SIGCONT")
        if error is None:
            break
        assert retryable(error) and time.monotonic() < deadline, repr(error)
    assert c.get(b"s") == b"3"


def test_a_proxy_link_is_never_forwarded_again(cluster):
    leader, follower = a_follower(cluster)
    with follower.raw() as conn:
        assert conn.call("SESHAT", "PROXY-LINK").raw == b"+OK\r\n"
        # What another node's proxy sends here (its view was stale) is redirected, not bounced.
        reply = conn.call("SET", "x", "1")
        assert reply.error_text.startswith("MOVED "), reply
        assert reply.error_text.endswith(f"{leader.host}:{leader.port}")
