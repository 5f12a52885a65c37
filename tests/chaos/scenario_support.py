"""Helpers the fault scenarios share (test_scenarios.py, test_scenarios_state.py): waiting for a
node to catch up or step down, reading INFO raft, and recording availability."""

from __future__ import annotations

import time

from harness import ChaosCluster, info_raft, wait_for
from history import OK
from workload import Workload

ELECTION_LIMIT_S = 2.0


def hold(seconds: float) -> None:
    """Lets a fault last (or the workload run) this long. Not a synchronisation."""
    time.sleep(seconds)


def raft_int(node, field: str) -> int:
    info = info_raft(node)
    assert info is not None, f"{node.name} did not answer INFO raft"
    return int(info[field])


def wait_caught_up(c: ChaosCluster, node, deadline_s: float = 30.0) -> float:
    """Waits until `node` has applied everything the leader had committed when called; returns
    how long it took."""
    started = time.monotonic()
    target = raft_int(c.leader(), "raft_commit_index")

    def applied():
        info = info_raft(node)
        return info is not None and int(info["raft_applied_index"]) >= target
    wait_for(applied, deadline_s, f"{node.name} to apply up to index {target}")
    return time.monotonic() - started


def wait_steps_down(node, deadline_s: float = 10.0) -> None:
    def stepped_down():
        info = info_raft(node)
        return info is not None and info.get("raft_role") != "StateLeader"
    wait_for(stepped_down, deadline_s, f"{node.name} to step down")


def ok_ops_on(wl: Workload, node, since: float, until: float, fs=None) -> list:
    """Ok operations served by `node`, invoked at or after `since` and completed by `until`."""
    with wl.lock:
        return [op for ops in wl.ops.values() for op in ops
                if op.node == node.name and op.status == OK and op.invoke >= since
                and op.complete <= until and (fs is None or op.f in fs)]


def beyond_lease(chaos, node, served: list, label: str) -> list:
    """Of the operations `node` answered after it was cut off from its quorum while leading,
    those that nothing explains: with read_mode lease, a read invoked before the node's last
    lease ran out is linearizable (the checker judges it with the rest), so only writes and
    later reads remain; with readindex, every one of them."""
    if chaos.read_mode != "lease":
        return served
    # The lease end is this machine's wall clock; the workload records its monotonic clock.
    lease_end = raft_int(node, "raft_lease_expiry_ms") / 1000 - (time.time() - time.monotonic())
    reads = [op for op in served if op.f in ("get", "lrange") and op.invoke < lease_end]
    chaos.record.metric(f"{label}: reads the cut-off leader served within its lease", len(reads))
    return [op for op in served if op not in reads]


def record_availability(chaos, wl: Workload, label: str, t1: float, t2: float) -> float:
    ok = wl.ops_between(t1, t2)
    gap = wl.longest_gap(t1, t2)
    chaos.record.metric(f"{label}: ok writes / longest gap", f"{len(ok)} / {gap:.2f} s")
    return gap
