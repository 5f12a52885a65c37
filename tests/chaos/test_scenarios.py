"""The fault scenarios of nodes and links (the ones about state, snapshots, clocks and disks are
in test_scenarios_state.py): each starts its own three-node cluster with link proxies, runs the
workload recorder (ten clients by default) through the fault, asserts what must stay available
and what must be refused, reads every key back through every node, and checks the whole history
with the linearizability checker (zero violations; "unknown" fails too).

Durations come from CHAOS_PHASE_SECONDS (see conftest.py): `make test` runs them short.
Sleeping for PHASE_S is the fault's duration, never synchronisation: everything the test waits
for is polled with a deadline.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from typing import List, Optional

from conftest import PHASE_S
from harness import call, wait_for
from history import OK
from resp_client import ConnectionClosed, MalformedReply, RespConnection
from scenario_support import (ELECTION_LIMIT_S, beyond_lease, hold, ok_ops_on, raft_int,
                              record_availability, wait_caught_up, wait_steps_down)
from workload import Endpoint


def test_01_leader_failure(chaos):
    """1. Leader failure: the leader is SIGKILLed under load, twice; the survivors elect a new
    leader within 2 s and writes resume."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    resumed = []
    for _ in range(2):
        old = c.leader()
        struck = time.monotonic()
        c.kill(old)
        new, elapsed = c.wait_new_leader(old, c.others(old), struck)
        c.note(f"{new.name} leads after {elapsed:.3f}s")
        chaos.record.elections_s.append(elapsed)
        resumed.append(wl.wait_first_ok_after(struck, 15) - struck)
        hold(PHASE_S)
        c.start_node(old)
        wait_caught_up(c, old)
    chaos.record.metric("writes resumed after the kill (s)",
                        ", ".join(f"{r:.3f}" for r in resumed))
    chaos.finish(c, wl)
    assert max(chaos.record.elections_s) < ELECTION_LIMIT_S, \
        f"elections took {chaos.record.elections_s}"


def test_02_follower_failure(chaos):
    """2. Follower failure: a follower is SIGKILLed; the leader goes on with the other follower
    (writes keep succeeding), and the follower catches up after its restart."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    leader = c.leader()
    follower = c.others(leader)[0]
    struck = time.monotonic()
    c.kill(follower)
    hold(2 * PHASE_S)
    healed = time.monotonic()
    gap = record_availability(chaos, wl, "follower down", struck, healed)
    c.start_node(follower)
    caught = wait_caught_up(c, follower)
    chaos.record.metric("restarted follower caught up in (s)", f"{caught:.2f}")
    still = c.leader()
    chaos.finish(c, wl)
    assert still is leader, f"leadership moved from {leader.name} to {still.name}"
    assert wl.ops_between(struck, healed), "no write succeeded while the follower was down"
    assert gap < 2.0, f"writes stalled for {gap:.2f}s with two of three nodes up"


def test_03_two_one_partition(chaos):
    """3. 2-1 partition: a follower is cut off from both others (both directions). The majority
    keeps its leader and goes on; the minority serves nothing (no write, no linearizable read)
    and answers -CLUSTERDOWN once it knows it has no leader; after healing it catches up."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    leader = c.leader()
    lonely = c.others(leader)[0]
    struck = time.monotonic()
    c.isolate(lonely)
    cut_done = time.monotonic()  # operations invoked from here on cannot reach the others

    def refuses_with_clusterdown():
        reply = call(lonely, "SET", "minority-probe", "x", timeout=5)
        assert reply is None or reply.is_error, f"the minority accepted a write: {reply!r}"
        return reply is not None and reply.error_text.startswith("CLUSTERDOWN")
    wait_for(refuses_with_clusterdown, 10, f"{lonely.name} to answer CLUSTERDOWN")
    hold(PHASE_S)
    healed = time.monotonic()
    gap = record_availability(chaos, wl, "majority during the partition", struck, healed)
    served = ok_ops_on(wl, lonely, cut_done, healed)
    c.heal()
    caught = wait_caught_up(c, lonely)
    chaos.record.metric("minority caught up after healing in (s)", f"{caught:.2f}")
    still = c.leader()
    chaos.finish(c, wl)
    assert not served, f"the minority served {len(served)} operations, e.g. {served[:3]}"
    assert wl.ops_between(struck, healed), "the majority accepted no write"
    assert gap < 2.0, f"the majority stalled for {gap:.2f}s"
    assert still is leader, f"leadership moved from {leader.name} to {still.name} (PreVote " \
                            f"should keep the isolated follower from disrupting it)"


