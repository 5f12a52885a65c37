"""The search of the linearizability checker: one key's operations, searched from given start
configurations for an order that explains every result (the algorithm is described in
linearizability.py, which is the checker to use)."""

from __future__ import annotations

import math
import time
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from history import Op
from string_model import REJECT, compile_op

STATUS_OK = "ok"
STATUS_VIOLATION = "violation"
STATUS_UNKNOWN = "unknown"

class KeyOp(NamedTuple):
    index: int
    op: Op
    info: bool  # open-ended: takes effect after invoke or never, any result
    invoke: float
    complete: float  # math.inf when info


class Search:
    """The entries list of one key's operations, searched from given start configurations.

    A configuration is (ok, info, state): the linearized ok operations and info operations as two
    bitsets, and the model state. The cache maps (ok, state) to the info bitsets expanded with
    them; a configuration is a dead end when one of those is a subset of its own, since the info
    operations it applied on top could as well never have taken effect."""

    HEAD = 0

    def __init__(self, kops: Sequence[KeyOp]):
        n = len(kops)
        self.n = n
        self.tail = 2 * n + 1
        events = []
        for i, k in enumerate(kops):
            events.append((k.invoke, 0, i))  # kind 0 = call: sorts before a return at a tie
            events.append((math.inf if k.info else k.complete, 1, i))
        events.sort()
        size = 2 * n + 2
        self.is_call = [False] * size
        self.open_ended = [False] * size  # an info operation's return entry
        self.op_of = [-1] * size
        self.return_of = [-1] * size  # call entry -> its return entry
        self.call_entry = [-1] * n
        for position, (_, kind, i) in enumerate(events, start=1):
            self.op_of[position] = i
            if kind == 0:
                self.is_call[position] = True
                self.call_entry[i] = position
            else:
                self.return_of[self.call_entry[i]] = position
                self.open_ended[position] = kops[i].info
        self.infos = [k.info for k in kops]
        # Info operations that are alike (same function and argument) are interchangeable once
        # both are invoked: only the first one still unapplied is tried. twin[i] is the one
        # before i, or -1.
        self.twin = [-1] * n
        last_alike: Dict[Tuple[str, Optional[str]], int] = {}
        for i, k in enumerate(kops):
            if k.info:
                self.twin[i] = last_alike.get((k.op.f, k.op.arg), -1)
                last_alike[(k.op.f, k.op.arg)] = i
        self.blind = [k.op.f in ("set", "del") if k.info else k.op.f == "set" for k in kops]
        self.bit = []  # each operation's bit in the bitset of its kind
        counts = [0, 0]
        for k in kops:
            self.bit.append(1 << counts[k.info])
            counts[k.info] += 1
        compiled = [compile_op(k.op.f, k.op.arg, k.op.result, k.info) for k in kops]
        self.steps = [step for step, _ in compiled]
        self.pures = [pure for _, pure in compiled]
        self.furthest = 0  # the latest return entry a configuration stopped at

    def split(self, positions: Iterable[int]) -> Tuple[int, int]:
        """The (ok, info) bitsets of the operations at these positions."""
        ok = info = 0
        for p in positions:
            if self.infos[p]:
                info |= self.bit[p]
            else:
                ok |= self.bit[p]
        return ok, info

    def run(self, starts: Iterable[Tuple[int, int, Optional[str]]], cache: Cache,
            deadline: Optional[float], exhaustive: bool = False) -> str:
        """STATUS_OK if the operations not yet applied can be linearized after one of the start
        configurations (ok, info, state), STATUS_VIOLATION if not, STATUS_UNKNOWN past
        `deadline`. `cache` may be shared between calls over the same operations; after a
        violation it holds every configuration reachable from the starts, up to twins (module
        docstring). `exhaustive` goes on past linearizations found, to fill the cache; the
        outcome is then STATUS_VIOLATION or STATUS_UNKNOWN."""
        for ok, info, state in starts:
            if not first_visit(cache, ok, info, state):
                continue
            outcome = self._run_one(ok, info, state, cache, deadline, exhaustive)
            if outcome != STATUS_VIOLATION:
                return outcome
        return STATUS_VIOLATION

    def _run_one(self, ok: int, info: int, state: Optional[str], cache: Cache,
                 deadline: Optional[float], exhaustive: bool) -> str:
        head, tail = self.HEAD, self.tail
        nxt = list(range(1, tail + 1)) + [tail]
        prv = [head] + list(range(0, tail))
        is_call, open_ended, op_of, return_of = (self.is_call, self.open_ended, self.op_of,
                                                 self.return_of)
        steps, pures, infos, bit = self.steps, self.pures, self.infos, self.bit
        twin, blind = self.twin, self.blind
        for i in range(self.n):  # operations the start configuration has already applied
            if (info if infos[i] else ok) & bit[i]:
                for e in (self.call_entry[i], return_of[self.call_entry[i]]):
                    nxt[prv[e]] = nxt[e]
                    prv[nxt[e]] = prv[e]
        # The path: (call entry, state before it, whether it was forced).
        stack: List[Tuple[int, Optional[str], bool]] = []
        iterations = 0
        e = nxt[head]
        fresh = True  # at a configuration not looked at yet
        trying_info = False  # the window's ok calls are tried first, then its info calls
        # Whether the last operation applied was an info one. A linearization can always be
        # rewritten so that a run of info operations is not followed by a blind operation (an
        # ok set, an info set or del): the blind one makes the run irrelevant, and the run can
        # be left out (info operations need not take effect). Such configurations are skipped;
        # each has a twin with the same ok operations and state that the search reaches.
        run = False
        while True:
            iterations += 1
            if deadline is not None and not iterations & 1023 and time.monotonic() > deadline:
                return STATUS_UNKNOWN
            dead = False
            if fresh:
                # A pure operation that fits now goes first, with no alternative tried here: any
                # linearization from this configuration stays one with it moved to the front.
                fresh = False
                x = e
                while is_call[x]:
                    pure = pures[op_of[x]]
                    if pure is not None and pure(state):
                        break
                    x = nxt[x]
                if is_call[x]:
                    # Inline first_visit (this loop is the checker's whole cost).
                    configuration = (ok | bit[op_of[x]], state)
                    seen = cache.get(configuration)
                    if seen is None:
                        cache[configuration] = [info]
                    else:
                        for earlier in seen:
                            if not earlier & ~info:
                                seen = False
                                break
                        else:
                            seen.append(info)
                    if seen is not False:
                        stack.append((x, state, True))
                        run = False
                        ok = configuration[0]
                        r = return_of[x]  # lift the call and its return
                        nxt[prv[x]] = nxt[x]
                        prv[nxt[x]] = prv[x]
                        nxt[prv[r]] = nxt[r]
                        prv[nxt[r]] = prv[r]
                        e = nxt[head]
                        fresh = True
                        continue
                    dead = True
            if not dead:
                if is_call[e]:
                    i = op_of[e]
                    if (infos[i] == trying_info and pures[i] is None  # pure ones: see above
                            and (not infos[i] or twin[i] < 0 or info & bit[twin[i]])
                            and not (run and blind[i])):
                        new_state = steps[i](state)
                        if new_state is not REJECT:
                            if infos[i]:
                                new_ok, new_info = ok, info | bit[i]
                            else:
                                new_ok, new_info = ok | bit[i], info
                            configuration = (new_ok, new_state)
                            seen = cache.get(configuration)
                            if seen is None:
                                cache[configuration] = [new_info]
                            else:
                                for earlier in seen:
                                    if not earlier & ~new_info:
                                        seen = False
                                        break
                                else:
                                    seen.append(new_info)
                            if seen is not False:
                                stack.append((e, state, False))
                                run = infos[i]
                                ok, info, state = new_ok, new_info, new_state
                                r = return_of[e]
                                nxt[prv[e]] = nxt[e]
                                prv[nxt[e]] = prv[e]
                                nxt[prv[r]] = nxt[r]
                                prv[nxt[r]] = prv[r]
                                e = nxt[head]
                                fresh = True
                                trying_info = False
                                continue
                    e = nxt[e]
                    continue
                if e == tail or open_ended[e]:
                    if not exhaustive:
                        return STATUS_OK  # all linearized, or only info operations are left
                elif e > self.furthest:
                    self.furthest = e  # no linearization found so far gets past this return
                if not trying_info:
                    trying_info = True
                    e = nxt[head]
                    continue
            # Backtrack past the forced steps to the last choice, and try the next call after it.
            while True:
                if not stack:
                    return STATUS_VIOLATION
                x, state, forced = stack.pop()
                i = op_of[x]
                if infos[i]:
                    info ^= bit[i]
                else:
                    ok ^= bit[i]
                r = return_of[x]  # unlift, in the reverse order of the lift
                nxt[prv[r]] = r
                prv[nxt[r]] = r
                nxt[prv[x]] = x
                prv[nxt[x]] = x
                if not forced:
                    break
            trying_info = infos[op_of[x]]
            run = bool(stack) and infos[op_of[stack[-1][0]]]
            e = nxt[x]


Cache = Dict[Tuple[int, Optional[str]], List[int]]


def first_visit(cache: Cache, ok: int, info: int, state: Optional[str]) -> bool:
    """Record the configuration; False if it, or one with a subset of its info operations
    applied, was recorded before."""
    seen = cache.get((ok, state))
    if seen is None:
        cache[(ok, state)] = [info]
        return True
    for earlier in seen:
        if not earlier & ~info:
            return False
    seen.append(info)
    return True
