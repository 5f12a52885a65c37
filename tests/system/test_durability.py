"""Durability and expiry: data survives SIGTERM and SIGKILL; every acknowledged write (strings,
transactions, and list, hash, set and sorted-set writes) survives a crash at a random moment; expired keys are never visible and are purged without being touched;
a data directory of another node id refuses to start.

The crash test prints its random seed; SESHAT_TEST_SEED=<n> replays the same kill points.
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
from typing import List, Optional

import redis

from diff_cases import BIG, BIN_KEY, BIN_VAL
from differential import wait_until


def populate(client: redis.Redis) -> dict:
    """Writes a varied data set and returns what GET must answer for each key afterwards."""
    expected = {}
    client.mset({f"plain:{i}": f"value-{i}" for i in range(100)})
    expected.update({f"plain:{i}".encode(): f"value-{i}".encode() for i in range(100)})
    client.set(BIN_KEY, BIN_VAL)
    expected[BIN_KEY] = BIN_VAL
    client.set(b"", b"empty-key")
    expected[b""] = b"empty-key"
    client.set("empty-value", "")
    expected[b"empty-value"] = b""
    client.set("big", BIG)
    expected[b"big"] = BIG
    for _ in range(7):
        client.incr("counter")
    expected[b"counter"] = b"7"
    client.incrbyfloat("float", "2.5")
    expected[b"float"] = b"2.5"
    client.set("with-ttl", "v", ex=1000)
    expected[b"with-ttl"] = b"v"
    client.set("overwritten", "old")
    client.set("overwritten", "new")
    expected[b"overwritten"] = b"new"
    client.set("deleted", "x")
    client.delete("deleted")
    client.set("renamed-from", "r")
    client.rename("renamed-from", "renamed-to")
    expected[b"renamed-to"] = b"r"
    client.append("appended", "ab")
    client.append("appended", "cd")
    expected[b"appended"] = b"abcd"
    pipe = client.pipeline(transaction=True)
    pipe.set("tx:a", "1").set("tx:b", "2").incr("tx:n")
    pipe.execute()
    expected.update({b"tx:a": b"1", b"tx:b": b"2", b"tx:n": b"1"})
    return expected


def populate_collections(client: redis.Redis) -> dict:
    """Writes one collection of each type (with deletes, pops and a key re-created as another
    type) and returns what each must hold afterwards."""
    client.hset("h:profile", mapping={"name": "ada", "lang": "c++", "drop": "x"})
    client.hdel("h:profile", "drop")
    client.rpush("l:queue", 1, 2, 3, 4, 5)
    client.lpop("l:queue")
    client.sadd("s:tags", "a", "b", BIN_VAL)
    client.zadd("z:board", {"alice": 10, "bob": 2.5})
    client.hset("h:recreated", "old", "1")
    client.delete("h:recreated")
    client.hset("h:recreated", "new", "2")
    client.set("retyped", "a string")
    client.delete("retyped")
    client.rpush("retyped", "now", "a", "list")
    return {
        "h:profile": {b"name": b"ada", b"lang": b"c++"},
        "l:queue": [b"2", b"3", b"4", b"5"],
        "s:tags": {b"a", b"b", BIN_VAL},
        "z:board": [(b"bob", 2.5), (b"alice", 10.0)],
        "h:recreated": {b"new": b"2"},
        "retyped": [b"now", b"a", b"list"],
    }


def verify_collections(client: redis.Redis, expected: dict) -> None:
    for key, want in expected.items():
        kind = client.type(key)
        got = {b"hash": lambda: client.hgetall(key), b"list": lambda: client.lrange(key, 0, -1),
               b"set": lambda: client.smembers(key),
               b"zset": lambda: client.zrange(key, 0, -1, withscores=True)}[kind]()
        assert got == want, f"{key} ({kind!r}) holds {got!r}, expected {want!r}"


def verify(client: redis.Redis, expected: dict) -> None:
    keys = list(expected)
    got = client.mget(keys)
    wrong = [(k[:40], expected[k][:40], v if v is None else v[:40])
             for k, v in zip(keys, got) if v != expected[k]]
    assert not wrong, f"{len(wrong)} key(s) differ (key, expected, got): {wrong[:10]}"
    assert client.exists("deleted", "renamed-from") == 0
    ttl = client.ttl("with-ttl")
    assert 900 <= ttl <= 1000, f"TTL after restart: {ttl}"


def test_clean_restart_keeps_everything(seshat):
    expected = populate(seshat.client())
    collections = populate_collections(seshat.client())
    for _ in range(2):
        seshat.restart()  # SIGTERM, asserts exit code 0, starts again on the same data dir
        verify(seshat.client(), expected)
        verify_collections(seshat.client(), collections)
        assert seshat.client().dbsize() == len(expected) + len(collections)


def test_sigkill_keeps_acknowledged_data(seshat):
    expected = populate(seshat.client())
    collections = populate_collections(seshat.client())
    seshat.kill(signal.SIGKILL)
    seshat.start()
    verify(seshat.client(), expected)
    verify_collections(seshat.client(), collections)
    assert seshat.client().dbsize() == len(expected) + len(collections)


def test_sigint_exits_cleanly(seshat):
    seshat.client().set("k", "v")
    seshat.kill(signal.SIGINT)
    assert seshat.wait_exit(30) == 0, seshat.log_tail()
    seshat.start()
    assert seshat.client().get("k") == b"v"


# -- crash safety under load ------------------------------------------------------------------


class Writer(threading.Thread):
    """Writes until the connection breaks and records what the server acknowledged.

    mode "single": SET prefix:k<i> v<i>, and every third step INCR prefix:counter.
    mode "pipeline": batches of 8 SETs in one round trip; a batch counts when all 8 answered.
    mode "multi": MULTI SET prefix:a<i> SET prefix:b<i> EXEC; both keys or neither must exist.
    mode "collections": RPUSH prefix:list v<i>, HSET prefix:hash f<i> v<i>, SADD prefix:set m<i>,
    ZADD prefix:zset <i> m<i>, one after the other; a step counts when all four answered.
    """

    MAX_STEPS = 200000

    def __init__(self, server, prefix: str, mode: str):
        super().__init__(daemon=True, name=f"writer-{prefix}")
        self.client = redis.Redis(host=server.host, port=server.port, socket_timeout=20,
                                  socket_connect_timeout=5)
        self.prefix = prefix
        self.mode = mode
        self.acked: List[int] = []
        self.counter_acked = 0
        self.attempted = 0
        self.stopped_by: Optional[BaseException] = None
        self.stop_requested = threading.Event()

    def acks(self) -> int:
        return len(self.acked)

    def run(self) -> None:
        try:
            for i in range(self.MAX_STEPS):
                if self.stop_requested.is_set():
                    return
                self.attempted = i + 1
                if self.mode == "single":
                    assert self.client.set(f"{self.prefix}:k{i}", f"v{i}") is True
                    self.acked.append(i)
                    if i % 3 == 0:
                        self.counter_acked = self.client.incr(f"{self.prefix}:counter")
                elif self.mode == "pipeline":
                    pipe = self.client.pipeline(transaction=False)
                    for j in range(8):
                        pipe.set(f"{self.prefix}:k{i * 8 + j}", f"v{i * 8 + j}")
                    assert pipe.execute() == [True] * 8
                    self.acked.extend(range(i * 8, i * 8 + 8))
                elif self.mode == "collections":
                    p = self.prefix
                    assert self.client.rpush(f"{p}:list", f"v{i}") == i + 1
                    assert self.client.hset(f"{p}:hash", f"f{i}", f"v{i}") == 1
                    assert self.client.sadd(f"{p}:set", f"m{i}") == 1
                    assert self.client.zadd(f"{p}:zset", {f"m{i}": i}) == 1
                    self.acked.append(i)
                else:
                    pipe = self.client.pipeline(transaction=True)
                    pipe.set(f"{self.prefix}:a{i}", i).set(f"{self.prefix}:b{i}", i)
                    assert pipe.execute() == [True, True]
                    self.acked.append(i)
        except (redis.ConnectionError, redis.TimeoutError, ConnectionError, OSError) as exc:
            self.stopped_by = exc
        finally:
            self.client.close()

    def check(self, client: redis.Redis) -> List[str]:
        problems = []
        if self.mode in ("single", "pipeline"):
            keys = [f"{self.prefix}:k{i}" for i in self.acked]
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                for key, value in zip(chunk, client.mget(chunk)):
                    want = b"v" + key.rsplit(":k", 1)[1].encode()
                    if value != want:
                        problems.append(f"{key}: acknowledged {want!r}, found {value!r}")
        if self.mode == "single":
            found = int(client.get(f"{self.prefix}:counter") or 0)
            if not self.counter_acked <= found <= self.counter_acked + 1:
                problems.append(f"{self.prefix}:counter is {found}, last acknowledged "
                                f"{self.counter_acked}")
        if self.mode == "collections":
            problems += self.check_collections(client)
        if self.mode == "multi":
            for i in range(self.attempted):
                a, b = client.mget(f"{self.prefix}:a{i}", f"{self.prefix}:b{i}")
                if (a is None) != (b is None):
                    problems.append(f"transaction {i} half applied: a={a!r} b={b!r}")
                if i in self.acked and a is None:
                    problems.append(f"acknowledged transaction {i} lost")
        return problems


    def check_collections(self, client: redis.Redis) -> List[str]:
        """Every acknowledged step is in all four collections; the list holds v0, v1, ... in
        order with nothing missing, and no collection holds a step never attempted."""
        p, problems = self.prefix, []
        acked = len(self.acked)  # steps 0 .. acked-1, in order
        listed = client.lrange(f"{p}:list", 0, -1)
        if listed != [f"v{i}".encode() for i in range(len(listed))]:
            problems.append(f"{p}:list is not v0..v{len(listed) - 1} in order: {listed[:10]}...")
        hashed = client.hgetall(f"{p}:hash")
        members = client.smembers(f"{p}:set")
        scored = dict(client.zrange(f"{p}:zset", 0, -1, withscores=True))
        for name, size in (("list", len(listed)), ("hash", len(hashed)), ("set", len(members)),
                           ("zset", len(scored))):
            if not acked <= size <= self.attempted:
                problems.append(f"{p}:{name} has {size} entries; {acked} steps acknowledged, "
                                f"{self.attempted} attempted")
        for i in range(acked):
            if hashed.get(f"f{i}".encode()) != f"v{i}".encode():
                problems.append(f"{p}:hash lost acknowledged field f{i}")
            if f"m{i}".encode() not in members:
                problems.append(f"{p}:set lost acknowledged member m{i}")
            if scored.get(f"m{i}".encode()) != float(i):
                problems.append(f"{p}:zset lost acknowledged member m{i}")
        return problems


def test_acknowledged_writes_survive_sigkill_at_random_moments(seshat):
    seed = int(os.environ.get("SESHAT_TEST_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"crash test seed: {seed} (replay with SESHAT_TEST_SEED={seed})")
    all_writers: List[Writer] = []
    for round_no in range(5):
        writers = [Writer(seshat, f"r{round_no}:w{i}:{mode}", mode)
                   for i, mode in enumerate(("single", "single", "pipeline", "multi",
                                             "collections"))]
        for w in writers:
            w.start()
        target = rng.randint(20, 2000)
        wait_until(lambda: sum(w.acks() for w in writers) >= target, 60,
                   f"{target} acknowledged writes (seed {seed})")
        code = seshat.kill(signal.SIGKILL)
        assert code == -signal.SIGKILL, f"exit code after SIGKILL: {code}"
        for w in writers:
            w.join(timeout=30)
            assert not w.is_alive(), f"{w.name} still running 30s after the kill"
            assert w.stopped_by is not None, f"{w.name} ended without a connection error"
        all_writers += writers
        seshat.start()
        client = seshat.client()
        problems = [p for w in all_writers for p in w.check(client)]
        acked = sum(w.acks() for w in writers)
        print(f"round {round_no}: killed after {acked} acknowledged writes (target {target}); "
              f"{sum(w.attempted for w in writers)} attempted")
        assert not problems, (f"round {round_no} (seed {seed}, {acked} acks this round): "
                              f"{len(problems)} problem(s):\n" + "\n".join(problems[:30]))


def test_sigterm_under_load_exits_zero_and_keeps_acks(seshat):
    writers = [Writer(seshat, f"term:{mode}", mode)
               for mode in ("single", "pipeline", "multi", "collections")]
    for w in writers:
        w.start()
    wait_until(lambda: sum(w.acks() for w in writers) >= 100, 60, "100 acknowledged writes")
    seshat.kill(signal.SIGTERM)
    assert seshat.wait_exit(30) == 0, seshat.log_tail()
    for w in writers:
        w.join(timeout=30)
        assert not w.is_alive()
    seshat.start()
    client = seshat.client()
    problems = [p for w in writers for p in w.check(client)]
    assert not problems, "\n".join(problems[:30])


# -- expiry -----------------------------------------------------------------------------------


def server_ms(client: redis.Redis) -> int:
    seconds, micros = client.time()
    return seconds * 1000 + micros // 1000


def test_active_expiry_purges_untouched_keys(seshat):
    client = seshat.client()
    client.mset({f"keep:{i}": i for i in range(5)})
    pipe = client.pipeline(transaction=False)
    for i in range(60):
        pipe.set(f"short:{i}", i, px=150 + i * 5)
    pipe.execute()
    assert client.dbsize() == 65
    # Only DBSIZE is asked: no command touches the expiring keys.
    wait_until(lambda: client.dbsize() == 5, 20, "DBSIZE to drop to 5 through active expiry")
    assert sorted(client.keys("*")) == [f"keep:{i}".encode() for i in range(5)]


def test_expired_keys_are_never_visible_before_purge(seshat_factory):
    # The active cycle is slowed down so that expired keys stay in storage during the checks.
    node = seshat_factory(active_expire_interval_ms=3_600_000)
    client = node.client()
    client.mset({f"live:{i}": i for i in range(3)})
    deadline_ms = server_ms(client) + 300
    pipe = client.pipeline(transaction=False)
    for i in range(40):
        pipe.set(f"gone:{i}", f"old{i}", pxat=deadline_ms)
    pipe.execute()
    assert client.exists(*[f"gone:{i}" for i in range(40)]) == 40
    wait_until(lambda: server_ms(client) > deadline_ms + 20, 10, "the server clock to pass expiry")

    live = sorted(f"live:{i}".encode() for i in range(3))
    assert sorted(client.keys("*")) == live
    assert sorted(client.scan_iter(count=3)) == live
    assert sorted(client.scan_iter(match="gone:*")) == []
    for _ in range(20):
        assert client.randomkey() in live

    checks = [
        ("GET", lambda k: client.get(k), None),
        ("EXISTS", lambda k: client.exists(k), 0),
        ("MGET", lambda k: client.mget(k, k), [None, None]),
        ("TTL", lambda k: client.ttl(k), -2),
        ("PTTL", lambda k: client.pttl(k), -2),
        ("STRLEN", lambda k: client.strlen(k), 0),
        ("TYPE", lambda k: client.type(k), b"none"),
        ("GETRANGE", lambda k: client.getrange(k, 0, -1), b""),
        ("GETDEL", lambda k: client.getdel(k), None),
        ("GETEX", lambda k: client.getex(k, ex=100), None),
        ("GETSET", lambda k: client.getset(k, "new"), None),
        ("SET GET", lambda k: client.set(k, "new", get=True), None),
        ("INCR", lambda k: client.incr(k), 1),
        ("APPEND", lambda k: client.append(k, "x"), 1),
        ("SETNX", lambda k: client.setnx(k, "x"), True),
        ("SET NX", lambda k: client.set(k, "x", nx=True), True),
        ("SET XX", lambda k: client.set(k, "x", xx=True), None),
        ("MSETNX", lambda k: client.msetnx({k: "x"}), True),
        ("EXPIRE", lambda k: client.expire(k, 100), False),
        ("PERSIST", lambda k: client.persist(k), False),
        ("TOUCH", lambda k: client.touch(k), 0),
        ("COPY", lambda k: client.copy(k, f"copy-of-{k}"), False),
        ("DEL", lambda k: client.delete(k), 0),
        ("UNLINK", lambda k: client.unlink(k), 0),
        ("RENAMENX", lambda k: _error_text(lambda: client.renamenx(k, "x")), "no such key"),
        ("RENAME", lambda k: _error_text(lambda: client.rename(k, "x")), "no such key"),
        ("SETRANGE", lambda k: client.setrange(k, 2, "x"), 3),
        ("INCRBYFLOAT", lambda k: client.incrbyfloat(k, 1.5), 1.5),
    ]
    problems = []
    for i, (name, call, want) in enumerate(checks):
        got = call(f"gone:{i}")
        if got != want:
            problems.append(f"{name} on an expired key: got {got!r}, want {want!r}")
    assert not problems, "\n".join(problems)
    index = {name: i for i, (name, _, _) in enumerate(checks)}
    assert client.get(f"gone:{index['SET NX']}") == b"x", "SET NX on an expired key stores"
    assert client.exists(f"copy-of-gone:{index['COPY']}") == 0

    # After a restart the expired keys that were never touched are still invisible.
    node.restart()
    client = node.client()
    untouched = [f"gone:{i}" for i in range(len(checks), 40)]
    assert client.mget(untouched) == [None] * len(untouched)
    assert not any(k.startswith(b"gone:") and k.decode() in untouched for k in client.keys("*"))


def _error_text(call) -> str:
    try:
        call()
    except redis.ResponseError as exc:
        return str(exc)
    return "no error"


# -- identity of the data directory ---------------------------------------------------------


def test_data_dir_of_another_node_id_refuses_to_start(seshat_process, tmp_path):
    first = seshat_process(node_id=1, workdir=tmp_path / "first")
    first.start()
    first.client().set("owned-by", "node-1")
    first.stop_clean()

    intruder = seshat_process(node_id=2, workdir=tmp_path / "second", data_dir=first.data_dir)
    intruder.spawn()
    code = intruder.wait_exit(30)
    output = intruder.log_text()
    assert code != 0, f"node 2 started on node 1's data dir\n{intruder.log_tail()}"
    assert code > 0, f"node 2 crashed (signal {-code}) instead of refusing\n{intruder.log_tail()}"
    assert re.search(r"node[ _-]?id", output, re.IGNORECASE), (
        f"the refusal does not mention the node id:\n{intruder.log_tail()}")

    first.start()  # the refusal lost nothing
    assert first.client().get("owned-by") == b"node-1"
    first.stop_clean()
