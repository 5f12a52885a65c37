"""The fault scenarios about state: snapshots and compaction under load, clock skew, a paused
leader, a wiped follower, a full disk and message loss. Each runs as test_scenarios.py's do (its
own cluster, the workload recorder, every key read back, the linearizability checker).
"""

from __future__ import annotations

import time

import pytest

from conftest import PHASE_S
from harness import Unavailable, call, info_raft, wait_for
from history import OK
from resp_client import RespConnection
from scenario_support import (ELECTION_LIMIT_S, hold, raft_int,
                              record_availability, wait_caught_up, wait_steps_down)
from workload import Endpoint, Probe


def test_10_snapshots_and_compaction_under_load(chaos):
    """10. Snapshots and log compaction under load (snapshot_interval_entries = 100): every
    node keeps compacting, a follower that was down past the compaction point catches up
    through a snapshot, and memory (RSS) and disk use of every node stay bounded."""
    interval = 100
    c = chaos.cluster(options={"snapshot_interval_entries": interval})
    wl = chaos.workload(c, keys_per_group=6)
    wl.wait_ok_writes(30, 15)
    samples = {n.name: [] for n in c.nodes}

    def sample():
        for n in c.up():
            samples[n.name].append((c.rss_kib(n), c.disk_bytes(n)))

    sample()
    baseline = {n.name: samples[n.name][-1] for n in c.nodes}
    loaded_from = time.monotonic()
    leader = c.leader()
    follower = c.others(leader)[0]
    before = follower.log_text().count("installed snapshot")
    behind = raft_int(follower, "raft_applied_index")
    c.kill(follower)
    # The leader keeps half an interval of log behind its snapshot: once its snapshot index is
    # a whole interval past what the follower had, the follower can only come back by snapshot.
    wait_for(lambda: raft_int(leader, "raft_snapshot_index") > behind + interval, 30,
             "the leader to compact past the stopped follower")
    end = time.monotonic() + 2 * PHASE_S
    while time.monotonic() < end:
        sample()
        hold(0.25)
        wl.rotate()
    c.start_node(follower)
    wait_caught_up(c, follower)
    installed = follower.log_text().count("installed snapshot") - before
    end = time.monotonic() + 2 * PHASE_S
    while time.monotonic() < end:
        sample()
        hold(0.25)
        wl.rotate()
    sample()
    elapsed = time.monotonic() - loaded_from
    lags = {}
    for n in c.nodes:
        info = info_raft(n)
        lags[n.name] = int(info["raft_applied_index"]) - int(info["raft_snapshot_index"])
        rss = [s[0] for s in samples[n.name]]
        disk = [s[1] for s in samples[n.name]]
        chaos.record.metric(f"{n.name} RSS MiB start / max / end",
                            f"{baseline[n.name][0] / 1024:.1f} / {max(rss) / 1024:.1f} / "
                            f"{rss[-1] / 1024:.1f}")
        chaos.record.metric(f"{n.name} data dir MiB start / max / end (grew "
                            f"{(disk[-1] - baseline[n.name][1]) / 2**20 / elapsed:.1f} MiB/s)",
                            f"{baseline[n.name][1] / 2**20:.1f} / {max(disk) / 2**20:.1f} / "
                            f"{disk[-1] / 2**20:.1f}")
    chaos.record.metric("applied index minus snapshot index at the end", lags)
    chaos.record.metric("snapshots installed by the restarted follower", installed)
    chaos.finish(c, wl)
    assert installed >= 1, f"{follower.name} caught up without a snapshot"
    for name, lag in lags.items():
        assert lag <= 2 * interval, f"{name} has {lag} entries since its last compaction"
    for name, rows in samples.items():
        rss_max = max(r for r, _ in rows)
        disk_max = max(d for _, d in rows)
        assert rss_max <= baseline[name][0] + 256 * 1024, \
            f"{name} RSS grew from {baseline[name][0]} KiB to {rss_max} KiB"
        assert disk_max <= baseline[name][1] + 256 * 2**20, \
            f"{name} data grew from {baseline[name][1]} to {disk_max} bytes"


