"""The workload recorder: concurrent clients that run SET, GET, DEL, INCR, APPEND, RPUSH and LRANGE
against the
cluster and record every operation in the format of `history.py`.

Each client is a thread with its own connections (one per node it talks to, with a socket
timeout), running one operation at a time. Keys come in three groups, each with the commands
whose results the checker can model:

  registers  r<gen>.<i>   SET (a value written once in the whole run), GET, DEL
  counters   c<gen>.<i>   INCR, GET
  appends    a<gen>.<i>   APPEND (a token written once in the whole run), GET
  lists      l<gen>.<i>   RPUSH (a token written once in the whole run), LRANGE 0 -1

`gen` is the key generation: `rotate()` moves every client to fresh keys, so that one key's
history stays small enough for the checker in long runs, and the finished generation can be
checked and forgotten (`take_segment`).

Classifying replies (see history.py and docs/cluster-compat.md):
  ok    the server answered the command (including INCR's "not an integer" error, which is
        the command's own semantics)
  fail  the command was refused before it was proposed, so it did not happen: -MOVED (the
        client follows it: its next operation goes to the named node), -CLUSTERDOWN,
        -READONLY, -NOSPACE (a member's disk is below the reserve), or the connection could
        not be opened (nothing was sent)
  info  unknown: -TRYAGAIN (it was proposed and may still commit), a socket timeout, or a
        connection lost after the request was sent. After an info the client takes a new
        process number, because its unfinished operation may still take effect at any time.
Any other error is recorded as info and listed in `unexpected` (the tests assert it is empty).
"""

from __future__ import annotations

import random
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import Error, FAIL, INFO, OK, Op  # noqa: E402
from resp_client import ConnectionClosed, MalformedReply, Reply, RespConnection  # noqa: E402

WRITES = ("set", "del", "incr", "append", "rpush")
READS = ("get", "lrange")
COMMANDS = {"set": "SET", "get": "GET", "del": "DEL", "incr": "INCR", "append": "APPEND",
            "rpush": "RPUSH", "lrange": "LRANGE"}


class Endpoint:
    def __init__(self, name: str, host: str, port: int):
        self.name = name
        self.host = host
        self.port = port


def classify(f: str, reply: Reply) -> Tuple[str, object, Optional[str]]:
    """(status, result, redirect "host:port" or None) for one reply."""
    if reply.is_error:
        text = reply.error_text or ""
        word = text.split(" ", 1)[0]
        if word == "MOVED":
            parts = text.split()
            return FAIL, None, parts[2] if len(parts) >= 3 else None
        if word in ("CLUSTERDOWN", "READONLY", "NOSPACE"):
            return FAIL, None, None
        if word == "TRYAGAIN":
            return INFO, None, None
        if f == "incr" and text.startswith("ERR value is not an integer"):
            return OK, Error(text), None
        return INFO, ("unexpected", text), None
    if f == "set":
        if reply.kind == "+" and reply.value == b"OK":
            return OK, "OK", None
    elif f == "lrange":
        if reply.kind == "*" and isinstance(reply.value, list):
            tokens = [item.value.decode() for item in reply.value]
            return OK, " ".join(tokens) if tokens else None, None
    elif f == "get":
        if reply.kind == "$":
            return OK, None if reply.value is None else reply.value.decode(), None
        if reply.kind == "_":
            return OK, None, None
    elif reply.kind == ":":
        return OK, int(reply.value), None
    return INFO, ("unexpected", repr(reply)), None


