"""bench/targets.py: the issue's targets read off one benchmark run's tables, so that a
`make bench` report says by itself which hold."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import targets  # noqa: E402


@dataclass(frozen=True)
class Measured:  # what targets reads of bench/run.py's Result
    rate: float
    p99_ms: Optional[float] = None


def lines_by_target(text: str) -> dict:
    rows = [line.split("|")[1:-1] for line in text.splitlines()[2:]]
    return {cells[0].strip(): (cells[1].strip(), cells[2].strip()) for cells in rows}


def test_each_target_reads_its_own_row_and_peer():
    single = [(targets.SET_P16, Measured(60_000), Measured(100_000), None)]
    clustered = [
        (targets.SET_50, Measured(30_000, p99_ms=4.2), Measured(50_000), 40_000),
        (targets.GET_50, Measured(79_000), Measured(100_000), 80_000),
    ]
    against_etcd = [(targets.SET_50, Measured(30_000, p99_ms=4.2), Measured(10_000))]
    got = lines_by_target(targets.render(single, clustered, against_etcd))
    assert got["3 nodes, SET 50 clients >= 0.5 of redis"] == ("0.60", "yes")
    assert got["3 nodes, GET 50 clients >= 0.8 of redis"] == ("0.79", "no")
    assert got["3 nodes, SET 50 clients >= 3x etcd put"] == ("3.00x", "yes")
    assert got["3 nodes, SET 50 clients p99 < 5 ms"] == ("4.20 ms", "yes")
    assert got["single node, SET pipeline 16 >= 0.6 of redis"] == ("0.60", "yes")
    # Rows this run did not have are named as such, never counted as held.
    assert got["3 nodes, SET 1 client >= 0.5 of redis"] == ("not measured", "-")
    assert got["3 nodes, GET pipeline 16 >= 0.5 of redis"] == ("not measured", "-")
    assert len(got) == len(targets.TARGETS)


def test_a_bound_missed_by_a_little_is_missed():
    clustered = [(targets.SET_50, Measured(24_999, p99_ms=5.0), Measured(50_000), 1)]
    got = lines_by_target(targets.render([], clustered, []))
    assert got["3 nodes, SET 50 clients >= 0.5 of redis"] == ("0.50", "no")
    assert got["3 nodes, SET 50 clients p99 < 5 ms"] == ("5.00 ms", "no")
    assert got["3 nodes, SET 50 clients >= 3x etcd put"] == ("not measured", "-")