def test_11_clock_skew(chaos):
    """11. One node's wall clock runs 30 s ahead (libfaketime). As a follower and then as the
    leader it changes nothing: the cluster stays available (no stall over 2 s outside the
    election we cause) and the history is linearizable. Raft time is monotonic, so only wall
    clock users (expiry stamps, TIME) see the skew.

    libfaketime also shifts gRPC's own timers in the skewed process by the skew (see
    docs/testing.md), so the scenario never makes the skewed node open a new peer connection
    after its start: the node it must take leadership from is paused, not killed, and its
    connections survive."""
    skew = 30.0
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    first = c.leader()
    skewed, third = c.others(first)
    try:
        c.set_clock_skew(skewed, skew)
    except Unavailable as exc:
        pytest.skip(f"clock skew not available: {exc}")
    c.restart(skewed)
    offset = c.wall_clock_offset(skewed)
    chaos.record.metric(f"{skewed.name} TIME minus the real time (s)", f"{offset:+.2f}")
    assert abs(offset - skew) < 2, f"{skewed.name}'s clock is off by {offset:.2f}s, not {skew}s"
    wait_caught_up(c, skewed)
    t1 = time.monotonic()
    hold(2 * PHASE_S)
    t2 = time.monotonic()
    gap_follower = record_availability(chaos, wl, "skewed follower", t1, t2)
    # Make the skewed node the leader deterministically: the third node stops receiving from
    # the leader, so its log falls behind the skewed node's; when the leader stops, only the
    # skewed node can win (Raft grants a vote only to a candidate whose log is at least as up
    # to date as the voter's).
    c.cut(first, third)
    wl.wait_ok_writes(20, 10)
    struck = time.monotonic()
    c.pause(first)
    c.restore(first, third)
    new, elapsed = c.wait_new_leader(first, [skewed, third], struck)
    chaos.record.elections_s.append(elapsed)
    assert new is skewed, f"{new.name} won the election, not the skewed {skewed.name}"
    c.resume(first)
    wait_caught_up(c, first)
    t3 = time.monotonic()
    hold(2 * PHASE_S)
    t4 = time.monotonic()
    gap_leader = record_availability(chaos, wl, "skewed leader", t3, t4)
    # Expiry is where wall clocks matter: a key set with PX 60000 through the skewed leader
    # carries the leader's clock; each node then measures it against its own.
    assert call(skewed, "SET", "ttl-probe", "v", "PX", 60000).raw == b"+OK\r\n"
    ttls = {}
    for n in c.nodes:
        with RespConnection(n.host, n.port, timeout=5) as conn:
            conn.call("READONLY")
            r = conn.call("PTTL", "ttl-probe")
        ttls[n.name + (" (skewed)" if n is skewed else "")] = r.value
    chaos.record.metric("PTTL of a key set with PX 60000 on the skewed leader", ttls)
    chaos.finish(c, wl)
    assert gap_follower < 2.0, f"writes stalled {gap_follower:.2f}s with a skewed follower"
    assert gap_leader < 2.0, f"writes stalled {gap_leader:.2f}s with a skewed leader"


def test_paused_leader_serves_nothing_stale(chaos):
    """Extra: the leader is paused (SIGSTOP) until the others have elected a new leader and
    written on; reads sent to the paused node before it resumes (after those writes were
    acknowledged) must not return the old values when it wakes up believing it still leads.
    With leader leases, the old leader's last lease ended before the new leader was elected."""
    c = chaos.cluster()
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    old = c.leader()
    ep = Endpoint(old.name, old.host, old.port)
    probe = Probe(wl, ep, wl.keys("r") * 2 + wl.keys("c") + wl.keys("a"), timeout_s=15)
    struck = time.monotonic()
    c.pause(old)
    new, elapsed = c.wait_new_leader(old, c.others(old), struck)
    chaos.record.elections_s.append(elapsed)
    elected = time.monotonic()
    wl.wait_ok_writes(50, 15, since=elected)
    probe.send()
    hold(PHASE_S)
    c.resume(old)
    answers = probe.collect()
    served = [op for op in answers if op.status == OK]
    chaos.record.metric("probe reads sent to the paused leader: ok / refused or unknown",
                        f"{len(served)} / {len(answers) - len(served)}")
    wait_steps_down(old)
    wait_caught_up(c, old)
    if chaos.read_mode == "lease":
        # Both numbers are this machine's wall clock in ms: when the old leader's last lease
        # ran out, and when the new leader took over.
        lease_end = raft_int(old, "raft_lease_expiry_ms")
        took_over = raft_int(new, "raft_last_election_ms")
        chaos.record.metric("old leader's lease ended before the new leader was elected by (ms)",
                            took_over - lease_end)
        assert lease_end > 0, "the leader served reads before the pause but never held a lease"
        assert took_over > lease_end, \
            f"{new.name} led from {took_over} while {old.name}'s lease ran to {lease_end}"
    chaos.finish(c, wl)
    assert elapsed < ELECTION_LIMIT_S, f"electing a new leader took {elapsed:.3f}s"