class Workload:
    def __init__(self, endpoints: Sequence[Endpoint], clients: int = 10, seed: int = 0,
                 keys_per_group: int = 4, op_timeout_s: float = 4.0,
                 connect_timeout_s: float = 1.0, readonly_clients: int = 3,
                 think_s: float = 0.002, value_pad: int = 0):
        self.endpoints = list(endpoints)
        self.by_addr = {f"{e.host}:{e.port}": e for e in self.endpoints}
        self.n_clients = clients
        self.seed = seed
        self.keys_per_group = keys_per_group
        self.op_timeout_s = op_timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.readonly_clients = readonly_clients
        self.think_s = think_s
        self.pad = "." * value_pad                   # makes SET values bigger (disk tests)
        self.gen = 0
        self.lock = threading.Lock()
        self.ops: Dict[int, List[Op]] = {}          # generation -> operations
        self.totals: Counter = Counter()             # (status) and (f, status), all time
        self.unexpected: List[str] = []
        self._stop = threading.Event()
        self._threads: List[_Client] = []
        self._next_process = clients                 # fresh process numbers after an info
        self.started_at: Optional[float] = None

    # -- control ---------------------------------------------------------------------------
    def start(self) -> "Workload":
        self.started_at = time.monotonic()
        for i in range(self.n_clients):
            t = _Client(self, i, random.Random(f"{self.seed}/{i}"),
                        readonly=i < self.readonly_clients)
            self._threads.append(t)
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=self.op_timeout_s + self.connect_timeout_s + 5)
            t.close_all()
        stuck = [t.name for t in self._threads if t.is_alive()]
        assert not stuck, f"workload clients did not stop: {stuck}"

    def new_process(self) -> int:
        with self.lock:
            p = self._next_process
            self._next_process += 1
            return p

    def record(self, op: Op, gen: int) -> None:
        with self.lock:
            self.ops.setdefault(gen, []).append(op)
            self.totals[op.status] += 1
            self.totals[(op.f, op.status)] += 1
            if op.status == INFO and isinstance(op.result, tuple):
                self.unexpected.append(f"{op.f} {op.key} on {op.node}: {op.result[1]}")
                op.result = None

    # -- segments --------------------------------------------------------------------------
    def rotate(self) -> int:
        """Moves new operations to fresh keys; returns the generation that was current."""
        with self.lock:
            old = self.gen
            self.gen += 1
            return old

    def take_segment(self, gen: int, deadline_s: float = 30.0) -> List[Op]:
        """Waits until no client still runs an operation of generation `gen` or older, then
        removes and returns those operations (sorted by invocation)."""
        self.wait_idle(gen, deadline_s)
        with self.lock:
            out = []
            for g in [g for g in self.ops if g <= gen]:
                out.extend(self.ops.pop(g))
        out.sort(key=lambda op: op.invoke)
        return out

    def wait_idle(self, gen: int, deadline_s: float = 30.0) -> None:
        """Waits until no client runs an operation of generation `gen` or older."""
        deadline = time.monotonic() + deadline_s
        while any(t.busy_gen is not None and t.busy_gen <= gen for t in self._threads):
            if time.monotonic() > deadline:
                raise AssertionError(f"clients still busy with generation {gen}")
            time.sleep(0.01)

    def history(self) -> List[Op]:
        """Every operation recorded and not yet taken (call after stop())."""
        with self.lock:
            out = [op for ops in self.ops.values() for op in ops]
        out.sort(key=lambda op: op.invoke)
        return out

    # -- queries for availability assertions -----------------------------------------------
    def ops_between(self, t1: float, t2: float, fs=WRITES, status: str = OK) -> List[Op]:
        with self.lock:
            return [op for ops in self.ops.values() for op in ops
                    if op.f in fs and op.status == status and t1 <= op.complete <= t2]

    def first_ok_after(self, t: float, fs=WRITES) -> Optional[float]:
        """Completion time of the first ok write invoked after `t`."""
        with self.lock:
            times = [op.complete for ops in self.ops.values() for op in ops
                     if op.f in fs and op.status == OK and op.invoke >= t]
        return min(times) if times else None

    def longest_gap(self, t1: float, t2: float, fs=WRITES) -> float:
        """The longest stretch within [t1, t2] without an ok write completing."""
        times = sorted(op.complete for op in self.ops_between(t1, t2, fs))
        points = [t1] + times + [t2]
        return max(b - a for a, b in zip(points, points[1:]))

    def wait_first_ok_after(self, t: float, deadline_s: float) -> float:
        """Waits for an ok write invoked at or after `t` and returns when it completed. (A write
        invoked just before `t` may complete after it: counting completions alone, as
        wait_ok_writes does, can be satisfied by such a write.)"""
        deadline = time.monotonic() + deadline_s
        while (first := self.first_ok_after(t)) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"no ok write invoked after the event within {deadline_s}s")
            time.sleep(0.02)
        return first

    def wait_ok_writes(self, count: int, deadline_s: float, since: Optional[float] = None) -> None:
        since = time.monotonic() if since is None else since
        deadline = time.monotonic() + deadline_s
        while len(self.ops_between(since, float("inf"))) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} ok writes within {deadline_s}s")
            time.sleep(0.02)

    def keys(self, group: str, gen: Optional[int] = None) -> List[str]:
        g = self.gen if gen is None else gen
        return [f"{group}{g}.{i}" for i in range(self.keys_per_group)]


