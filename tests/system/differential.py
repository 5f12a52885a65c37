"""The differential runner: the same steps go to Seshat and to redis-server, replies compared.

A case is a list of steps. A step is a command (a tuple of arguments, sent on client 0), or one
of the step classes below. Steps run interleaved (Seshat, then Redis, then the next step), so
time-dependent replies differ only by the time between the two sends.

Replies are compared byte for byte, except where a difference is legitimate; `equivalent`
holds that short list (TTL tolerance, the order of KEYS and of a hash's fields, TIME, RANDOMKEY,
per-connection ids, server identity in HELLO/INFO/CLIENT LIST). Nothing else is normalised.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from resp_client import (ConnectionClosed, MalformedReply, Reply, RespConnection, describe,
                         to_bytes)

# -- steps ----------------------------------------------------------------------------------


class Step:
    client = 0


class On(Step):
    """A command sent on another client of the same server (WATCH tests)."""

    def __init__(self, client: int, *args):
        self.client = client
        self.args = args

    def __repr__(self) -> str:
        return f"On({self.client}, {self.args!r})"


@dataclass
class ScanAll(Step):
    """Iterates SCAN (or, with `key`, HSCAN of that hash) from cursor 0 until the cursor is 0
    again; compares the set of keys (of field/value pairs)."""
    match: Optional[bytes] = None
    count: Optional[int] = None
    type: Optional[str] = None
    client: int = 0
    key: Optional[bytes] = None

    def args_after_cursor(self) -> List:
        args = []
        if self.match is not None:
            args += ["MATCH", self.match]
        if self.count is not None:
            args += ["COUNT", self.count]
        if self.type is not None:
            args += ["TYPE", self.type]
        return args


@dataclass
class Raw(Step):
    """Bytes written as they are (inline commands, hand-made pipelines); `replies` are read."""
    data: bytes
    replies: int
    client: int = 0


@dataclass
class Case:
    name: str
    steps: List
    protocol: int = 2  # 3: every client sends HELLO 3 first
    tags: Tuple[str, ...] = field(default_factory=tuple)

    def plain(self) -> bool:
        """True when every step is a command on client 0 (the case can be pipelined)."""
        return all(isinstance(s, (tuple, list)) for s in self.steps)


def case(name: str, *steps, protocol: int = 2) -> Case:
    return Case(name, list(steps), protocol)


# -- comparison -----------------------------------------------------------------------------

# Tolerances for replies that depend on the moment a command ran.
_TTL_TOLERANCE = {b"TTL": 1, b"EXPIRETIME": 1, b"PTTL": 1000, b"PEXPIRETIME": 1000}


def command_name(args: Sequence) -> bytes:
    return to_bytes(args[0]).upper() if args else b""


def subcommand_name(args: Sequence) -> bytes:
    return to_bytes(args[1]).upper() if len(args) > 1 else b""


def _both(a: Reply, b: Reply, kind: str) -> bool:
    return a.kind == kind and b.kind == kind


def _map_keys(reply: Reply) -> Optional[List[bytes]]:
    """Keys of a RESP3 map, or of a RESP2 flat key/value array."""
    if not isinstance(reply.value, list):
        return None
    items = reply.value
    return [items[i].value for i in range(0, len(items), 2)]


def equivalent(args: Sequence, a: Reply, b: Reply) -> bool:
    """Are two replies to `args` the same, up to what legitimately differs between servers?"""
    if a.is_error or b.is_error or a.kind == "+" or b.kind == "+":
        return a.raw == b.raw  # errors, +OK and +QUEUED are never normalised
    name = command_name(args)
    if name in _TTL_TOLERANCE and _both(a, b, ":"):
        if a.value < 0 or b.value < 0:
            return a.value == b.value
        return abs(a.value - b.value) <= _TTL_TOLERANCE[name]
    if name in (b"KEYS", b"HKEYS", b"HVALS") and a.kind == b.kind and isinstance(a.value, list):
        return isinstance(b.value, list) and sorted(r.raw for r in a.value) == sorted(
            r.raw for r in b.value)
    if name == b"HGETALL" and a.kind == b.kind and isinstance(a.value, list):
        # Field/value pairs in any order (a RESP2 flat array, or a RESP3 map).
        def pairs(r: Reply):
            items = [x.raw for x in r.value]
            return sorted(zip(items[0::2], items[1::2]))
        return isinstance(b.value, list) and pairs(a) == pairs(b)
    if name == b"TIME":
        return _time_shape(a) and _time_shape(b) and abs(
            int(a.value[0].value) - int(b.value[0].value)) <= 5
    if name in (b"HRANDFIELD", b"SRANDMEMBER", b"SPOP", b"ZRANDMEMBER"):
        return _hrandfield_equivalent(args, a, b)
    if name in (b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF") and a.kind == b.kind and \
            isinstance(a.value, list) and isinstance(b.value, list):
        return sorted(r.raw for r in a.value) == sorted(r.raw for r in b.value)
    if name == b"RANDOMKEY":
        # Membership in the keyspace is checked by the runner on each side.
        return a.kind == b.kind and (a.value is None) == (b.value is None)
    if name in (b"SCAN", b"HSCAN"):
        # Cursors and the split of keys between calls are the server's business; ScanAll
        # compares contents. A single SCAN is compared by shape.
        return _scan_shape(a) and _scan_shape(b)
    if name == b"CLIENT" and subcommand_name(args) == b"ID":
        return _both(a, b, ":")
    if name == b"CLIENT" and subcommand_name(args) in (b"LIST", b"INFO"):
        return a.kind == b.kind and isinstance(a.value, bytes) and isinstance(b.value, bytes)
    if name == b"INFO":
        return a.kind == b.kind and isinstance(a.value, bytes) and isinstance(b.value, bytes)
    if name == b"HELLO":
        # Server name, version and connection id differ by nature; keys and proto must not.
        keys_a, keys_b = _map_keys(a), _map_keys(b)
        if a.kind != b.kind or keys_a is None or keys_a != keys_b:
            return False
        proto_a = a.value[keys_a.index(b"proto") * 2 + 1].raw if b"proto" in keys_a else None
        proto_b = b.value[keys_b.index(b"proto") * 2 + 1].raw if b"proto" in keys_b else None
        return proto_a == proto_b
    return a.raw == b.raw


def _hrandfield_equivalent(args: Sequence, a: Reply, b: Reply) -> bool:
    """Random members (HRANDFIELD, SRANDMEMBER, SPOP): the same shape and size; distinct ones
    for a positive count; the very same ones when the count covers the whole collection."""
    if a.kind != b.kind:
        return False
    if not isinstance(a.value, list) or not isinstance(b.value, list):
        return (a.value is None) == (b.value is None) and type(a.value) is type(b.value)
    if len(a.value) != len(b.value):
        return False
    count = int(args[2]) if len(args) > 2 else 1
    flat_pairs = len(args) > 3 and bool(b.value) and b.value[0].kind == "$"
    raws_a = [r.raw for r in a.value]
    raws_b = [r.raw for r in b.value]
    if count > 0 and len(raws_b) < count * (2 if flat_pairs else 1):
        return sorted(raws_a) == sorted(raws_b)  # the whole hash
    if count > 0:
        fields = raws_a[0::2] if flat_pairs else raws_a
        return len(set(fields)) == len(fields)
    return True


def _time_shape(r: Reply) -> bool:
    return (r.kind == "*" and isinstance(r.value, list) and len(r.value) == 2
            and all(x.kind == "$" and x.value.isdigit() for x in r.value))


def _scan_shape(r: Reply) -> bool:
    return (r.kind == "*" and isinstance(r.value, list) and len(r.value) == 2
            and r.value[0].kind == "$" and r.value[0].value.isdigit()
            and r.value[1].kind == "*")


def equivalent_exec(queued: List[Sequence], a: Reply, b: Reply) -> bool:
    """EXEC replies: element-wise with the normalisation of the command queued at that place."""
    if a.kind != "*" or b.kind != "*" or a.value is None or b.value is None:
        return a.raw == b.raw
    if len(a.value) != len(b.value) or len(a.value) != len(queued):
        return a.raw == b.raw
    return all(equivalent(q, x, y) for q, x, y in zip(queued, a.value, b.value))


# -- running --------------------------------------------------------------------------------

STEP_TIMEOUT_S = 10.0  # no single step of a case may take longer (a hang fails the case)


class CaseStopped(Exception):
    """A step left a connection out of step (its mismatch is already reported)."""


class Side:
    """One server's connections and per-client transaction bookkeeping."""

    def __init__(self, label: str, host: str, port: int, protocol: int):
        self.label = label
        self.host = host
        self.port = port
        self.protocol = protocol
        self.conns: Dict[int, RespConnection] = {}
        self.queued: Dict[int, Optional[List]] = {}
        self.hello_replies: List[Reply] = []

    def conn(self, client: int) -> RespConnection:
        if client not in self.conns:
            conn = RespConnection(self.host, self.port, timeout=STEP_TIMEOUT_S)
            if self.protocol == 3:
                self.hello_replies.append(conn.call("HELLO", "3"))
            self.conns[client] = conn
            self.queued[client] = None
        return self.conns[client]

    def call(self, client: int, args: Sequence) -> Reply:
        reply = self.conn(client).call(*args)
        self.track(client, args, reply)
        return reply

    def track(self, client: int, args: Sequence, reply: Reply) -> None:
        name = command_name(args)
        if name == b"MULTI" and reply.kind == "+":
            self.queued[client] = []
        elif name in (b"EXEC", b"DISCARD", b"RESET"):
            self.queued[client] = None
        elif self.queued.get(client) is not None and reply.kind == "+" and reply.value == b"QUEUED":
            self.queued[client].append(args)

    def in_multi(self, client: int) -> bool:
        return self.queued.get(client) is not None

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()
        self.conns.clear()


