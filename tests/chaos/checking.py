"""Runs the linearizability checker on a recorded history, records the verdict in the report, and
saves the history next to the report when it is not "ok" (so it can be re-checked on its own)."""

from __future__ import annotations

import os
import re
import time
from typing import List

import pytest

from history import FAIL, Op, save
from report import CheckRecord, ScenarioRecord, report_path

CHECK_TIME_LIMIT_S = float(os.environ.get("CHAOS_CHECK_SECONDS", "120"))


def _checker():
    try:
        import linearizability  # noqa: WPS433 (imported late: written separately)
    except ImportError as exc:
        pytest.fail(f"tests/chaos/linearizability.py cannot be imported ({exc}); the chaos "
                    f"scenarios need the checker to mean anything", pytrace=False)
    return linearizability


def save_history(record: ScenarioRecord, ops: List[Op], label: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{record.name}-{label}").strip("-")
    path = report_path().parent / f"chaos-{safe}.history.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    save(ops, path)
    record.histories.append(str(path))
    return str(path)


def check_history(record: ScenarioRecord, ops: List[Op], label: str = "history",
                  require_ops: int = 1) -> None:
    """Asserts the history is linearizable (status "ok"; "unknown" fails too)."""
    lin = _checker()
    decided = [op for op in ops if op.status != FAIL]
    assert len(decided) >= require_ops, \
        f"{label}: only {len(decided)} operations were not refused; nothing to check"
    started = time.monotonic()
    result = lin.check(ops, time_limit_s=CHECK_TIME_LIMIT_S)
    seconds = time.monotonic() - started
    violations = list(getattr(result, "violations", []) or [])
    detail = ""
    if result.status != "ok":
        shown = violations[:3]
        detail = "\n\n".join(lin.format_violation(v) for v in shown)
        if result.status == "unknown":
            detail = (f"the checker gave up after {CHECK_TIME_LIMIT_S:.0f}s "
                      f"(CHAOS_CHECK_SECONDS)\n" + detail)
    record.checks.append(CheckRecord(label, len(ops), len({op.key for op in ops}),
                                     result.status, len(violations), seconds, detail))
    if result.status != "ok":
        path = save_history(record, ops, label)
        pytest.fail(f"{record.name} {label}: checker status {result.status!r}, "
                    f"{len(violations)} violation(s); history saved to {path}\n{detail}",
                    pytrace=False)