class _Client(threading.Thread):
    def __init__(self, wl: Workload, index: int, rng: random.Random, readonly: bool):
        super().__init__(name=f"client-{index}", daemon=True)
        self.wl = wl
        self.rng = rng
        self.readonly = readonly
        self.process = index
        self.seq = 0
        self.conns: Dict[int, RespConnection] = {}
        self.target = rng.choice(wl.endpoints)   # where writes (and plain reads) go
        self.home = rng.choice(wl.endpoints)     # where READONLY reads go
        self.busy_gen: Optional[int] = None

    # -- connections -----------------------------------------------------------------------
    def close_all(self) -> None:
        for conn in self.conns.values():
            conn.close()
        self.conns.clear()

    def drop(self, ep: Endpoint) -> None:
        conn = self.conns.pop(ep.port, None)
        if conn is not None:
            conn.close()

    def connect(self, ep: Endpoint) -> RespConnection:
        conn = self.conns.get(ep.port)
        if conn is not None:
            return conn
        conn = RespConnection(ep.host, ep.port, timeout=self.wl.connect_timeout_s)
        conn.sock.settimeout(self.wl.op_timeout_s)
        if self.readonly:
            try:
                reply = conn.call("READONLY")
            except (OSError, ConnectionClosed, MalformedReply):
                conn.close()
                raise OSError("READONLY got no answer")
            if reply.is_error:
                conn.close()
                raise OSError(f"READONLY answered {reply!r}")
        self.conns[ep.port] = conn
        return conn

    # -- the loop ----------------------------------------------------------------------------
    def choose(self, gen: int) -> Tuple[str, str, Optional[str]]:
        rng = self.rng
        group = rng.choice("rrrccaall")
        key = f"{group}{gen}.{rng.randrange(self.wl.keys_per_group)}"
        self.seq += 1
        if group == "r":
            f = rng.choices(("set", "get", "del"), (45, 40, 15))[0]
            arg = f"{self.process}-{self.seq}{self.wl.pad}" if f == "set" else None
        elif group == "c":
            f = rng.choices(("incr", "get"), (60, 40))[0]
            arg = None
        elif group == "a":
            f = rng.choices(("append", "get"), (60, 40))[0]
            arg = f"{self.process}.{self.seq};" if f == "append" else None
        else:
            f = rng.choices(("rpush", "lrange"), (60, 40))[0]
            arg = f"{self.process}.{self.seq}" if f == "rpush" else None
        return f, key, arg

    def run(self) -> None:
        wl = self.wl
        while not wl._stop.is_set():
            # Taking the generation and declaring it busy in one step: once rotate() returns,
            # a client either is already busy with the old generation (take_segment waits for
            # it) or will use the new one.
            with wl.lock:
                gen = wl.gen
                self.busy_gen = gen
            f, key, arg = self.choose(gen)
            ep = self.home if (f in READS and self.readonly) else self.target
            try:
                self.one(ep, f, key, arg, gen)
            finally:
                self.busy_gen = None
            if wl.think_s:
                time.sleep(self.rng.uniform(0, 2 * wl.think_s))  # pacing, not synchronisation

    def backoff(self) -> None:
        time.sleep(self.rng.uniform(0.02, 0.08))

    def retarget(self, avoid: Endpoint) -> None:
        others = [e for e in self.wl.endpoints if e is not avoid] or self.wl.endpoints
        if self.target is avoid:
            self.target = self.rng.choice(others)
        if self.home is avoid:
            self.home = self.rng.choice(others)

    def one(self, ep: Endpoint, f: str, key: str, arg: Optional[str], gen: int) -> None:
        wl = self.wl
        args = [COMMANDS[f], key] + ([arg] if arg is not None else [])
        if f == "lrange":
            args += ["0", "-1"]
        invoke = time.monotonic()
        try:
            conn = self.connect(ep)
        except OSError:
            # Nothing was sent: the operation certainly did not happen.
            wl.record(Op(self.process, f, key, arg, FAIL, None, invoke, time.monotonic(),
                         ep.name), gen)
            self.retarget(ep)
            self.backoff()
            return
        invoke = time.monotonic()
        try:
            reply = conn.call(*args)
        except (OSError, ConnectionClosed, MalformedReply, socket.timeout):
            complete = time.monotonic()
            wl.record(Op(self.process, f, key, arg, INFO, None, invoke, complete, ep.name), gen)
            self.drop(ep)
            self.process = wl.new_process()
            self.retarget(ep)
            return
        complete = time.monotonic()
        status, result, redirect = classify(f, reply)
        wl.record(Op(self.process, f, key, arg, status, result, invoke, complete, ep.name), gen)
        if status == OK:
            return
        if status == INFO:
            self.process = wl.new_process()
            self.backoff()
            return
        if redirect is not None and redirect in wl.by_addr:
            self.target = wl.by_addr[redirect]
        else:
            if reply.error_text and reply.error_text.startswith("CLUSTERDOWN") and \
                    not (f in READS and self.readonly):
                self.target = self.rng.choice(wl.endpoints)
            self.backoff()


class Probe:
    """Reads sent on connections opened ahead of time, for the paused-leader scenario: the test
    opens them before pausing a node, sends while it is paused, and collects the answers after it
    resumes. Each read is an operation of the history with its own process number."""

    def __init__(self, wl: Workload, ep: Endpoint, keys: Sequence[str], timeout_s: float):
        self.wl = wl
        self.ep = ep
        self.keys = list(keys)
        self.timeout_s = timeout_s
        self.conns = [RespConnection(ep.host, ep.port, timeout=timeout_s) for _ in self.keys]
        self.sent: List[Tuple[int, str, float, int]] = []

    def send(self) -> None:
        for conn, key in zip(self.conns, self.keys):
            gen = int(key[1:].split(".")[0])
            process = self.wl.new_process()
            invoke = time.monotonic()
            conn.send("GET", key)
            self.sent.append((process, key, invoke, gen))

    def collect(self) -> List[Op]:
        out = []
        for conn, (process, key, invoke, gen) in zip(self.conns, self.sent):
            try:
                reply = conn.read_reply()
                status, result, _ = classify("get", reply)
            except (OSError, ConnectionClosed, MalformedReply, socket.timeout):
                status, result = INFO, None
            op = Op(process, "get", key, None, status, result, invoke, time.monotonic(),
                    self.ep.name)
            self.wl.record(op, gen)
            out.append(op)
            conn.close()
        return out