def flushall(host: str, port: int) -> None:
    with RespConnection(host, port) as conn:
        reply = conn.call("FLUSHALL")
        assert reply.kind == "+", f"FLUSHALL on {host}:{port} answered {reply!r}"


def scan_all(side: Side, step: ScanAll) -> Tuple[Optional[List[bytes]], Optional[Reply]]:
    """Returns (sorted keys, None), or (None, error reply). Bounded: at most 10000 calls."""
    conn = side.conn(step.client)
    cursor = b"0"
    keys = []
    command = ("SCAN",) if step.key is None else ("HSCAN", step.key)
    for _ in range(10000):
        reply = conn.call(*command, cursor, *step.args_after_cursor())
        if reply.is_error or not _scan_shape(reply):
            return None, reply
        cursor = reply.value[0].value
        items = [r.value for r in reply.value[1].value]
        if step.key is None:
            keys += items
        else:
            keys += list(zip(items[0::2], items[1::2]))
        if cursor == b"0":
            return sorted(set(keys)) if step.key is not None else sorted(keys), None
    raise AssertionError(f"{side.label}: SCAN did not finish in 10000 calls")


class Mismatch:
    def __init__(self, index: int, step, detail: str):
        self.index = index
        self.step = step
        self.detail = detail

    def __str__(self) -> str:
        return f"  step {self.index}: {format_step(self.step)}\n{self.detail}"