def test_04_asymmetric_partition(chaos):
    """4. Asymmetric partitions (one-way cuts). First the leader stops hearing from both
    followers while they still hear it: CheckQuorum makes it step down, and the followers elect
    one of themselves. Then the new leader's outgoing links are cut while it still hears the
    others: they elect a leader among themselves and their higher term deposes it. In both
    cases the old leader commits nothing after the cut, and serves no read beyond its lease."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    served = []
    for direction in ("inbound", "outbound"):
        old = c.leader()
        rest = c.others(old)
        struck = time.monotonic()
        for other in rest:
            if direction == "inbound":
                c.cut(other, old)
            else:
                c.cut(old, other)
        cut_done = time.monotonic()
        wait_steps_down(old)
        stepped = time.monotonic() - struck
        new, elapsed = c.wait_new_leader(old, rest, struck)
        c.note(f"{direction} cut: {old.name} stepped down after {stepped:.3f}s, "
               f"{new.name} leads after {elapsed:.3f}s")
        chaos.record.elections_s.append(elapsed)
        chaos.record.metric(f"{direction} cut: old leader stepped down after (s)", f"{stepped:.3f}")
        hold(PHASE_S)
        healed = time.monotonic()
        served += beyond_lease(chaos, old, ok_ops_on(wl, old, cut_done, healed),
                               f"{direction} cut")
        record_availability(chaos, wl, f"{direction} cut", struck, healed)
        c.heal()
        c.leader()
        wait_caught_up(c, old)
    chaos.finish(c, wl)
    assert not served, f"a cut-off old leader served {len(served)} operations: {served[:3]}"


def test_05_leader_isolation(chaos):
    """5. Leader isolation: the leader is cut off both ways. It cannot commit (it serves no
    write, and no read once its lease is over), it steps down, and the other two elect a new
    leader."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    old = c.leader()
    struck = time.monotonic()
    c.isolate(old)
    cut_done = time.monotonic()
    new, elapsed = c.wait_new_leader(old, c.others(old), struck)
    chaos.record.elections_s.append(elapsed)
    wait_steps_down(old)
    chaos.record.metric("isolated leader stepped down after (s)", f"{time.monotonic() - struck:.3f}")
    reply = call(old, "SET", "isolated-probe", "x", timeout=5)
    assert reply is not None and reply.is_error, f"the isolated node answered {reply!r}"
    hold(PHASE_S)
    healed = time.monotonic()
    served = beyond_lease(chaos, old, ok_ops_on(wl, old, cut_done, healed), "isolation")
    record_availability(chaos, wl, "isolation", struck, healed)
    c.heal()
    wait_caught_up(c, old)
    chaos.finish(c, wl)
    assert not served, f"the isolated leader served {len(served)} operations: {served[:3]}"
    assert elapsed < ELECTION_LIMIT_S, f"the new leader took {elapsed:.3f}s"


