#!/usr/bin/python3
"""Where the time goes in a three-node cluster: CPU per operation, per process and per thread.

Starts three Seshat nodes on free loopback ports (as `make bench` does), finds the leader, and
for each row runs redis-benchmark against the leader while it reads, before and after, the CPU
time (utime + stime, /proc/PID/task/TID/stat) of every thread of every node. It reports:

- CPU per operation in microseconds, per node and summed over the three (the figure that
  explains throughput when the box is CPU-bound, ../shared/BENCHMARKING.md);
- context switches per operation, per node (every hand-off between threads is one or two);
- per node, how that CPU splits between its threads, grouped by name: raft-driver, io-N (client
  connections), peer-msg-N / peer-snap-N (sending to peers), peer-recv (receiving from peers),
  grpc (gRPC's own threads: polling, snapshots, Hello), rocksdb (flush and compaction), and the
  rest;
- with --perf, the row once more under `perf record` on the leader and on one follower (apart
  from the CPU measurement, which perf would inflate), summarised by shared object (seshat
  itself, librocksdb, libgrpc, libc, the kernel, ...) and by symbol.

The rows: SET with 50 clients, SET with 1 client, GET with 50 clients (redis-benchmark
-r 100000 -d 64, as in the issue's measurements). The report goes to stdout and to
build/profile.md.

Knobs (environment): PROFILE_REQUESTS (50-client rows, default 100000), PROFILE_REQUESTS_SINGLE
(the 1-client row, default 10000), SESHAT_BIN (default build/seshat).
"""

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "support"))
sys.path.insert(0, str(REPO / "bench"))

from run import BenchCluster, ignore_signals_from_now_on  # noqa: E402
from servers import stop_all  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
STOP_TIMEOUT_SECS = 15
ROWS = [("SET", 50), ("SET", 1), ("GET", 50)]
GROUPS = [("raft-driver", re.compile(r"^raft-driver$")),
          ("io", re.compile(r"^io-\d+$")),
          ("peer send", re.compile(r"^peer-(msg|snap)-\d+$")),
          ("peer recv", re.compile(r"^peer-recv$")),
          ("grpc", re.compile(r"grpc|^nexting_thread|^default-executo|^resolver|^timer")),
          ("rocksdb", re.compile(r"^rocksdb")),
          ("main", re.compile(r"^seshat$"))]


def thread_times(pid):
    """{thread name: (CPU seconds, context switches)} summed over the threads of that name, for
    one process."""
    times = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            status = (task / "status").read_text()
        except OSError:
            continue  # the thread ended in between
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
        switches = sum(int(line.split()[1]) for line in status.splitlines()
                       if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
        old_cpu, old_switches = times.get(name, (0.0, 0))
        times[name] = (old_cpu + cpu, old_switches + switches)
    return times


def group_of(name):
    for group, pattern in GROUPS:
        if pattern.search(name):
            return group
    return "other"


def grouped(before, after, which):
    """Per thread group, what changed between two thread_times() readings: CPU seconds
    (which=0) or context switches (which=1). Threads that ended in between are not counted
    (none do while a row runs)."""
    out = {}
    for name, now in after.items():
        then = before.get(name, (0.0, 0))
        out[group_of(name)] = out.get(group_of(name), 0.0) + now[which] - then[which]
    return out


def run_benchmark(port, command, clients, requests):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", command.lower(),
            "-n", str(requests), "-c", str(clients), "-r", "100000", "-d", "64", "--csv", "-q"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith(f'"{command}"'))
    return float(line.split(",")[1].strip('"'))