def format_step(step) -> str:
    if isinstance(step, (tuple, list)):
        return " ".join(_short(a) for a in step)
    if isinstance(step, On):
        return f"[client {step.client}] " + " ".join(_short(a) for a in step.args)
    return repr(step) if len(repr(step)) < 200 else repr(step)[:200] + "..."


def _short(arg) -> str:
    data = to_bytes(arg)
    text = repr(data)[2:-1] if not data.isascii() or b" " in data or not data else data.decode()
    return text if len(text) <= 60 else f"{text[:40]}...<{len(data)} bytes>"


def run_case(case_: Case, target: Tuple[str, int], reference: Tuple[str, int],
             target_label: str = "seshat") -> List[Mismatch]:
    """Runs a case on both servers (both must be empty) and returns the mismatches."""
    sides = [Side(target_label, *target, case_.protocol), Side("redis", *reference, case_.protocol)]
    mismatches: List[Mismatch] = []

    def differ(index, step, replies: Dict[str, object]) -> None:
        text = "\n".join(f"    {label:>7}: {value}" for label, value in replies.items())
        mismatches.append(Mismatch(index, step, text))

    try:
        for index, step in enumerate(case_.steps):
            try:
                run_step(index, step, sides, differ)
            except CaseStopped:
                break
            except (OSError, ConnectionClosed, MalformedReply) as exc:
                differ(index, step, {"error": f"{type(exc).__name__}: {exc} (case stopped here)"})
                break
        if case_.protocol == 3:
            for a, b in zip(sides[0].hello_replies, sides[1].hello_replies):
                if not equivalent(("HELLO", "3"), a, b):
                    differ(-1, ("HELLO", "3"), {sides[0].label: describe(a),
                                                sides[1].label: describe(b)})
    finally:
        for side in sides:
            side.close()
    return mismatches