def test_06_cascading_failures(chaos):
    """6. Cascading failures: a follower dies (the cluster goes on), then the leader dies. The
    lone survivor refuses everything (no ok operation at all: unavailable, never wrong). The
    cluster recovers when the nodes come back."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    leader = c.leader()
    first, survivor = c.others(leader)
    t1 = time.monotonic()
    c.kill(first)
    hold(PHASE_S)
    t2 = time.monotonic()
    record_availability(chaos, wl, "one node down", t1, t2)
    assert wl.ops_between(t1, t2), "no write succeeded with two nodes up"
    c.kill(leader)
    t2 = time.monotonic()  # from here on one node of three is up
    hold(2 * PHASE_S)
    t3 = time.monotonic()
    served = [op for op in wl.ops_between(t2, t3, fs=("set", "get", "del", "incr", "append"))
              if op.invoke >= t2]
    reply = call(survivor, "SET", "lonely-probe", "x", timeout=5)
    c.start_node(first)
    recovered = wl.wait_first_ok_after(t3, 20) - t3
    chaos.record.metric("writes resumed after the first node returned (s)", f"{recovered:.3f}")
    c.start_node(leader)
    wait_caught_up(c, leader)
    chaos.finish(c, wl)
    assert not served, f"{len(served)} operations succeeded with one node of three: {served[:3]}"
    assert reply is not None and reply.is_error, f"the lone node answered {reply!r}"


class TransactionClient(threading.Thread):
    """MULTI; INCR {t}x; INCR {t}y; EXEC in a loop, and MGET {t}x {t}y: both counters must
    always be equal, whether a transaction was applied or not."""

    def __init__(self, endpoints: List[Endpoint]):
        super().__init__(name="tx-client", daemon=True)
        self.endpoints = endpoints
        self.by_addr = {f"{e.host}:{e.port}": e for e in endpoints}
        self.target = endpoints[0]
        self.stop_flag = threading.Event()
        self.applied = 0
        self.unknown = 0
        self.problems: List[str] = []
        self.mgets = 0

    def run(self) -> None:
        conn: Optional[RespConnection] = None
        i = 0
        while not self.stop_flag.is_set():
            i += 1
            try:
                if conn is None:
                    conn = RespConnection(self.target.host, self.target.port, timeout=4)
                if i % 3 == 0:
                    reply = conn.call("MGET", "{t}x", "{t}y")
                    if reply.kind == "*":
                        x, y = (r.value for r in reply.value)
                        self.mgets += 1
                        if x != y:
                            self.problems.append(f"MGET saw x={x!r} y={y!r}")
                    elif self.follow(reply):
                        conn.close()
                        conn = None
                    continue
                replies = conn.pipeline([["MULTI"], ["INCR", "{t}x"], ["INCR", "{t}y"],
                                         ["EXEC"]])
                exec_reply = replies[-1]
                if exec_reply.kind == "*" and exec_reply.value is not None:
                    a, b = (r.value for r in exec_reply.value)
                    self.applied += 1
                    if a != b:
                        self.problems.append(f"EXEC returned {a} and {b}")
                elif exec_reply.is_error and exec_reply.error_text.startswith("TRYAGAIN"):
                    self.unknown += 1
                else:
                    for r in replies:
                        if r.is_error:
                            if self.follow(r):
                                conn.close()
                                conn = None
                            break
            except (OSError, ConnectionClosed, MalformedReply):
                self.unknown += 1
                if conn is not None:
                    conn.close()
                conn = None
                self.target = self.endpoints[i % len(self.endpoints)]
                time.sleep(0.05)  # back off before reconnecting
                continue
        if conn is not None:
            conn.close()

    def follow(self, reply) -> bool:
        """Takes a MOVED to heart: True when the target changed (the caller must connect to it;
        a connection to the old target would only be told MOVED again, forever)."""
        text = reply.error_text or ""
        m = re.search(r"MOVED \d+ (\S+)", text)
        if m and m.group(1) in self.by_addr:
            moved = self.by_addr[m.group(1)] is not self.target
            self.target = self.by_addr[m.group(1)]
            return moved
        time.sleep(0.05)  # no leader yet: back off
        return False


def test_07_leader_killed_during_writes(chaos):
    """7. The leader is SIGKILLed during writes, three times. Each write is applied wholly or not
    at all: the checker proves it for single-key writes (INCR counters included), and a
    transaction client checks that MULTI/EXEC increments of two keys are never seen apart."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    tx = TransactionClient([Endpoint(n.name, n.host, n.port) for n in c.nodes])
    tx.start()
    wl.wait_ok_writes(30, 15)
    for _ in range(3):
        old = c.leader()
        struck = time.monotonic()
        c.kill(old)
        _, elapsed = c.wait_new_leader(old, c.others(old), struck)
        chaos.record.elections_s.append(elapsed)
        hold(PHASE_S / 2)
        c.start_node(old)
        wait_caught_up(c, old)
    tx.stop_flag.set()
    tx.join(timeout=15)
    ops = chaos.finish(c, wl)
    leader = c.leader()
    final = call(leader, "MGET", "{t}x", "{t}y", timeout=5)
    x, y = (int(r.value or 0) for r in final.value)
    chaos.record.metric("transactions applied / unknown / final {t}x,{t}y",
                        f"{tx.applied} / {tx.unknown} / {x},{y}")
    assert not tx.problems, tx.problems[:5]
    assert x == y, f"the two counters of one transaction differ: {x} != {y}"
    assert tx.applied <= x <= tx.applied + tx.unknown, \
        f"{x} transactions applied; {tx.applied} acknowledged, {tx.unknown} unknown"
    assert tx.applied > 0 and tx.mgets > 0
    # Counters: every acknowledged INCR returned a distinct value, and the final value lies
    # between the acknowledged count and the acknowledged plus unknown count.
    for key in {op.key for op in ops if op.f == "incr"}:
        incrs = [op for op in ops if op.key == key and op.f == "incr"]
        acked = [op.result for op in incrs if op.status == OK]
        unknown = sum(1 for op in incrs if op.status == "info")
        assert len(acked) == len(set(acked)), f"{key}: two INCRs returned the same value"
        value = call(leader, "GET", key, timeout=5).value
        value = int(value) if value is not None else 0
        assert len(acked) <= value <= len(acked) + unknown, \
            f"{key} is {value} after {len(acked)} acknowledged and {unknown} unknown INCRs"


