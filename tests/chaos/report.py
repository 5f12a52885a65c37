"""The chaos report: one section per scenario (operations, ok / fail / info, election times,
faults applied, checker verdict, measurements), written to build/chaos-report.md (or
$CHAOS_REPORT) after every scenario, so an interrupted run still leaves what it measured.

A scenario whose history is not linearizable (or could not be decided) saves that history next to
the report; `python3 tests/chaos/linearizability.py <file>` re-checks it.
"""

from __future__ import annotations

import datetime
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

REPO_ROOT = Path(__file__).resolve().parents[2]


def report_path() -> Path:
    return Path(os.environ.get("CHAOS_REPORT", REPO_ROOT / "build" / "chaos-report.md"))


@dataclass
class CheckRecord:
    label: str
    ops: int
    keys: int
    status: str
    violations: int
    seconds: float
    detail: str = ""


@dataclass
class ScenarioRecord:
    name: str
    title: str = ""
    started: float = 0.0
    duration_s: float = 0.0
    counts: Counter = field(default_factory=Counter)
    elections_s: List[float] = field(default_factory=list)
    metrics: Dict[str, str] = field(default_factory=dict)
    faults: List[Tuple[float, str]] = field(default_factory=list)
    checks: List[CheckRecord] = field(default_factory=list)
    histories: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    outcome: str = "not finished"

    def count_ops(self, totals: Counter) -> None:
        for k, v in totals.items():
            self.counts[k] += v

    def metric(self, name: str, value) -> None:
        self.metrics[name] = value if isinstance(value, str) else f"{value}"

    @property
    def violations(self) -> int:
        return sum(c.violations for c in self.checks)

    @property
    def checker_status(self) -> str:
        if not self.checks:
            return "-"
        statuses = {c.status for c in self.checks}
        for s in ("violation", "unknown", "error"):
            if s in statuses:
                return s
        return "ok"


class Report:
    def __init__(self):
        self.lock = threading.Lock()
        self.started = datetime.datetime.now().isoformat(timespec="seconds")
        self.scenarios: List[ScenarioRecord] = []
        self.header: Dict[str, str] = {}

    def add(self, record: ScenarioRecord) -> None:
        with self.lock:
            self.scenarios.append(record)

    def write(self) -> Path:
        path = report_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock:
            text = self.render()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(path)
        return path

    def render(self) -> str:
        out = ["# Seshat chaos report", "",
               f"Run started {self.started}."]
        for k, v in self.header.items():
            out.append(f"- {k}: {v}")
        out += ["", "| scenario | outcome | seconds | ops | ok | fail | info | violations | "
                "checker | elections (s) |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
        for s in self.scenarios:
            total = s.counts["ok"] + s.counts["fail"] + s.counts["info"]
            elections = ", ".join(f"{e:.2f}" for e in s.elections_s) or "-"
            outcome = s.outcome.split("\n", 1)[0]
            if len(outcome) > 60:
                outcome = outcome[:57] + "..."
            out.append(f"| {s.name} | {outcome} | {s.duration_s:.1f} | {total} | "
                       f"{s.counts['ok']} | {s.counts['fail']} | {s.counts['info']} | "
                       f"{s.violations} | {s.checker_status} | {elections} |")
        for s in self.scenarios:
            out += ["", f"## {s.name}", ""]
            if s.title:
                out += [s.title, ""]
            out.append(f"Outcome: {s.outcome}")
            out.append("")
            by_f = []
            for f in ("set", "get", "del", "incr", "append", "rpush", "lrange"):
                parts = [f"{s.counts[(f, st)]} {st}" for st in ("ok", "fail", "info")
                         if s.counts[(f, st)]]
                if parts:
                    by_f.append(f"{f}: " + ", ".join(parts))
            if by_f:
                out.append("Operations: " + "; ".join(by_f) + ".")
                out.append("")
            if s.elections_s:
                out.append("Elections measured (fault to agreed new leader): " +
                           ", ".join(f"{e:.3f} s" for e in s.elections_s))
                out.append("")
            if s.metrics:
                out.append("| measurement | value |")
                out.append("| --- | --- |")
                for k, v in s.metrics.items():
                    out.append(f"| {k} | {v} |")
                out.append("")
            if s.checks:
                out.append("| history checked | ops | keys | checker | violations | seconds |")
                out.append("| --- | ---: | ---: | --- | ---: | ---: |")
                for c in s.checks:
                    out.append(f"| {c.label} | {c.ops} | {c.keys} | {c.status} | "
                               f"{c.violations} | {c.seconds:.2f} |")
                out.append("")
                for c in s.checks:
                    if c.detail:
                        out += [f"Checker output for {c.label}:", "", "```", c.detail.rstrip(),
                                "```", ""]
            for h in s.histories:
                out.append(f"History saved: `{h}` (re-check: "
                           f"`/usr/bin/python3 tests/chaos/linearizability.py {h}`)")
            for n in s.notes:
                out.append(f"- {n}")
            if s.faults:
                out += ["", "<details><summary>faults and events "
                        f"({len(s.faults)})</summary>", "", "```"]
                shown = s.faults if len(s.faults) <= 400 else s.faults[:200] + \
                    [(0.0, f"... {len(s.faults) - 400} more ...")] + s.faults[-200:]
                out += [f"{t:9.3f}s  {text}" for t, text in shown]
                out += ["```", "", "</details>"]
        return "\n".join(out) + "\n"


REPORT = Report()