def test_wiped_follower_rejoins_through_a_snapshot_during_faults(chaos):
    """Extra: a follower's data directory is wiped (SIGKILL, rm -rf, start) while the leader
    keeps compacting; as it starts, the leader is killed, so the new leader must bring it back
    through a snapshot, with 30 ms of latency on every link. It ends up with every
    acknowledged write (its final reads are checked)."""
    c = chaos.cluster(options={"snapshot_interval_entries": 100})
    wl = chaos.workload(c)
    # Every node must have compacted away the start of its log, so that whichever leader
    # serves the empty follower has to send a snapshot.
    wait_for(lambda: all(raft_int(n, "raft_snapshot_index") > 100 for n in c.nodes), 30,
             "every node to compact its log")
    leader = c.leader()
    follower = c.others(leader)[0]
    before = follower.log_text().count("installed snapshot")
    c.delay_all(30)
    c.wipe(follower)
    struck = time.monotonic()
    c.kill(leader)
    new, elapsed = c.wait_new_leader(leader, c.others(leader), struck)
    chaos.record.elections_s.append(elapsed)
    wait_caught_up(c, follower)
    hold(PHASE_S)
    c.start_node(leader)
    c.heal()
    wait_caught_up(c, leader)
    installed = follower.log_text().count("installed snapshot") - before
    chaos.record.metric("snapshots installed by the wiped follower", installed)
    chaos.finish(c, wl)
    assert installed >= 1, f"{follower.name} caught up without installing a snapshot"


ADDING = ("set", "incr", "append", "rpush")  # the workload's writes that may add data


def test_disk_full(chaos):
    """Extra: every data directory is a 64 MiB tmpfs with an 8 MiB reserve (disk_reserve_mb).
    A follower's fills up under load, then the leader's. The node raises the NOSPACE alarm and
    stays up; the whole cluster refuses the writes that add data (a definite failure in the
    history) while reads and deletes go on; once space is freed the alarm clears by itself and
    writes resume, with no restart and nothing acknowledged lost."""
    c = chaos.cluster(start=False, options={"disk_reserve_mb": 8})
    for n in c.nodes:
        try:
            c.use_small_filesystem(n, 64)
        except Unavailable as exc:
            pytest.skip(f"small filesystem not available: {exc}")
    c.start()
    wl = chaos.workload(c, value_pad=2048)
    wl.wait_ok_writes(30, 15)
    for role in ("follower", "leader"):
        leader = c.leader()
        victim = leader if role == "leader" else c.others(leader)[0]
        c.fill_filesystem(victim, leave_bytes=4 << 20)
        struck = time.monotonic()

        def alarmed(want: bool, victim=victim) -> bool:
            views = [info_raft(n) for n in c.nodes]
            return all(v is not None and
                       (str(victim.node_id) in v.get("space_alarms", "").split(",")) == want
                       for v in views)
        wait_for(lambda: alarmed(True), 15, f"every node to apply {victim.name}'s alarm")
        raised = time.monotonic()
        c.note(f"{victim.name} raised the NOSPACE alarm after {raised - struck:.2f} s")
        hold(PHASE_S)
        ended = time.monotonic()
        record_availability(chaos, wl, f"{role} disk full", struck, ended)
        assert victim.alive(), f"{victim.name} stopped on its full disk\n{victim.log_tail()}"
        assert c.leader() is leader, "leadership moved while the disk was full"
        # Reads and deletes went on; nothing that adds data succeeded once the alarm was known
        # (a write sent before may still complete after).
        assert wl.ops_between(raised, ended, fs=("get", "lrange")), "no read succeeded"
        added = [op for op in wl.ops_between(raised, ended, fs=ADDING) if op.invoke > raised]
        assert not added, f"writes that add data succeeded under the alarm: {added[:3]}"
        c.free_filesystem(victim)
        freed = time.monotonic()
        wait_for(lambda: alarmed(False), 15, f"{victim.name}'s alarm to clear")
        wait_for(lambda: wl.first_ok_after(freed, fs=ADDING), 15,
                 "a write that adds data to succeed after freeing space")
        back = wl.first_ok_after(freed, fs=ADDING) - freed
        chaos.record.metric(f"{role} disk full: alarm raised / writes back after freeing",
                            f"{raised - struck:.2f} s / {back:.2f} s")
    chaos.finish(c, wl)


def test_message_loss(chaos):
    """Extra: every node drops 20% of its Raft messages to each peer (SESHAT LINK DROP), then
    the leader's links drop 50%. The cluster stays correct and keeps accepting writes."""
    c = chaos.cluster()
    why = c.drop_supported()
    if why is not None:
        pytest.fail(f"this binary cannot drop messages: {why}", pytrace=False)
    wl = chaos.workload(c)
    wl.wait_ok_writes(30, 15)
    for a in c.nodes:
        for b in c.others(a):
            c.drop(a, b, 20)
    t1 = time.monotonic()
    hold(2 * PHASE_S)
    leader = c.leader()
    for b in c.others(leader):
        c.drop(leader, b, 50)
    hold(2 * PHASE_S)
    t2 = time.monotonic()
    record_availability(chaos, wl, "message loss", t1, t2)
    c.heal()
    chaos.finish(c, wl)
    assert wl.ops_between(t1, t2), "no write succeeded under message loss"
