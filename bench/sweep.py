"""Throughput by number of clients, for every system `make bench` runs, and its plot.

For SET and GET without pipelining, each client count (1, 8, 50, 200) runs against every
system one after the other (the single node, the cluster's leader, redis-server, etcd), so the
points of one client count were measured seconds apart. The table goes into the report; with
gnuplot (Debian's gnuplot-nox) the same numbers become a PNG beside it: one panel per command,
operations per second by clients on a log scale, one line per system.

Knobs (environment): BENCH_SWEEP=0 skips it; BENCH_SWEEP_REQUESTS (default 20000) requests per
point, a tenth of that (at least 1000) with one client.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

CLIENTS = (1, 8, 50, 200)


def requests_for(clients: int) -> int:
    base = int(os.environ.get("BENCH_SWEEP_REQUESTS", 20000))
    return max(1000, base // 10) if clients == 1 else base


# system name -> run(test, clients, requests) -> rate in ops/s
Runner = Callable[[object, int, int], float]
Results = Dict[str, Dict[str, List[Tuple[int, float]]]]  # command -> system -> [(clients, rate)]


def run_sweep(runners: Dict[str, Runner], tests, progress: Callable[[str], None]) -> Results:
    results: Results = {t.name: {name: [] for name in runners} for t in tests}
    for test in tests:
        for clients in CLIENTS:
            progress(f"sweep: {test.name}, {clients} clients")
            for name, run in runners.items():
                results[test.name][name].append((clients, run(test, clients,
                                                              requests_for(clients))))
    return results


def render(results: Results) -> str:
    systems = list(next(iter(results.values())))
    lines = ["| command | clients | " + " | ".join(f"{s} ops/s" for s in systems) + " |",
             "| --- | ---: |" + " ---: |" * len(systems)]
    for command, by_system in results.items():
        for i, clients in enumerate(CLIENTS):
            rates = " | ".join(f"{by_system[s][i][1]:,.0f}" for s in systems)
            lines.append(f"| {command} | {clients} | {rates} |")
    return "\n".join(lines) + "\n"


def plot(results: Results, png: Path) -> Optional[str]:
    """Writes the PNG; returns why not when it cannot (no gnuplot), else None."""
    if shutil.which("gnuplot") is None:
        return "no plot: gnuplot is missing (make setup installs gnuplot-nox)"
    data = png.with_suffix(".dat")
    blocks = []
    for command, by_system in results.items():
        for system, points in by_system.items():
            rows = "\n".join(f"{clients} {rate:.1f}" for clients, rate in points)
            blocks.append(f"# {command} {system}\n{rows}\n\n\n")  # two blank lines: next index
    data.write_text("".join(blocks))
    systems = list(next(iter(results.values())))
    commands = list(results)
    script = [f"set terminal pngcairo size {560 * len(commands)},420 noenhanced",
              f"set output '{png}'",
              f"set multiplot layout 1,{len(commands)}",
              "set logscale x 2", "set xtics (1, 8, 50, 200)", "set xlabel 'clients'",
              "set ylabel 'ops/s'", "set yrange [0:*]", "set key top left", "set grid"]
    for c, command in enumerate(commands):
        series = [f"'{data}' index {c * len(systems) + s} using 1:2 with linespoints "
                  f"title '{system}'" for s, system in enumerate(systems)]
        script += [f"set title '{command} (no pipelining)'", "plot " + ", ".join(series)]
    script.append("unset multiplot")
    out = subprocess.run(["gnuplot"], input="\n".join(script) + "\n", capture_output=True,
                         text=True)
    if out.returncode != 0:
        return f"no plot: gnuplot failed: {out.stderr.strip()}"
    return None
