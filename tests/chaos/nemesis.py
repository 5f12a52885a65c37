"""The randomised nemesis: a seeded schedule of faults drawn from everything the harness can do,
up to two at a time, each lasting a random while.

Faults and how each is healed:
  kill (a random node or the leader)      start it again
  pause (SIGSTOP a random node or leader) SIGCONT
  crash-restart / clean restart           (nothing: it is instantaneous)
  isolate (a random node or the leader)   restore its links
  one-way cuts (1 to 3 random links)      restore them
  latency (10-150 ms on random links)     remove it
  message drops (10-60 % on random links) back to 0 %   (if the binary has SESHAT LINK DROP)
  clock skew (restart under libfaketime)  restart without it
  disk full (fill a node's small tmpfs)   free it, restart the node if it stopped
  wipe a follower's data directory        (exclusive, see below)

Wiping a data directory is losing a disk, which Raft survives only while the other copies are
intact: the nemesis wipes a node only when no other fault is active and every node has applied
everything committed, and starts nothing else until the wiped node has caught up. Without that
rule a lost acknowledged write would be the test's fault, not the server's.

The same seed gives the same sequence of decisions (the timing of the real processes still
varies, so a replay reproduces the schedule, not every interleaving).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

from harness import ChaosCluster, Unavailable, info_raft


@dataclass
class ActiveFault:
    name: str
    heal: Callable[[], None]
    until: float
    exclusive: bool = False
    # The node this fault holds until it heals (its heal may restart it): no other fault may
    # pick it meanwhile.
    node: Optional[object] = None


class Nemesis:
    def __init__(self, cluster: ChaosCluster, rng: random.Random, max_active: int = 2,
                 min_s: float = 0.5, max_s: float = 4.0, skew_s: float = 30.0,
                 disk_full: bool = False, drops: bool = False, protected=()):
        self.c = cluster
        self.rng = rng
        self.max_active = max_active
        self.min_s = min_s
        self.max_s = max_s
        self.skew_s = skew_s
        self.disk_full = disk_full
        self.drops = drops
        self.active: List[ActiveFault] = []
        self.applied: List[str] = []
        self.wiped: Optional[object] = None
        # Nodes whose process is never killed, restarted or wiped (the long run watches their
        # memory and open files over the whole hour); they still get network faults and pauses.
        self.protected = set(protected)

    # -- choosing -------------------------------------------------------------------------
    def menu(self):
        m = [("kill", 3), ("kill-leader", 3), ("pause", 2), ("pause-leader", 2),
             ("crash-restart", 2), ("clean-restart", 1), ("isolate", 2),
             ("isolate-leader", 2), ("cuts", 3), ("latency", 2), ("skew", 1), ("wipe", 1)]
        if self.drops:
            m.append(("drops", 3))
        if self.disk_full:
            m.append(("disk-full", 1))
        return m

    def step(self) -> None:
        """Heals what is due, then maybe starts one more fault."""
        now = time.monotonic()
        for f in [f for f in self.active if f.until <= now]:
            self._heal(f)
        if self.wiped is not None:
            if self._caught_up(self.wiped):
                self.c.note(f"{self.wiped.name} caught up after the wipe")
                self.wiped = None
            return
        if len(self.active) >= self.max_active or any(f.exclusive for f in self.active):
            return
        names, weights = zip(*self.menu())
        name = self.rng.choices(names, weights)[0]
        duration = self.rng.uniform(self.min_s, self.max_s)
        try:
            fault = self._start(name, duration)
        except Unavailable as exc:
            self.c.note(f"nemesis: {name} not available here: {exc}")
            return
        if fault is not None:
            self.applied.append(fault.name)
            self.active.append(fault)

    def heal_all(self) -> None:
        for f in list(self.active):
            self._heal(f)
        for n in self.c.nodes:
            if n in self.c.paused:
                self.c.resume(n)
            if not n.alive():
                self.c.start_node(n)
        self.c.heal()  # last: a node that was paused still drops messages until told not to

    # -- helpers --------------------------------------------------------------------------
    def _heal(self, f: ActiveFault) -> None:
        self.active.remove(f)
        f.heal()

    def _busy_nodes(self):
        """Nodes some active fault already holds: down (killed or paused), or under a fault
        whose heal acts on the node (a clock skew restarts it; a full disk must be freed
        before anything restarts it: a restart on a full disk cannot open the database)."""
        held = {f.node for f in self.active if f.node is not None}
        return {n for n in self.c.nodes if not n.alive() or n in self.c.paused or n in held}

    def _pick(self, leader: bool, process: bool = True):
        free = [n for n in self.c.nodes if n not in self._busy_nodes()
                and not (process and n in self.protected)]
        if not free:
            return None
        if leader:
            found = self.c.poll_leader(among=[n for n in self.c.up()], deadline_s=2.0)
            if found is not None and found in free:
                return found
        return self.rng.choice(free)

    def _caught_up(self, node) -> bool:
        leader = self.c.poll_leader(deadline_s=1.0)
        if leader is None:
            return False
        li, ni = info_raft(leader), info_raft(node)
        return li is not None and ni is not None and \
            int(ni["raft_applied_index"]) >= int(li["raft_commit_index"])

    def _all_caught_up(self) -> bool:
        leader = self.c.poll_leader(deadline_s=2.0)
        if leader is None or len(self.c.up()) != len(self.c.nodes):
            return False
        li = info_raft(leader)
        if li is None:
            return False
        target = int(li["raft_commit_index"])
        for n in self.c.nodes:
            ni = info_raft(n)
            if ni is None or int(ni["raft_applied_index"]) < target:
                return False
        return True

    def _links(self, count: int):
        pairs = [(a, b) for a in self.c.nodes for b in self.c.nodes if a is not b]
        return self.rng.sample(pairs, count)

    # -- the faults -----------------------------------------------------------------------
    def _start(self, name: str, duration: float) -> Optional[ActiveFault]:
        c = self.c
        until = time.monotonic() + duration
        if name in ("kill", "kill-leader"):
            node = self._pick(leader=name == "kill-leader")
            if node is None:
                return None
            c.kill(node)
            return ActiveFault(f"{name} {node.name}", lambda: c.start_node(node), until)
        if name in ("pause", "pause-leader"):
            node = self._pick(leader=name == "pause-leader", process=False)
            if node is None:
                return None
            c.pause(node)
            return ActiveFault(f"{name} {node.name}", lambda: c.resume(node), until)
        if name in ("crash-restart", "clean-restart"):
            node = self._pick(leader=False)
            if node is None:
                return None
            c.restart(node, clean=name == "clean-restart")
            return ActiveFault(f"{name} {node.name}", lambda: None, time.monotonic())
        if name in ("isolate", "isolate-leader"):
            node = self._pick(leader=name == "isolate-leader", process=False)
            if node is None:
                return None
            c.isolate(node)

            def heal_isolation(node=node):
                for other in c.others(node):
                    c.restore(node, other)
                    c.restore(other, node)
            return ActiveFault(f"{name} {node.name}", heal_isolation, until)
        if name == "cuts":
            links = self._links(self.rng.randint(1, 3))
            mode = self.rng.choice(("blackhole", "blackhole", "reset"))
            for a, b in links:
                c.cut(a, b, mode)

            def heal_cuts(links=links):
                for a, b in links:
                    c.restore(a, b)
            return ActiveFault("cuts " + ",".join(f"{a.name}->{b.name}" for a, b in links),
                               heal_cuts, until)
        if name == "latency":
            links = self._links(self.rng.randint(1, 6))
            ms = self.rng.choice((10, 50, 100, 150))
            for a, b in links:
                c.delay(a, b, ms)

            def heal_latency(links=links):
                for a, b in links:
                    c.delay(a, b, 0)
            return ActiveFault(f"latency {ms} ms on {len(links)} links", heal_latency, until)
        if name == "drops":
            links = [(a, b) for a, b in self._links(self.rng.randint(1, 6))
                     if a.alive() and a not in c.paused]
            pct = self.rng.choice((10, 25, 50, 60))
            for a, b in links:
                c.drop(a, b, pct)

            def heal_drops(links=links):
                for a, b in links:
                    if a.alive() and a not in c.paused:
                        c.drop(a, b, 0)
            return ActiveFault(f"drop {pct}% on {len(links)} links", heal_drops, until)
        if name == "skew":
            node = self._pick(leader=False)
            if node is None:
                return None
            seconds = self.skew_s
            c.set_clock_skew(node, seconds)
            c.restart(node)

            def heal_skew(node=node):
                c.set_clock_skew(node, 0)
                c.restart(node)
            return ActiveFault(f"clock {seconds:+.0f}s on {node.name}", heal_skew, until,
                               node=node)
        if name == "disk-full":
            node = self._pick(leader=False)
            if node is None:
                return None
            c.expected_down.add(node)   # it may stop when a write fails: that is allowed
            c.fill_filesystem(node, leave_bytes=4 << 20)  # below the reserve: the alarm

            def heal_disk(node=node):
                c.free_filesystem(node)
                if not node.alive():
                    c.note(f"{node.name} had stopped on the full disk (exit "
                           f"{node.proc.returncode})")
                    c.start_node(node)
                else:
                    c.expected_down.discard(node)
            return ActiveFault(f"disk full on {node.name}", heal_disk, until, node=node)
        if name == "wipe":
            if self.active or not self._all_caught_up():
                return None
            leader = c.poll_leader(deadline_s=2.0)
            followers = [n for n in c.nodes if n is not leader and n not in self.protected]
            if not followers:
                return None
            node = self.rng.choice(followers)
            c.wipe(node)
            self.wiped = node
            return ActiveFault(f"wipe {node.name}", lambda: None, time.monotonic(),
                               exclusive=True)
        raise ValueError(name)
