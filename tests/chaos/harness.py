"""A three-node Seshat cluster of real processes with faults the test controls.

Process faults: SIGKILL, SIGSTOP/SIGCONT, crash-restart, clean restart, wiping the data
directory. Network faults on every directed peer link: cut (one-way), partitions (both ways),
added latency, all through `netproxy.LinkNet`; a share of messages dropped through the node's
own fault injection (`SESHAT LINK DROP`). Clock skew: the node runs under libfaketime. A small
data filesystem: a tmpfs of a few MiB mounted as the node's data directory (needs root).

Every fault is written to `faults` with its time, for the report. Nothing waits by sleeping:
leaders and conditions are polled with deadlines.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import pytest

CHAOS_DIR = Path(__file__).resolve().parent
SYSTEM_DIR = CHAOS_DIR.parent / "system"
SUPPORT_DIR = CHAOS_DIR.parent / "support"
for _p in (str(SUPPORT_DIR), str(SYSTEM_DIR), str(CHAOS_DIR)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from cluster_harness import Cluster  # noqa: E402
from info import parse_info  # noqa: E402
from leader import agreed_leader  # noqa: E402
from netproxy import LinkNet  # noqa: E402
from resp_client import ConnectionClosed, MalformedReply, RespConnection  # noqa: E402
from servers import SeshatProcess, free_port  # noqa: E402
# Unavailable: a fault this machine cannot provide (the reason says why).
from small_fs import Unavailable, fill_filesystem, free_filesystem, mount_tmpfs, unmount  # noqa: E402

FAKETIME_LIB = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1")

# Variables that would make gRPC bypass or replace our proxy.
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy",
                    "NO_PROXY", "no_grpc_proxy", "grpc_proxy")

# Chaos clusters answer a write that cannot commit within 2 s with -TRYAGAIN, so that clients
# see the outcome well before their own socket timeout.
DEFAULT_OPTIONS = {"enable_fault_injection": "true", "request_timeout_secs": 2}


def wait_for(predicate: Callable[[], object], deadline_s: float, what: str,
             interval_s: float = 0.02):
    """Polls `predicate` until it returns something truthy; fails the test after the deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {deadline_s}s waiting for {what}", pytrace=False)
        time.sleep(interval_s)


def call(node: SeshatProcess, *args, timeout: float = 1.0):
    """One command on a fresh connection; the Reply, or None when the node did not answer."""
    try:
        with RespConnection(node.host, node.port, timeout=timeout) as conn:
            return conn.call(*args)
    except (OSError, ConnectionClosed, MalformedReply):
        return None


def info_raft(node: SeshatProcess, timeout: float = 1.0) -> Optional[Dict[str, str]]:
    reply = call(node, "INFO", "raft", timeout=timeout)
    if reply is None or reply.is_error or not isinstance(reply.value, bytes):
        return None
    return parse_info(reply.value.decode(errors="replace"))


