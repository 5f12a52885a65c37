"""The randomised nemesis (nemesis.py) against a three-node cluster under the workload, for
CHAOS_NEMESIS_SECONDS, in segments of CHAOS_SEGMENT_SECONDS. At the end of each segment every
fault is healed and the cluster must recover (a leader, every node caught up, writes
succeeding) within a deadline; then the finished keys are read back through every node, and that
segment's history is checked and dropped from memory. Within a segment the clients move to
fresh keys every ROTATE_S seconds.

Memory (RSS) and open files of every node process are sampled at each segment end. With
CHAOS_LONG=1 (`make chaos`), node1's process is never killed or restarted, and the test asserts
that its memory and open files stay flat over the run.

The seed is printed and written to the report; CHAOS_SEED=<seed> replays the same schedule.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from checking import check_history
from conftest import LONG_RUN, NEMESIS_S, SEGMENT_S
from harness import Unavailable, info_raft, wait_for
from nemesis import Nemesis

RECOVERY_DEADLINE_S = 60.0
# Clients move to fresh keys this often, so that no key collects many operations of unknown
# outcome (each one multiplies the checker's search).
ROTATE_S = 5.0
RSS_GROWTH_FACTOR = 1.25
RSS_GROWTH_SLACK_KIB = 32 * 1024
FD_GROWTH_SLACK = 32
WARM_UP_S = 600.0
# The keyspace is tiny and the Raft log is compacted every 500 entries: what a node keeps on
# disk should not depend on how long it has run. 256 MiB leaves room for a write-ahead log
# capped at 64 MiB (RocksDB's max_total_wal_size, storage/engine.h) plus memtable flushes and compactions.
DATA_BOUND_BYTES = 256 << 20
MIN_JUDGED_S = 600.0


def wait_recovered(c, wl) -> float:
    """After healing: every node up and caught up with the agreed leader, and a write
    succeeds. Returns how long it took."""
    started = time.monotonic()

    def everyone_caught_up():
        leader = c.poll_leader(deadline_s=1.0)
        if leader is None:
            return False
        li = info_raft(leader)
        if li is None:
            return False
        target = int(li["raft_commit_index"])
        infos = [info_raft(n) for n in c.nodes]
        return all(i is not None and int(i["raft_applied_index"]) >= target for i in infos)
    wait_for(everyone_caught_up, RECOVERY_DEADLINE_S, "the cluster to recover after healing",
             interval_s=0.1)
    wl.wait_ok_writes(1, RECOVERY_DEADLINE_S, since=time.monotonic())
    return time.monotonic() - started


def test_randomised_nemesis(chaos):
    """Randomised nemesis: process, network, clock and disk faults mixed at random (seeded),
    two at a time at most; every segment recovers after healing and is linearizable."""
    rng = random.Random(chaos.seed)
    c = chaos.cluster(start=False, options={"snapshot_interval_entries": 500})
    disk_problem = None
    if LONG_RUN:
        # A tmpfs holds its files in memory, and a node's RocksDB write-ahead log grows by
        # megabytes a second under this load until RocksDB's own bound (gigabytes): long runs
        # keep their data on disk.
        disk_problem = "long runs keep data directories on disk (a tmpfs would hold the " \
                       "growing write-ahead logs in memory); test_disk_full covers the fault"
    for n in ([] if LONG_RUN else c.nodes):
        try:
            # Large enough not to fill by itself in a short run (tmpfs takes memory only for
            # what is written); the disk-full fault fills it with a ballast file.
            c.use_small_filesystem(n, 1024)
        except Unavailable as exc:
            disk_problem = str(exc)
            break
    c.start()
    drop_problem = c.drop_supported()
    for what, problem in (("disk-full faults", disk_problem), ("message drops", drop_problem)):
        if problem:
            chaos.record.notes.append(f"{what} were not part of this run: {problem}")
            print(f"[chaos] {what} not available: {problem}")
    protected = [c.node(1)] if LONG_RUN else []
    nemesis = Nemesis(c, rng, disk_full=disk_problem is None, drops=drop_problem is None,
                      protected=protected)
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    samples = defaultdict(list)   # (node name, pid) -> [(t, rss KiB, open fds, data bytes)]
    started = time.monotonic()
    deadline = started + NEMESIS_S
    segment = 0
    recoveries = []
    first_gen = 0
    while time.monotonic() < deadline:
        segment_end = min(deadline, time.monotonic() + SEGMENT_S)
        next_rotation = time.monotonic() + ROTATE_S
        while time.monotonic() < segment_end:
            nemesis.step()
            if time.monotonic() >= next_rotation:
                wl.rotate()
                next_rotation = time.monotonic() + ROTATE_S
            time.sleep(0.1)  # the nemesis' pace: it looks at its faults ten times a second
        nemesis.heal_all()
        recoveries.append(wait_recovered(c, wl))
        now = time.monotonic() - started
        for n in c.nodes:
            samples[(n.name, n.proc.pid)].append((now, c.rss_kib(n), c.open_fds(n),
                                                  c.disk_bytes(n)))
        gen = wl.rotate()
        wl.wait_idle(gen)
        chaos.final_reads(c, wl, gens=list(range(first_gen, gen + 1)))
        ops = wl.take_segment(gen)
        first_gen = gen + 1
        check_history(chaos.record, ops, f"segment {segment} ({now:.0f}s)")
        print(f"[chaos] segment {segment}: {len(ops)} ops checked, recovered in "
              f"{recoveries[-1]:.2f}s, faults so far {len(nemesis.applied)}")
        segment += 1
    chaos.finish(c, wl, label="last segment")

    kinds = defaultdict(int)
    for f in nemesis.applied:
        kinds[f.split(" ")[0]] += 1
    chaos.record.metric("faults applied", len(nemesis.applied))
    chaos.record.metric("faults by kind", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    chaos.record.metric("segments checked", segment + 1)
    chaos.record.metric("recovery after healing: max / mean (s)",
                        f"{max(recoveries):.2f} / {sum(recoveries) / len(recoveries):.2f}")
    for (name, pid), rows in sorted(samples.items()):
        if len(rows) < 2:
            continue
        chaos.record.metric(f"{name} pid {pid} ({rows[0][0]:.0f}-{rows[-1][0]:.0f}s): RSS MiB, "
                            f"open fds, data MiB (first / max / last)",
                            f"{rows[0][1] / 1024:.1f} / {max(r[1] for r in rows) / 1024:.1f} / "
                            f"{rows[-1][1] / 1024:.1f}; {rows[0][2]} / "
                            f"{max(r[2] for r in rows)} / {rows[-1][2]}; "
                            f"{rows[0][3] / 2**20:.1f} / {max(r[3] for r in rows) / 2**20:.1f} / "
                            f"{rows[-1][3] / 2**20:.1f}")
    assert nemesis.applied, "the nemesis applied no fault"
    if LONG_RUN:
        watched = protected[0].name
        rows = max((r for (name, _), r in samples.items() if name == watched), key=len)
        step = max(1, len(rows) // 24)
        chaos.record.notes.append(
            f"{watched} over the run (s: RSS MiB, open fds, data MiB): " + "; ".join(
                f"{t:.0f}: {rss / 1024:.0f}, {fds}, {data / 2**20:.0f}"
                for t, rss, fds, data in rows[::step] + ([rows[-1]] if len(rows) % step else [])))
        assert_flat(chaos, watched, rows)


def assert_flat(chaos, name, rows) -> None:
    """Memory and open files of a process that lived through the run must not keep growing.
    The first WARM_UP_S (or third of the run) is left out: RocksDB's memtables and caches fill up
    to their configured sizes then. What remains is cut in halves; the second half's peak may
    exceed the first half's by RSS_GROWTH_FACTOR + RSS_GROWTH_SLACK_KIB, and by FD_GROWTH_SLACK
    descriptors."""
    end = rows[-1][0]
    warm = min(WARM_UP_S, end / 3)
    judged = [r for r in rows if r[0] >= warm]
    if end - warm < MIN_JUDGED_S or len(judged) < 4:
        chaos.record.notes.append(
            f"{name}: the run is too short to judge whether memory and open files stay flat "
            f"(needs {MIN_JUDGED_S:.0f}s after a warm-up of {warm:.0f}s); not asserted")
        return
    half = len(judged) // 2
    early, late = judged[:half], judged[half:]
    rss_early, rss_late = max(r[1] for r in early), max(r[1] for r in late)
    fds_early, fds_late = max(r[2] for r in early), max(r[2] for r in late)
    data_early, data_late = max(r[3] for r in early), max(r[3] for r in late)
    chaos.record.metric(f"{name} flatness, peaks of the first -> second half after {warm:.0f}s: "
                        f"RSS MiB / open fds / data MiB",
                        f"{rss_early / 1024:.1f} -> {rss_late / 1024:.1f} / {fds_early} -> "
                        f"{fds_late} / {data_early / 2**20:.0f} -> {data_late / 2**20:.0f}")
    problems = []
    if rss_late > rss_early * RSS_GROWTH_FACTOR + RSS_GROWTH_SLACK_KIB:
        problems.append(f"RSS kept growing: {rss_early} KiB -> {rss_late} KiB")
    if fds_late > fds_early + FD_GROWTH_SLACK:
        problems.append(f"open files kept growing: {fds_early} -> {fds_late}")
    if data_late > DATA_BOUND_BYTES:
        problems.append(f"the data directory reached {data_late / 2**20:.0f} MiB (bound "
                        f"{DATA_BOUND_BYTES / 2**20:.0f} MiB; the live data is a few MiB)")
    assert not problems, f"{name}: " + "; ".join(problems)
