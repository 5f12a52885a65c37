"""The targets of the issue "Faster than the consensus stores", checked against the rows of one
`make bench` run (bench/run.py), so that a run's report says by itself which hold.

Each target names the system and row it reads, what it compares (the ratio to redis-server in
the same row, the ratio to etcd in the same row, or the row's p99 latency) and the bound. A
target whose row did not run (make bench-quick, BENCH_ETCD=0) is reported as not measured.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    text: str    # the target as the issue states it
    system: str  # "cluster" (the three-node leader) or "single"
    label: str   # the row's label in the report's tables
    kind: str    # "redis" (ratio, at least), "etcd" (ratio, at least) or "p99" (ms, below)
    bound: float


SET_50 = "SET, 50 clients, pipeline 1"
SET_1 = "SET, 1 client, pipeline 1"
SET_P16 = "SET, 50 clients, pipeline 16"
GET_50 = "GET, 50 clients, pipeline 1"
GET_P16 = "GET, 50 clients, pipeline 16"

TARGETS = [
    Target("3 nodes, SET 50 clients >= 0.5 of redis", "cluster", SET_50, "redis", 0.5),
    Target("3 nodes, SET 1 client >= 0.5 of redis", "cluster", SET_1, "redis", 0.5),
    Target("3 nodes, SET pipeline 16 >= 0.3 of redis", "cluster", SET_P16, "redis", 0.3),
    Target("3 nodes, GET 50 clients >= 0.8 of redis", "cluster", GET_50, "redis", 0.8),
    Target("3 nodes, GET pipeline 16 >= 0.5 of redis", "cluster", GET_P16, "redis", 0.5),
    Target("3 nodes, SET 50 clients >= 3x etcd put", "cluster", SET_50, "etcd", 3.0),
    Target("3 nodes, SET 50 clients p99 < 5 ms", "cluster", SET_50, "p99", 5.0),
    Target("single node, SET pipeline 16 >= 0.6 of redis", "single", SET_P16, "redis", 0.6),
]


def measure(target, single, clustered, against_etcd):
    """(shown value, held) for one target, or None when its row did not run. The lists are
    run.py's: (label, ours, redis, ...) for single and clustered, (label, ours, etcd) for
    against_etcd."""
    if target.kind == "etcd":
        rows = {label: (ours, etcd) for label, ours, etcd in against_etcd}
    else:
        table = clustered if target.system == "cluster" else single
        rows = {label: (ours, redis) for label, ours, redis, _ in table}
    if target.label not in rows:
        return None
    ours, peer = rows[target.label]
    if target.kind == "p99":
        if ours.p99_ms is None:
            return None
        return f"{ours.p99_ms:.2f} ms", ours.p99_ms < target.bound
    if peer.rate <= 0:
        return None
    ratio = ours.rate / peer.rate
    shown = f"{ratio:.2f}x" if target.kind == "etcd" else f"{ratio:.2f}"
    return shown, ratio >= target.bound


def render(single, clustered, against_etcd):
    """A markdown table: each target, what this run measured, and whether it held."""
    lines = ["| target | measured | held |", "| --- | ---: | --- |"]
    for target in TARGETS:
        got = measure(target, single, clustered, against_etcd)
        if got is None:
            lines.append(f"| {target.text} | not measured | - |")
        else:
            shown, held = got
            lines.append(f"| {target.text} | {shown} | {'yes' if held else 'no'} |")
    return "\n".join(lines) + "\n"