def perf_start(pid, path):
    return subprocess.Popen(["perf", "record", "-F", "999", "-q", "-p", str(pid), "-o", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def perf_stop(proc):
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)


def perf_top(path, sort, limit):
    """The largest entries of `perf report --sort <sort>`, as (percent, name)."""
    out = subprocess.run(["perf", "report", "-i", str(path), "--stdio", "--no-children",
                          "--sort", sort, "--percent-limit", "0.5"],
                         capture_output=True, text=True, timeout=300).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(.*\S)", line)
        if m:
            rows.append((float(m.group(1)), re.sub(r"\s+", " ", m.group(2))))
    return rows[:limit]


def profile(args):
    requests = {50: int(os.environ.get("PROFILE_REQUESTS", 100000)),
                1: int(os.environ.get("PROFILE_REQUESTS_SINGLE", 10000))}
    os.environ.setdefault("SESHAT_BIN", str(REPO / "build" / "seshat"))
    lines = [f"# Where the time goes: three nodes, {time.strftime('%Y-%m-%d %H:%M')}", ""]
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="seshat-profile-"))
        cluster = BenchCluster(tmp)
        stack.callback(lambda: stop_all(cluster.nodes, STOP_TIMEOUT_SECS))
        cluster.start()
        leader = cluster.find_leader()
        stack.callback(ignore_signals_from_now_on)
        followers = [n for n in cluster.nodes if n is not leader]
        nodes = [("leader", leader)] + [(f"follower {i + 1}", n) for i, n in enumerate(followers)]
        cpu_rows, thread_rows, perf_rows = [], [], []
        for command, clients in ROWS:
            label = f"{command}, {clients} client{'s' if clients > 1 else ''}"
            n = requests[clients]
            print(f"running: {label}, {n} requests ...", file=sys.stderr, flush=True)
            before = {name: thread_times(node.proc.pid) for name, node in nodes}
            rate = run_benchmark(leader.port, command, clients, n)
            after = {name: thread_times(node.proc.pid) for name, node in nodes}
            if not cluster.leader_kept():
                raise SystemExit(f"the leader changed during {label}: numbers discarded")
            per_node = {name: grouped(before[name], after[name], 0) for name, _ in nodes}
            switch_node = {name: grouped(before[name], after[name], 1) for name, _ in nodes}
            us = {name: sum(g.values()) / n * 1e6 for name, g in per_node.items()}
            switches = {name: sum(g.values()) / n for name, g in switch_node.items()}
            cpu_rows.append((label, rate, us, switches))
            thread_rows.append((label, per_node, switch_node))
            if not args.perf:
                continue
            # The same row again under perf, apart: perf's own work must not count above.
            print(f"running: {label} under perf ...", file=sys.stderr, flush=True)
            perfs = []
            for name, node in nodes[:2]:
                path = Path(tmp) / f"perf-{command}-{clients}-{name.replace(' ', '')}.data"
                perfs.append((name, path, perf_start(node.proc.pid, path)))
            time.sleep(1)  # perf attaches asynchronously; nothing to poll for it
            run_benchmark(leader.port, command, clients, n)
            for _, _, proc in perfs:
                perf_stop(proc)
            for name, path, _ in perfs:
                perf_rows.append((label, name, perf_top(path, "dso", 8),
                                  perf_top(path, "sym", 12)))

    names = [name for name, _ in nodes]
    lines += ["## CPU per operation (µs, utime + stime)", "",
              "| row | ops/s | " + " | ".join(names) + " | total |",
              "| --- | ---: | " + " | ".join("---:" for _ in names) + " | ---: |"]
    for label, rate, us, _ in cpu_rows:
        lines.append(f"| {label} | {rate:,.0f} | " + " | ".join(f"{us[n]:.1f}" for n in names) +
                     f" | {sum(us.values()):.1f} |")
    lines += ["", "## Context switches per operation (thread hand-offs)", "",
              "| row | " + " | ".join(names) + " | total |",
              "| --- | " + " | ".join("---:" for _ in names) + " | ---: |"]
    for label, _, _, switches in cpu_rows:
        lines.append(f"| {label} | " + " | ".join(f"{switches[n]:.1f}" for n in names) +
                     f" | {sum(switches.values()):.1f} |")
    groups = [g for g, _ in GROUPS] + ["other"]
    for title, which, scale, fmt in (("CPU per operation by thread (µs)", 1, 1e6, ".1f"),
                                     ("Context switches per operation by thread", 2, 1, ".1f")):
        lines += ["", f"## {title}", "",
                  "| row | node | " + " | ".join(groups) + " |",
                  "| --- | --- | " + " | ".join("---:" for _ in groups) + " |"]
        for row in thread_rows:
            label = row[0]
            n = requests[int(label.split(", ")[1].split()[0])]
            for name in names:
                g = row[which][name]
                lines.append(f"| {label} | {name} | " +
                             " | ".join(f"{g.get(k, 0.0) / n * scale:{fmt}}" for k in groups) +
                             " |")
    for label, name, dsos, syms in perf_rows:
        lines += ["", f"## perf: {label}, {name}", "", "| share | shared object |", "| ---: | --- |"]
        lines += [f"| {p:.1f}% | {d} |" for p, d in dsos]
        lines += ["", "| share | symbol |", "| ---: | --- |"]
        lines += [f"| {p:.1f}% | `{s}` |" for p, s in syms]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--perf", action="store_true",
                        help="also run perf record on the leader and a follower (Debian linux-perf)")
    args = parser.parse_args()
    report = profile(args)
    print(report)
    out = REPO / "build" / "profile.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report)
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
