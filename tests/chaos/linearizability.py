"""A linearizability checker for client histories of Redis string commands (history.py).

A history is linearizable when every operation can be given an instant between its invocation
and its completion such that applying the operations one at a time, in the order of those
instants, to a single copy of the data gives every operation the result its client saw. The data
is modelled by string_model.py (set, get, del, incr, append on one string key; rpush and lrange
on one list key).

Per-key partitioning. Linearizability is local (Herlihy and Wing): a history is linearizable if
and only if the sub-history of each object is. Every command we record touches one key, so each
key is checked on its own, as Porcupine does: many small searches instead of one whose size
grows exponentially with the number of keys.

The search: Wing and Gong's, with Lowe's memoization. Each operation contributes a call entry at
`invoke` and a return entry at `complete` to one list sorted by time; at equal times calls sort
before returns, so operations that merely touch count as concurrent (a clock tie never makes a
violation). The search walks the list from its head. A call entry whose operation the model
accepts in the current state is linearized: its call and return entries are lifted out of the
list and the walk restarts at the head. Meeting a return entry means that operation had to take
effect before anything further: the search backtracks, popping the last operation it linearized,
putting its entries back (unlifting) and trying the next call after it. The list empties when
every operation is linearized. A loop with an explicit stack, never Python recursion.
Memoization: a configuration is the set of linearized operations (ints as bitsets) and the model
state; what can follow a configuration does not depend on how it was reached, so each one is
expanded once. Pruning that never loses a linearization (each skipped configuration has a twin
with the same linearized ok operations and state that the search does expand):
  - a pure operation (get; del returning 0; incr returning an Error) that fits the current state
    is linearized at once, with no alternative tried: it changes nothing wherever it fits, so
    moving it earlier keeps any linearization valid;
  - see "info operations" below.

Operations whose outcome is unknown. "fail" operations did not happen and are dropped. An "info"
operation may have taken effect at any instant after its invocation, or never: its return entry
sits at +infinity, any result is accepted, and it may be left out, so once the walk meets an
open-ended return entry (they are all at the end) only info operations remain and the history
is linearizable. An info get has no effect and nothing to explain, so it is dropped. Info
operations are tried after the ok ones at each configuration, and:
  - a configuration that differs from an expanded one only by applying more info operations is
    not expanded again (the extra ones could as well never have taken effect);
  - alike info operations (same function and argument) are applied in invocation order;
  - after an info operation, a blind one (an ok set; an info set or del) is not tried: it would
    erase the run of info operations before it, which could then be left out.
Many info operations pending at once can still make a failing search exponential; the time
budget then reports "unknown".

Time budget. `time_limit_s` bounds the search of each key (and, separately, the re-check of a
violation's window). A key whose search runs out is "unknown", never "ok".

Explaining a violation: the window
----------------------------------
The search records the latest return entry at which any configuration stopped. Its operation o
is "the operation that cannot be placed": no order of the history gets past o's completion (the
pruning above only skips configurations whose twins hold at least as many ok operations, so the
furthest point is exact). Let c be o's invocation and D the ok operations completed before c.
Every linearization passes through a configuration holding all of D and none of the operations
invoked at or after c: a cut configuration. A second search, exhaustive, over the operations
invoked before c lists the cut configurations (up to twins with the same ok operations and
state, so every state the key can hold at the cut is listed). The window W is the ok operations
that complete between c and o's completion, o included. From no cut configuration can W be
linearized: that would be a reachable configuration past o's completion. So the window, with
the states the key can hold at its start (and which window operations had already taken effect
in them), is a self-contained proof built from the failing operation and the operations that
overlapped it. It is checked on its own before being reported; a window that linearizes would
be a bug in this file (RuntimeError). Then the pure operations other than o are left out one at
a time while the window still fails: leaving out an operation that changes nothing cannot turn a
linearizable history into one that is not, so the smaller window is still a proof. Writes stay,
since leaving one out could.

Run on a saved history:  /usr/bin/python3 tests/chaos/linearizability.py HISTORY.jsonl
Exit status 0 linearizable, 1 violation, 2 unknown (time budget), 3 unreadable input.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from history import FAIL, FUNCTIONS, INFO, OK, Error, Op, load
from linearizability_search import (STATUS_OK, STATUS_UNKNOWN, STATUS_VIOLATION, Cache, KeyOp,
                                    Search)
from string_model import apply, result_matches

__all__ = ["check", "CheckResult", "KeyResult", "Violation", "NumberedOp", "format_violation",
           "format_result", "describe_op", "main", "apply", "result_matches", "STATUS_OK",
           "STATUS_VIOLATION", "STATUS_UNKNOWN"]


# ---------------------------------------------------------------------------------------------
# Results.


class NumberedOp(NamedTuple):
    index: int  # position in the list given to check() (the line of a saved history, from 0)
    op: Op


@dataclass
class Violation:
    key: str
    op: NumberedOp  # the operation that cannot be placed: nothing gets past its completion
    window: List[NumberedOp]  # the ok operations completing between op's invocation and
    #                           completion that the proof needs, op included (module docstring)
    # The configurations the earlier history allows at the window's start: the key's state and
    # the window operations (by index) already applied then.
    start_configs: List[Tuple[Optional[str], Tuple[int, ...]]] = field(default_factory=list)
    context: List[NumberedOp] = field(default_factory=list)  # last ops completed before it
    confirmed: bool = True  # False when re-checking the window ran out of time

    @property
    def start_states(self) -> List[Optional[str]]:
        return sorted({state for state, _ in self.start_configs}, key=repr)


@dataclass
class KeyResult:
    key: str
    status: str  # STATUS_OK, STATUS_VIOLATION or STATUS_UNKNOWN
    ops: int  # operations checked (fail operations excluded)
    elapsed_s: float
    violation: Optional[Violation] = None


@dataclass
class CheckResult:
    status: str  # "violation" if any key has one, else "unknown" if any key ran out, else "ok"
    keys: Dict[str, KeyResult]
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    @property
    def keys_checked(self) -> int:
        return len(self.keys)

    @property
    def ops_checked(self) -> int:
        return sum(k.ops for k in self.keys.values())

    @property
    def violations(self) -> List[Violation]:
        return [k.violation for k in self.keys.values() if k.violation is not None]

    @property
    def unknown(self) -> List[str]:
        return [k.key for k in self.keys.values() if k.status == STATUS_UNKNOWN]


# ---------------------------------------------------------------------------------------------
# Checking a history.


def _partition(ops: Sequence[Op]) -> Tuple[Dict[str, List[KeyOp]], Dict[str, int]]:
    """Per key: the operations to search, sorted by invocation, and how many were checked."""
    by_key: Dict[str, List[KeyOp]] = {}
    counts: Dict[str, int] = {}
    for index, op in enumerate(ops):
        if op.f not in FUNCTIONS:
            raise ValueError(f"operation {index}: unknown function {op.f!r}")
        if op.status not in (OK, FAIL, INFO):
            raise ValueError(f"operation {index}: unknown status {op.status!r}")
        if op.f in ("set", "append", "rpush") and not isinstance(op.arg, str):
            raise ValueError(f"operation {index}: {op.f} needs a str argument")
        if op.status == FAIL:
            continue
        info = op.status == INFO
        if not info and not op.complete >= op.invoke:
            raise ValueError(f"operation {index}: completes before it is invoked")
        counts[op.key] = counts.get(op.key, 0) + 1
        by_key.setdefault(op.key, [])
        if info and op.f in ("get", "lrange"):
            continue  # no effect, no result to explain
        complete = math.inf if info else float(op.complete)
        by_key[op.key].append(KeyOp(index, op, info, float(op.invoke), complete))
    for kops in by_key.values():
        kops.sort(key=lambda k: (k.invoke, k.index))
    return by_key, counts


def check(ops: Sequence[Op], time_limit_s: Optional[float] = None) -> CheckResult:
    """Check a history for linearizability, key by key. `time_limit_s` bounds each key's search
    (and separately each violation's explanation); None means no bound."""
    started = time.monotonic()
    by_key, counts = _partition(ops)
    keys: Dict[str, KeyResult] = {}
    for key in sorted(by_key):
        keys[key] = _check_key(key, by_key[key], counts[key], time_limit_s)
    statuses = {k.status for k in keys.values()}
    status = (STATUS_VIOLATION if STATUS_VIOLATION in statuses else
              STATUS_UNKNOWN if STATUS_UNKNOWN in statuses else STATUS_OK)
    return CheckResult(status, keys, time.monotonic() - started)


def _deadline(time_limit_s: Optional[float]) -> Optional[float]:
    return None if time_limit_s is None else time.monotonic() + time_limit_s


def _check_key(key: str, kops: List[KeyOp], count: int,
               time_limit_s: Optional[float]) -> KeyResult:
    started = time.monotonic()
    search = Search(kops)
    status = search.run([(0, 0, None)], {}, _deadline(time_limit_s))
    violation = None
    if status == STATUS_VIOLATION:
        violation = _explain(key, kops, search, _deadline(time_limit_s))
    return KeyResult(key, status, count, time.monotonic() - started, violation)


def _explain(key: str, kops: List[KeyOp], search: Search,
             deadline: Optional[float]) -> Violation:
    """The window of a failed search and its start configurations, re-checked on their own (see
    the module docstring)."""
    stop = search.furthest  # the return entry of the operation that cannot be placed
    failing = search.op_of[stop]
    cut = search.call_entry[failing]
    ret = [search.return_of[search.call_entry[p]] for p in range(len(kops))]
    window = [p for p, x in enumerate(kops) if not x.info and cut < ret[p] <= stop]
    before = sorted((p for p, x in enumerate(kops) if not x.info and ret[p] < cut),
                    key=lambda p: ret[p])[-3:]

    def violation(window: List[int], starts: Iterable[Tuple[Tuple[int, ...], Optional[str]]],
                  confirmed: bool) -> Violation:
        return Violation(key, NumberedOp(kops[failing].index, kops[failing].op),
                         [NumberedOp(kops[p].index, kops[p].op) for p in window],
                         sorted({(state, tuple(sorted(kops[p].index for p in applied)))
                                 for applied, state in starts},
                                key=lambda c: (len(c[1]), repr(c[0]), c[1])),
                         [NumberedOp(kops[p].index, kops[p].op) for p in before], confirmed)

    # The cut configurations: all those of the operations invoked before the failing one that
    # hold every ok operation completed before it was invoked. (The main search cannot say: it
    # may have linearized later pure operations before reaching them.)
    earlier = [p for p in range(len(kops)) if search.call_entry[p] < cut]
    prefix = Search([kops[p] for p in earlier])
    cache: Cache = {}
    if prefix.run([(0, 0, None)], cache, deadline, exhaustive=True) == STATUS_UNKNOWN:
        return violation(window, [], confirmed=False)
    done, _ = prefix.split(j for j, p in enumerate(earlier) if not kops[p].info and ret[p] < cut)
    spanning = [(j, p) for j, p in enumerate(earlier) if p in window]
    in_window, _ = prefix.split(j for j, _ in spanning)
    starts = {(tuple(p for j, p in spanning if ok & prefix.bit[j]), state)
              for ok, state in {(ok & in_window, state) for ok, state in cache
                                if ok & done == done}}
    if not starts:
        raise RuntimeError(f"key {key!r}: no configuration reaches the window; checker bug")

    def fails(ops: List[int]) -> str:
        """Whether these window operations fail from every cut configuration."""
        return Search([kops[p] for p in ops]).run(
            [(sum(1 << j for j, p in enumerate(ops) if p in applied), 0, state)
             for applied, state in starts], {}, deadline)

    outcome = fails(window)
    if outcome == STATUS_OK:
        raise RuntimeError(f"key {key!r}: the violation window linearizes; checker bug")
    # Leave out the pure operations the proof does not need, one at a time.
    for p in [p for p in window if p != failing and search.pures[p] is not None]:
        if outcome == STATUS_VIOLATION:
            smaller = [q for q in window if q != p]
            if fails(smaller) == STATUS_VIOLATION:
                window = smaller
    return violation(window, [(tuple(p for p in applied if p in window), state)
                              for applied, state in starts], outcome == STATUS_VIOLATION)


# ---------------------------------------------------------------------------------------------
# Reports.


def _show(value: object, limit: int = 40) -> str:
    if isinstance(value, Error):
        return f"Error({value.message!r})"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + "...'"


def describe_op(op: Op) -> str:
    """`set 'k' 'a' -> 'OK'`; an info operation's result shows as `?`."""
    parts = [op.f, _show(op.key)] + ([_show(op.arg)] if op.arg is not None else [])
    result = "?" if op.status == INFO else _show(op.result)
    return " ".join(parts) + " -> " + result


def format_violation(v: Violation) -> str:
    lines = [f"key {v.key!r}: not linearizable"]
    origin = min(n.op.invoke for n in v.window)

    def row(mark: str, n: NumberedOp, note: str = "") -> str:
        complete = "info" if n.op.status == INFO else f"{(n.op.complete - origin) * 1e3:+.3f}"
        return (f"  {mark} #{n.index:<7} {n.op.process:<7} {(n.op.invoke - origin) * 1e3:+12.3f}"
                f" {complete:>12}  {describe_op(n.op)}{note}")

    lines.append(f"  operation #{v.op.index} cannot be placed: no order of the operations below,"
                 " started from any state")
    lines.append("  the earlier history allows, gives them all their results")
    if not v.confirmed:
        lines.append("  (the window's own check ran out of time: it is not confirmed)")
    states = [_show(s) for s in v.start_states] or ["(not worked out: out of time)"]
    lines.append("  before the window the key could hold: " + ", ".join(states[:10])
                 + (f" (and {len(states) - 10} more)" if len(states) > 10 else ""))
    applied = sorted({i for _, ops in v.start_configs for i in ops})
    if applied:
        lines.append("    (in some of those states #" + ", #".join(map(str, applied))
                     + " had already taken effect)")
    lines.append(f"    {'op':<8} {'client':<7} {'invoke ms':>12} {'complete ms':>12}  operation")
    for n in v.window:
        lines.append(row(">" if n.index == v.op.index else " ", n,
                         "   <- cannot be placed" if n.index == v.op.index else ""))
    if v.context:
        lines.append(f"  context, the last operations completed before #{v.op.index} was invoked:")
        lines.extend(row(" ", n) for n in v.context)
    return "\n".join(lines)


def format_result(result: CheckResult) -> str:
    head = (f"{result.keys_checked} keys, {result.ops_checked} operations, "
            f"{result.elapsed_s:.2f} s")
    if result.ok:
        return f"linearizable: {head}"
    lines = [f"{result.status.upper()}: {head}"]
    lines.extend(format_violation(v) for v in result.violations)
    if result.unknown:
        lines.append("unknown (search exceeded the time budget) for keys: "
                     + ", ".join(repr(k) for k in result.unknown))
    return "\n".join(lines)


EXIT_CODES = {STATUS_OK: 0, STATUS_VIOLATION: 1, STATUS_UNKNOWN: 2}
EXIT_BAD_INPUT = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 means "unknown" here, not a usage error
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _Parser(description="Check a saved history (JSON lines, history.py) for "
                     "linearizability. Exit 0 ok, 1 violation, 2 unknown, 3 bad input.")
    parser.add_argument("history", type=Path)
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="bound on each key's search; a key that runs out is unknown")
    args = parser.parse_args(argv)
    try:
        ops = load(args.history)
        result = check(ops, args.time_limit)
    except (OSError, ValueError, TypeError, KeyError) as e:
        print(f"cannot check {args.history}: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(format_result(result))
    return EXIT_CODES[result.status]


if __name__ == "__main__":
    sys.exit(main())