class ChaosCluster:
    def __init__(self, workdir: Path, size: int = 3, options: Optional[dict] = None,
                 proxied: bool = True):
        merged = dict(DEFAULT_OPTIONS)
        merged.update(options or {})
        self.workdir = Path(workdir)
        self._cluster = Cluster(self.workdir, size=size, options=merged)
        self.nodes: List[SeshatProcess] = self._cluster.nodes
        # Ports a restarted node can bind again (see servers.free_port), and the member list for them.
        for n in self.nodes:
            n.port = free_port()
            n.internal_port = free_port()
        members = ",".join(f"{n.node_id}={n.host}:{n.internal_port}@{n.host}:{n.port}"
                           for n in self.nodes)
        for n in self.nodes:
            n.options["initial_members"] = members
        self.t0 = time.monotonic()
        self.faults: List[Tuple[float, str]] = []
        self.paused: set = set()
        self.expected_down: set = set()       # nodes the test stopped on purpose
        self.skew_s: Dict[int, float] = {}
        self.drops: Dict[Tuple[int, int], int] = {}
        self.mounts: List[Path] = []
        self.net: Optional[LinkNet] = None
        if proxied:
            self.net = LinkNet([n.node_id for n in self.nodes],
                               {n.internal_port: n.node_id for n in self.nodes})
            for n in self.nodes:
                n.env.update({v: None for v in _PROXY_VARIABLES})
                n.env["grpc_proxy"] = self.net.proxy_url(n.node_id)

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "ChaosCluster":
        for n in self.nodes:
            n.spawn()
        for n in self.nodes:
            n.start_wait()
        self.leader()
        if self.net is not None:
            # Prove that peer traffic really goes through the proxy (a stray no_proxy or a gRPC
            # that ignores grpc_proxy would make every network fault a silent no-op).
            wait_for(lambda: all(self.net.stats(a, b).bytes_forwarded > 0
                                 for (a, b) in self.net.links), 15,
                     "peer traffic on every proxied link")
        self.note("cluster started: " + ", ".join(
            f"{n.name} client {n.port} raft {n.internal_port}" for n in self.nodes))
        return self

    def stop(self) -> None:
        """Stops every node, the proxy and the mounts, even when one of them fails."""
        failures = []
        for n in list(self.paused):
            self._signal(n, signal.SIGCONT)
        self.paused.clear()
        for n in self.nodes:
            try:
                if n.alive():
                    n.stop()
            except BaseException as exc:  # ServerError from a node that would not exit
                failures.append(exc)
        if self.net is not None:
            self.net.close()
        for mount in self.mounts:
            unmount(mount)
        self.mounts.clear()
        if failures:
            raise failures[0]

    def node(self, node_id: int) -> SeshatProcess:
        return self.nodes[node_id - 1]

    def note(self, text: str) -> None:
        self.faults.append((time.monotonic() - self.t0, text))

    def up(self) -> List[SeshatProcess]:
        """Nodes running and not paused."""
        return [n for n in self.nodes if n.alive() and n not in self.paused]

    def others(self, node: SeshatProcess) -> List[SeshatProcess]:
        return [n for n in self.nodes if n is not node]

    # -- observation -----------------------------------------------------------------------
    def leader(self, among: Optional[Sequence[SeshatProcess]] = None,
               deadline_s: float = 15.0) -> SeshatProcess:
        """The leader that every node in `among` (default: all up nodes) agrees on."""
        found = self.poll_leader(among, deadline_s)
        if found is None:
            pytest.fail(f"no agreed leader among {[n.name for n in (among or self.up())]} "
                        f"within {deadline_s}s\n" + self.log_tails(), pytrace=False)
        return found

    def poll_leader(self, among: Optional[Sequence[SeshatProcess]] = None,
                    deadline_s: float = 15.0,
                    exclude: Optional[SeshatProcess] = None) -> Optional[SeshatProcess]:
        deadline = time.monotonic() + deadline_s
        while True:
            candidates = list(among) if among is not None else self.up()
            lid = agreed_leader({n.node_id: info_raft(n, timeout=0.5) for n in candidates})
            if lid is not None and self.node(lid) is not exclude:
                return self.node(lid)
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.01)

    def wait_new_leader(self, old: SeshatProcess, among: Sequence[SeshatProcess],
                        since: float, deadline_s: float = 15.0) -> Tuple[SeshatProcess, float]:
        """Waits until the nodes in `among` agree on a leader other than `old`; returns it and
        the seconds since `since` (a monotonic time, usually when the fault struck)."""
        leader = self.poll_leader(among, deadline_s, exclude=old)
        if leader is None:
            pytest.fail(f"no new leader among {[n.name for n in among]} within {deadline_s}s\n"
                        + self.log_tails(), pytrace=False)
        return leader, time.monotonic() - since

    def rss_kib(self, node: SeshatProcess) -> int:
        with open(f"/proc/{node.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def open_fds(self, node: SeshatProcess) -> int:
        return len(os.listdir(f"/proc/{node.proc.pid}/fd"))

    def disk_bytes(self, node: SeshatProcess) -> int:
        total = 0
        for root, _, files in os.walk(node.data_dir):
            for name in files:
                try:
                    total += os.stat(os.path.join(root, name)).st_size
                except OSError:
                    pass  # a file RocksDB removed meanwhile
        return total

    def crashed(self) -> List[str]:
        """Nodes that exited although the test did not stop them: crashes."""
        out = []
        for n in self.nodes:
            if n.proc is not None and not n.alive() and n not in self.expected_down:
                out.append(f"{n.name} exited with {n.proc.returncode}\n{n.log_tail(30)}")
        return out

    def log_tails(self, lines: int = 20) -> str:
        return "\n".join(n.log_tail(lines) for n in self.nodes)

    # -- process faults --------------------------------------------------------------------
    def _signal(self, node: SeshatProcess, sig: int) -> None:
        node.proc.send_signal(sig)

    def kill(self, node: SeshatProcess) -> None:
        if node in self.paused:
            self.paused.discard(node)
        self.expected_down.add(node)
        node.kill(signal.SIGKILL)
        self.note(f"SIGKILL {node.name}")

    def pause(self, node: SeshatProcess) -> None:
        self._signal(node, signal.SIGSTOP)
        self.paused.add(node)
        self.note(f"SIGSTOP {node.name}")

    def resume(self, node: SeshatProcess) -> None:
        self._signal(node, signal.SIGCONT)
        self.paused.discard(node)
        self.note(f"SIGCONT {node.name}")

    def start_node(self, node: SeshatProcess) -> None:
        if node.alive():
            return  # another fault's healing already started it
        node.start()
        self.expected_down.discard(node)
        skew = self.skew_s.get(node.node_id)
        self.note(f"start {node.name}" + (f" (clock {skew:+.0f}s)" if skew else ""))

    def restart(self, node: SeshatProcess, clean: bool = False) -> None:
        """Crash-restart (SIGKILL then start), or a clean SIGTERM restart."""
        if node in self.paused:
            self.resume(node)
        if node.alive():
            if clean:
                self.expected_down.add(node)
                code = node.stop()
                assert code == 0, f"{node.name} exited with {code} on SIGTERM\n{node.log_tail()}"
                self.note(f"SIGTERM {node.name}")
            else:
                self.kill(node)
        self.start_node(node)

    def wipe(self, node: SeshatProcess) -> None:
        """Kills the node, deletes its data directory and starts it empty."""
        if node.alive():
            self.kill(node)
        shutil.rmtree(node.data_dir, ignore_errors=True)
        self.note(f"wiped the data directory of {node.name}")
        self.start_node(node)

    # -- clock -----------------------------------------------------------------------------
    def set_clock_skew(self, node: SeshatProcess, seconds: float) -> None:
        """Runs the node under libfaketime from its next start: CLOCK_REALTIME (time(),
        gettimeofday, clock_gettime(CLOCK_REALTIME), system_clock) is off by `seconds`;
        CLOCK_MONOTONIC is left alone (FAKETIME_DONT_FAKE_MONOTONIC=1), so timers, Raft ticks,
        gRPC deadlines and condition waits (steady_clock) run at the real pace. See
        docs/testing.md for why."""
        if not FAKETIME_LIB.is_file():
            raise Unavailable(f"{FAKETIME_LIB} is missing: install Debian's faketime package "
                              f"(scripts/setup.sh lists it)")
        if seconds:
            node.env.update({"LD_PRELOAD": str(FAKETIME_LIB), "FAKETIME": f"{seconds:+.0f}s",
                             "FAKETIME_DONT_FAKE_MONOTONIC": "1"})
            self.skew_s[node.node_id] = seconds
        else:
            for v in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"):
                node.env[v] = None
            self.skew_s.pop(node.node_id, None)

    def wall_clock_offset(self, node: SeshatProcess) -> float:
        """The node's TIME minus ours, in seconds (checks that a skew took effect)."""
        reply = call(node, "TIME")
        assert reply is not None and reply.kind == "*", f"TIME on {node.name}: {reply!r}"
        secs, usecs = (int(r.value) for r in reply.value)
        return secs + usecs / 1e6 - time.time()

    # -- disk ------------------------------------------------------------------------------
    def use_small_filesystem(self, node: SeshatProcess, size_mib: int) -> Path:
        """Mounts a tmpfs of `size_mib` MiB and makes it the node's data directory (before the
        node starts). Raises Unavailable when the machine does not allow it."""
        mount = node.workdir / "small-fs"
        mount_tmpfs(mount, size_mib)
        self.mounts.append(mount)
        node.data_dir = mount / "data"
        self.note(f"{node.name}'s data directory is on a {size_mib} MiB tmpfs")
        return mount

    def fill_filesystem(self, node: SeshatProcess, leave_bytes: int) -> None:
        """Writes a ballast file until only about `leave_bytes` remain free."""
        written = fill_filesystem(node.data_dir.parent, leave_bytes)
        self.note(f"filled {node.name}'s filesystem (ballast {written >> 20} MiB, "
                  f"{leave_bytes >> 10} KiB left)")

    def free_filesystem(self, node: SeshatProcess) -> None:
        free_filesystem(node.data_dir.parent)
        self.note(f"freed {node.name}'s filesystem")

    # -- network faults --------------------------------------------------------------------
    def _require_net(self) -> LinkNet:
        assert self.net is not None, "this cluster was started without link proxies"
        return self.net

    def cut(self, a: SeshatProcess, b: SeshatProcess, mode: str = "blackhole") -> None:
        """One-way: a's messages to b are lost; b's to a still arrive."""
        self._require_net().cut(a.node_id, b.node_id, mode)
        self.note(f"cut {a.name}->{b.name}" + (" (reset)" if mode == "reset" else ""))

    def restore(self, a: SeshatProcess, b: SeshatProcess) -> None:
        self._require_net().restore(a.node_id, b.node_id)
        self.note(f"restored {a.name}->{b.name}")

    def partition(self, side: Sequence[SeshatProcess],
                  rest: Optional[Sequence[SeshatProcess]] = None) -> None:
        """Cuts every link between `side` and `rest` (default: everybody else), both ways."""
        net = self._require_net()
        rest = [n for n in self.nodes if n not in side] if rest is None else list(rest)
        for a in side:
            for b in rest:
                net.cut(a.node_id, b.node_id)
                net.cut(b.node_id, a.node_id)
        self.note("partition " + ",".join(n.name for n in side) + " | " +
                  ",".join(n.name for n in rest))

    def isolate(self, node: SeshatProcess) -> None:
        self.partition([node])

    def delay(self, a: SeshatProcess, b: SeshatProcess, ms: float) -> None:
        self._require_net().set_delay(a.node_id, b.node_id, ms)
        self.note(f"latency {a.name}->{b.name} {ms:.0f} ms")

    def delay_all(self, ms: float) -> None:
        net = self._require_net()
        for (a, b) in net.links:
            net.set_delay(a, b, ms)
        self.note(f"latency {ms:.0f} ms on every link")

    def drop_supported(self) -> Optional[str]:
        """None when the nodes support SESHAT LINK DROP, else why not."""
        node = self.up()[0]
        peer = next(n for n in self.nodes if n is not node)
        reply = call(node, "SESHAT", "LINK", "DROP", peer.node_id, 0)
        if reply is None:
            return f"{node.name} did not answer"
        if reply.is_error:
            return f"SESHAT LINK DROP answered -{reply.error_text}"
        return None

    def drop(self, a: SeshatProcess, b: SeshatProcess, percent: int) -> None:
        """a drops `percent` % of its Raft messages to b (inside a's transport)."""
        reply = call(a, "SESHAT", "LINK", "DROP", b.node_id, percent, timeout=2.0)
        assert reply is not None and not reply.is_error, \
            f"SESHAT LINK DROP {b.node_id} {percent} on {a.name}: {reply!r}"
        if percent:
            self.drops[(a.node_id, b.node_id)] = percent
        else:
            self.drops.pop((a.node_id, b.node_id), None)
        self.note(f"drop {percent}% {a.name}->{b.name}")

    def heal(self) -> None:
        """Restores every link: no cut, no latency, no drops (on nodes that are up)."""
        if self.net is not None:
            self.net.heal_all()
        for (a, b) in list(self.drops):
            node = self.node(a)
            if node.alive() and node not in self.paused:
                self.drop(node, self.node(b), 0)
            else:
                self.drops.pop((a, b), None)  # a restarted node starts with no drops
        self.note("healed the network")
