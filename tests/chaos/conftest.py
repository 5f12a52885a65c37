"""Fixtures of the chaos suite: clusters with faults, the workload recorder, the report.

Run:  /usr/bin/python3 -m pytest -rs tests/chaos          (uses build/seshat)
      SESHAT_BIN=/path/to/seshat /usr/bin/python3 -m pytest tests/chaos -k leader_failure

Environment knobs (defaults are the short run of `make test`):
  CHAOS_PHASE_SECONDS    how long each fault phase of a scenario lasts (default 3)
  CHAOS_NEMESIS_SECONDS  how long the randomised nemesis runs (default 60)
  CHAOS_SEGMENT_SECONDS  the nemesis moves clients to fresh keys and checks the finished keys'
                         history this often (default 15)
  CHAOS_SEED             seed of the nemesis and of the clients' choices (default: random,
                         printed and written to the report)
  CHAOS_CLIENTS          concurrent clients (default 10)
  CHAOS_CHECK_SECONDS    the checker's time limit per key; running out fails the test (default 120)
  CHAOS_REPORT           where the report goes (default build/chaos-report.md); failing
                         histories are saved beside it
  CHAOS_LONG             1: the nemesis also asserts that memory and open files stay flat
                         (`make chaos` sets it)
  CHAOS_READ_MODES       the read modes every scenario runs under, comma-separated (default
                         "lease,readindex": each scenario runs once with leader leases and once
                         with a ReadIndex round per batch of reads)
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from checking import check_history, save_history  # noqa: E402
from harness import ChaosCluster  # noqa: E402
from history import INFO, OK, Op  # noqa: E402
from report import REPORT, ScenarioRecord, report_path  # noqa: E402
from servers import seshat_binary  # noqa: E402
from resp_client import ConnectionClosed, MalformedReply, RespConnection  # noqa: E402
from workload import Endpoint, Workload, classify  # noqa: E402


def _knob(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


PHASE_S = _knob("CHAOS_PHASE_SECONDS", 3)
NEMESIS_S = _knob("CHAOS_NEMESIS_SECONDS", 60)
SEGMENT_S = _knob("CHAOS_SEGMENT_SECONDS", 15)
CLIENTS = int(_knob("CHAOS_CLIENTS", 10))
LONG_RUN = os.environ.get("CHAOS_LONG", "0") not in ("", "0")
READ_MODES = [m for m in os.environ.get("CHAOS_READ_MODES", "lease,readindex").split(",") if m]
SEED = int(os.environ["CHAOS_SEED"]) if os.environ.get("CHAOS_SEED") else \
    random.SystemRandom().randrange(1, 2**31)


def pytest_configure(config):
    REPORT.header.update({
        "binary": str(seshat_binary()),
        "seed": f"{SEED} (replay with CHAOS_SEED={SEED})",
        "knobs": f"CHAOS_PHASE_SECONDS={PHASE_S:g} CHAOS_NEMESIS_SECONDS={NEMESIS_S:g} "
                 f"CHAOS_SEGMENT_SECONDS={SEGMENT_S:g} CHAOS_CLIENTS={CLIENTS}"
                 + (" CHAOS_LONG=1" if LONG_RUN else "")
                 + f" CHAOS_READ_MODES={','.join(READ_MODES)}",
    })


def pytest_report_header(config):
    return f"chaos: seed {SEED} (CHAOS_SEED={SEED} replays it), report {report_path()}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def pytest_sessionfinish(session, exitstatus):
    if REPORT.scenarios:
        path = REPORT.write()
        print(f"\nchaos report: {path}")


class Chaos:
    """What a scenario needs: clusters, workloads, the record of the scenario, and `finish`,
    which stops the workload, reads every key back through every node, and checks the
    history."""

    def __init__(self, tmp_path: Path, record: ScenarioRecord, read_mode: str):
        self.tmp_path = tmp_path
        self.record = record
        self.read_mode = read_mode
        self.clusters: List[ChaosCluster] = []
        self.workloads: List[Workload] = []
        self.seed = SEED

    def cluster(self, start: bool = True, **kwargs) -> ChaosCluster:
        kwargs["options"] = {"read_mode": self.read_mode, **(kwargs.get("options") or {})}
        c = ChaosCluster(self.tmp_path / f"cluster{len(self.clusters)}", **kwargs)
        self.clusters.append(c)
        return c.start() if start else c

    def workload(self, cluster: ChaosCluster, **kwargs) -> Workload:
        kwargs.setdefault("clients", CLIENTS)
        kwargs.setdefault("seed", SEED)
        wl = Workload([Endpoint(n.name, n.host, n.port) for n in cluster.nodes], **kwargs)
        self.workloads.append(wl)
        return wl.start()

    def final_reads(self, cluster: ChaosCluster, wl: Workload, gens=None,
                    deadline_s: float = 20.0) -> List[Op]:
        """Reads every key of the given generations through every running node (READONLY, so
        a follower answers itself after a ReadIndex), recorded in the history: the checker then
        proves that every replica holds every acknowledged write. Retries refusals until the
        deadline; a node that never answers fails the test."""
        gens = sorted(wl.ops) if gens is None else gens
        keys = [(g, k) for g in gens for grp in "rcal" for k in wl.keys(grp, g)]
        ops = []
        for node in cluster.up():
            process = wl.new_process()
            deadline = time.monotonic() + deadline_s
            pending = list(keys)
            conn = None
            last = None
            while pending:
                gen, key = pending[0]
                sent = None
                try:
                    if conn is None:
                        conn = RespConnection(node.host, node.port, timeout=5)
                        conn.call("READONLY")
                    f = "lrange" if key.startswith("l") else "get"
                    sent = time.monotonic()
                    reply = conn.call(*(("LRANGE", key, 0, -1) if f == "lrange" else ("GET", key)))
                    status, result, _ = classify(f, reply)
                    last = reply
                except (OSError, ConnectionClosed, MalformedReply) as exc:
                    if conn is not None:
                        conn.close()
                    conn = None
                    status, result, last = INFO, None, exc
                if sent is not None:
                    op = Op(process, f, key, None, status, result, sent, time.monotonic(),
                            node.name)
                    wl.record(op, gen)
                    ops.append(op)
                if status == OK:
                    pending.pop(0)
                    continue
                if status == INFO:
                    process = wl.new_process()
                if time.monotonic() > deadline:
                    pytest.fail(f"{node.name} could not serve final reads within {deadline_s}s "
                                f"(last answer {last!r})\n" + node.log_tail(), pytrace=False)
                time.sleep(0.05)  # refused: the node is still catching up; ask again
            if conn is not None:
                conn.close()
        return ops

    def finish(self, cluster: ChaosCluster, wl: Workload, label: str = "history",
               final_reads: bool = True) -> List[Op]:
        """Stops the workload, heals the cluster view, reads every key back, and checks."""
        wl.stop()
        crashes = cluster.crashed()
        assert not crashes, "nodes crashed:\n" + "\n".join(crashes)
        if final_reads:
            self.final_reads(cluster, wl)
        ops = wl.history()
        self.record.count_ops(wl.totals)
        assert not wl.unexpected, "unexpected replies:\n" + "\n".join(wl.unexpected[:20])
        check_history(self.record, ops, label)
        return ops

    def close(self) -> None:
        failures = []
        for wl in self.workloads:
            if not wl._stop.is_set():
                try:
                    wl.stop()
                except AssertionError as exc:
                    failures.append(exc)
        for c in self.clusters:
            self.record.faults.extend(c.faults)
            try:
                c.stop()
            except BaseException as exc:
                failures.append(exc)
        if failures:
            raise failures[0]


def _keep_logs(name: str, helper: "Chaos") -> Path:
    """Copies every node's log beside the report (tmp directories do not last)."""
    target = report_path().parent / f"chaos-{name}-logs"
    target.mkdir(parents=True, exist_ok=True)
    for i, c in enumerate(helper.clusters):
        for n in c.nodes:
            if n.log_path.exists():
                shutil.copy(n.log_path, target / f"cluster{i}-{n.log_path.name}")
    return target