def test_08_full_cluster_restart(chaos):
    """8. Full cluster restart: all three nodes SIGKILLed at once and restarted, then all three
    stopped with SIGTERM and restarted. Every acknowledged write is still there (the final reads
    through every node are checked against the whole history)."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    for how in ("SIGKILL", "SIGTERM"):
        hold(PHASE_S)
        for n in c.nodes:
            if how == "SIGKILL":
                c.kill(n)
            else:
                c.expected_down.add(n)
                assert n.stop() == 0, f"{n.name} did not exit cleanly\n{n.log_tail()}"
                c.note(f"SIGTERM {n.name}")
        down = time.monotonic()
        for n in c.nodes:
            n.spawn()
        for n in c.nodes:
            n.start_wait()
            c.expected_down.discard(n)
        c.note(f"restarted every node after {how}")
        c.leader()
        resumed = wl.wait_first_ok_after(down, 20) - down
        chaos.record.metric(f"after {how} of every node, writes resumed after (s)",
                            f"{resumed:.3f}")
    hold(PHASE_S)
    chaos.finish(c, wl)


def test_09_latency_on_every_link(chaos):
    """9. 100 ms of added latency on every directed link: the cluster stays available (no stall
    over 2 s) and correct, and writes really pay the two delayed hops."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    term = raft_int(c.leader(), "raft_term")
    c.delay_all(100)
    struck = time.monotonic()
    hold(3 * PHASE_S)
    ended = time.monotonic()
    ok = wl.ops_between(struck + 0.5, ended)
    latencies = sorted(op.complete - op.invoke for op in ok)
    gap = record_availability(chaos, wl, "100 ms latency", struck, ended)
    c.heal()
    terms = raft_int(c.leader(), "raft_term") - term
    if latencies:
        chaos.record.metric("write latency under 100 ms links: median / p99 (s)",
                            f"{statistics.median(latencies):.3f} / "
                            f"{latencies[int(0.99 * (len(latencies) - 1))]:.3f}")
    chaos.record.metric("elections during the latency phase", terms)
    chaos.finish(c, wl)
    assert len(ok) >= 10, f"only {len(ok)} writes succeeded with 100 ms links"
    assert gap < 2.0, f"writes stalled for {gap:.2f}s"
    assert statistics.median(latencies) >= 0.19, \
        f"median write latency {statistics.median(latencies):.3f}s: the delay did not apply"