def run_step(index, step, sides: List[Side], differ) -> None:
    """Runs one step on both sides and reports differences through `differ`."""
    if isinstance(step, (tuple, list, On)):
        client = step.client if isinstance(step, On) else 0
        args = step.args if isinstance(step, On) else step
        queued = sides[1].queued.get(client) if client in sides[1].queued else None
        replies = [side.call(client, args) for side in sides]
        if command_name(args) == b"EXEC" and queued is not None:
            same = equivalent_exec(queued, *replies)
        else:
            same = equivalent(args, *replies)
        if not same:
            differ(index, step, {s.label: describe(r) for s, r in zip(sides, replies)})
        if command_name(args) == b"RANDOMKEY":
            for side, reply in zip(sides, replies):
                if reply.kind == "$" and reply.value is not None and not side.in_multi(client):
                    exists = side.conn(client).call("EXISTS", reply.value)
                    if exists.value != 1:
                        differ(index, step, {side.label: f"RANDOMKEY returned "
                                             f"{reply.value!r}, which does not exist"})
    elif isinstance(step, ScanAll):
        results = [scan_all(side, step) for side in sides]
        if results[0] != results[1]:
            differ(index, step, {s.label: (keys if err is None else describe(err))
                                 for s, (keys, err) in zip(sides, results)})
    elif isinstance(step, Raw):
        per_side = []
        for side in sides:
            conn = side.conn(step.client)
            conn.send_raw(step.data)
            replies = []
            for _ in range(step.replies):
                try:
                    replies.append(conn.read_reply())
                except (OSError, ConnectionClosed, MalformedReply) as exc:
                    replies.append(f"<{type(exc).__name__}: {exc}>")
                    break
            per_side.append(replies)
        shown = [[describe(r) if isinstance(r, Reply) else r for r in replies]
                 for replies in per_side]
        if shown[0] != shown[1] or any(not isinstance(r, Reply) for r in per_side[0] + per_side[1]):
            differ(index, step, {side.label: ", ".join(replies) for side, replies in
                                 zip(sides, shown)})
            if any(not isinstance(r, Reply) for r in per_side[0] + per_side[1]):
                raise CaseStopped()  # the connection is out of step: end the case
    else:
        raise TypeError(f"unknown step {step!r}")


def run_pipelined(cases: Sequence[Case], target: Tuple[str, int], reference: Tuple[str, int],
                  target_label: str = "seshat") -> List[str]:
    """Sends every command of `cases` (separated by FLUSHALL) in one write per server, then
    compares the replies one by one. Only cases made of plain commands qualify."""
    commands: List[Tuple[str, Sequence]] = []
    for c in cases:
        assert c.plain() and c.protocol == 2, c.name
        commands.append(("(separator)", ("FLUSHALL",)))
        commands += [(c.name, step) for step in c.steps]
    replies = {}
    for label, (host, port) in ((target_label, target), ("redis", reference)):
        with RespConnection(host, port, timeout=15) as conn:
            replies[label] = conn.pipeline([cmd for _, cmd in commands])
    problems = []
    queued: Optional[List] = None
    for i, (name, cmd) in enumerate(commands):
        a, b = replies[target_label][i], replies["redis"][i]
        cmd_name = command_name(cmd)
        if cmd_name == b"EXEC" and queued is not None:
            same = equivalent_exec(queued, a, b)
        elif cmd_name == b"RANDOMKEY":
            same = a.kind == b.kind  # membership is covered by the step-by-step run
        else:
            same = equivalent(cmd, a, b)
        if cmd_name == b"MULTI" and b.kind == "+":
            queued = []
        elif cmd_name in (b"EXEC", b"DISCARD"):
            queued = None
        elif queued is not None and b.kind == "+" and b.value == b"QUEUED":
            queued.append(cmd)
        if not same:
            problems.append(f"  [{name}] #{i} {format_step(cmd)}\n    {target_label:>7}: "
                            f"{describe(a)}\n    {'redis':>7}: {describe(b)}")
    return problems


def report(case_name: str, mismatches: Sequence) -> str:
    return f"{len(mismatches)} mismatch(es) in {case_name}:\n" + "\n".join(str(m) for m in mismatches)


def wait_until(condition: Callable[[], bool], timeout: float, what: str,
               interval: float = 0.02) -> None:
    """Polls `condition` until true; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)  # poll interval; the condition is re-checked
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