@pytest.fixture(params=READ_MODES)
def chaos(request, tmp_path):
    doc = (request.node.function.__doc__ or "").strip().split("\n\n")[0]
    record = ScenarioRecord(name=request.node.name, title=" ".join(doc.split()))
    record.started = time.monotonic()
    REPORT.add(record)
    helper = Chaos(tmp_path, record, request.param)
    print(f"\n[chaos] {request.node.name}: seed {SEED}")
    try:
        yield helper
    finally:
        try:
            helper.close()
        finally:
            _finalize(request, helper, record, tmp_path)


def _finalize(request, helper: Chaos, record: ScenarioRecord, tmp_path: Path) -> None:
    """Records the scenario's outcome, keeps the logs of a failure, and rewrites the report."""
    record.duration_s = time.monotonic() - record.started
    rep = getattr(request.node, "rep_call", None)
    if rep is None:
        record.outcome = "error before the scenario ran"
    elif rep.passed:
        record.outcome = "passed"
    elif rep.skipped:
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        record.outcome = f"NOT RUN: {reason}"
    else:
        text = (getattr(rep, "longreprtext", "") or str(rep.longrepr)).strip()
        record.outcome = "FAILED: " + text.splitlines()[-1][:300] if text else "FAILED"
        record.notes.append(f"node logs copied to {_keep_logs(request.node.name, helper)}")
        if not record.histories:
            # Failed for another reason than the checker (availability, a crash): keep what
            # was recorded anyway, for a look or a re-check.
            for i, wl in enumerate(helper.workloads):
                ops = wl.history()
                if ops:
                    save_history(record, ops, f"workload{i}")
    REPORT.write()
