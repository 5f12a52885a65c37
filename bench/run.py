#!/usr/bin/python3
"""Side-by-side benchmark: Seshat against a durable Debian redis-server, in one run.

Starts build/seshat (one node, free ports, temporary data directory) and
`redis-server --appendonly yes --appendfsync always --save ''` (so both acknowledge a write only
after it is fsynced), runs redis-benchmark SET and GET against each for the rows in ROWS, prints
a markdown table with the ratio seshat/redis and writes it to build/bench.md.

In the same run it also starts a three-node Seshat cluster (free loopback ports, one temporary
data directory per node; every node fsyncs its log, as Seshat always does), finds the leader
through INFO raft, and runs the same rows against the leader (a follower would answer writes
with -MOVED). Each row runs against the single node, the cluster's leader and redis one after
another, so the second table, "3-node cluster vs redis-server (appendfsync always)", reuses the
redis numbers of the first: they were measured right beside the cluster's. A three-member etcd
(Debian's etcd-server, bench/etcd_cluster.py) runs beside them too: SET and GET without
pipelining are also sent to its leader as gRPC Put and linearizable Range by h2load, and a third
table sets the cluster beside it, with p50 / p99 latency and CPU per operation of each. A
"Targets" section then reads the issue's targets off those tables (bench/targets.py).

Knobs (environment):
  BENCH_REQUESTS         requests per row with 50 clients   (default 100000)
  BENCH_REQUESTS_SINGLE  requests per row with 1 client     (default 20000)
  BENCH_KEYSPACE         redis-benchmark -r                 (default 100000)
  BENCH_DATA_SIZE        value size in bytes, -d            (default 100)
  BENCH_TIMEOUT          seconds one redis-benchmark run may take (default 600)
  BENCH_CLUSTER          0 skips the three-node cluster     (default 1)
  BENCH_READ_MODE        Seshat's read_mode, e.g. readindex (default: the server's, lease)
  BENCH_ETCD             0 skips the three-member etcd      (default 1; 0 with --quick)
  BENCH_SWEEP            0 skips throughput by clients 1, 8, 50, 200 and its plot (bench.png)
                         (default 1; 0 with --quick); BENCH_SWEEP_REQUESTS sets its size
  SESHAT_BIN             the server binary                  (default build/seshat)

Every server is stopped on the way out (SIGTERM, then SIGKILL after a deadline), also on Ctrl-C,
SIGTERM or SIGHUP, and the temporary directories are removed.

Options (see --help): --quick for a two-minute look at a change (make bench-quick), --seshat-ports to measure an already running Seshat, --seshat-cmd to start
something else in Seshat's place (useful to test this script itself; the cluster still runs
--seshat-bin, so add BENCH_CLUSTER=0 when there is none).
"""

import argparse
import contextlib
import csv
import io
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Optional
from pathlib import Path

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What the tests and the benchmark share: RESP client, free ports, INFO (tests/support/README.md).
sys.path.insert(0, os.path.join(REPO, "tests", "support"))

from cluster_harness import Cluster  # noqa: E402
from info import info  # noqa: E402
from ports import free_port  # noqa: E402
from resp_client import ConnectionClosed, MalformedReply, RespConnection  # noqa: E402
from servers import (RedisProcess, SeshatProcess, ServerError, ServerProcess,  # noqa: E402
                     stop_all)
import etcd_cluster as etcd  # noqa: E402
import sweep  # noqa: E402
import targets  # noqa: E402

LEADER_TIMEOUT_SECS = 30
STOP_TIMEOUT_SECS = 15
CLUSTER_SIZE = 3
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class Row:
    clients: int
    pipeline: int
    requests_env: str  # which knob sets -n for this row
    requests_default: int

    def requests(self):
        return int(os.environ.get(self.requests_env, self.requests_default))

    def label(self, test):
        clients = "1 client" if self.clients == 1 else f"{self.clients} clients"
        return f"{test.name}, {clients}, pipeline {self.pipeline}"


ROWS = [
    Row(50, 1, "BENCH_REQUESTS", 100000),
    Row(50, 16, "BENCH_REQUESTS", 100000),
    Row(1, 1, "BENCH_REQUESTS_SINGLE", 20000),
]
# --quick (make bench-quick): a look at a change in under two minutes, not a measurement to
# report; the knobs still apply.
QUICK_ROWS = [
    Row(50, 1, "BENCH_REQUESTS", 50000),
    Row(1, 1, "BENCH_REQUESTS_SINGLE", 5000),
]
@dataclass(frozen=True)
class Test:
    name: str      # the label in the tables
    args: tuple    # what redis-benchmark is told to run: -t <tests>, or a command of our own
    csv_name: str  # the name redis-benchmark gives it in its --csv output


TESTS = [Test("SET", ("-t", "set"), "SET"), Test("GET", ("-t", "get"), "GET")]
# Collections, on the 50-client row only (redis-benchmark's own keys: myhash, mylist, myset,
# myzset). LRANGE 100 fills mylist first (redis-benchmark's "LPUSH (needed to benchmark LRANGE)");
# ZRANGE 100 reads the sorted set ZADD filled just before.
COLLECTION_TESTS = [
    Test("HSET", ("-t", "hset"), "HSET"),
    Test("LPUSH", ("-t", "lpush"), "LPUSH"),
    Test("SADD", ("-t", "sadd"), "SADD"),
    Test("ZADD", ("-t", "zadd"), "ZADD"),
    Test("LRANGE 100", ("-t", "lrange_100"), "LRANGE_100 (first 100 elements)"),
    Test("ZRANGE 100", ("ZRANGE", "myzset", "0", "99"), "ZRANGE myzset 0 99"),
]


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Result:
    """One row against one system: its rate, whether it answered errors, and the CPU its server
    processes spent per operation (utime + stime, summed over them; None when not ours to
    read, as with --seshat-ports)."""
    rate: float
    errors: bool
    cpu_us: Optional[float]
    p50_ms: Optional[float] = None
    p99_ms: Optional[float] = None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """utime + stime of these processes, from /proc/PID/stat."""
    total = 0.0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def command_ok(port, *args, timeout=2.0):
    """True when the command, sent on a fresh connection, answers +OK."""
    try:
        with RespConnection("127.0.0.1", port, timeout=timeout) as conn:
            return conn.call(*args).raw == b"+OK\r\n"
    except (OSError, ConnectionClosed, MalformedReply):
        return False


def detached(server):
    """The benchmark's servers run detached (tests/support/servers.py): a Ctrl-C reaches only
    this script, which stops them in order, and a SIGKILL of this script takes them along."""
    server.detached = True
    return server


class CommandProcess(ServerProcess):
    """Something else started in Seshat's place (--seshat-cmd)."""

    kind = "seshat"

    def __init__(self, workdir, template):
        super().__init__(workdir, "seshat")
        self.internal_port = free_port()
        self.template = template

    def argv(self):
        return [part.format(port=self.port, internal_port=self.internal_port,
                            data_dir=self.workdir / "data")
                for part in shlex.split(self.template)]


def seshat_options() -> dict:
    """Options every Seshat process of the run starts with."""
    options = {"log_level": "warn"}
    if os.environ.get("BENCH_READ_MODE"):
        options["read_mode"] = os.environ["BENCH_READ_MODE"]
    return options


class BenchCluster(Cluster):
    """The three-node cluster, plus which leader (and term) the rows ran against."""

    def __init__(self, tmp):
        super().__init__(Path(tmp) / "cluster", size=CLUSTER_SIZE, options=seshat_options())
        for node in self.nodes:
            detached(node)
        self.current = None  # the node that leads, as last found
        self.term = None     # its term then

    def find_leader(self):
        """Waits until the nodes agree on a leader (tests/support/leader.py) and a write on it
        commits (a new leader must commit an entry of its own term first). Returns that node."""
        deadline = time.monotonic() + LEADER_TIMEOUT_SECS
        while True:
            for node in self.nodes:
                node.check_alive()
            leader = self.leader(deadline_s=max(0.1, deadline - time.monotonic()))
            fields = info(leader.host, leader.port, "raft") or {}
            if command_ok(leader.port, "SET", "bench:leader-probe", "1", timeout=5):
                self.current, self.term = leader, fields.get("raft_term")
                return leader
            if time.monotonic() > deadline:
                raise BenchError(f"{leader.name} leads but no write committed within "
                                 f"{LEADER_TIMEOUT_SECS}s\n{leader.log_tail(10)}")
            time.sleep(0.05)  # a poll interval, not a guess at election time

    def leader_kept(self):
        """True when the leader found last still leads in the same term (so it never stepped
        down in between)."""
        fields = info("127.0.0.1", self.current.port, "raft")
        if fields is None:
            return False
        return fields.get("raft_role") == "StateLeader" and fields.get("raft_term") == self.term


def benchmark_argv(port, test, clients, pipeline, requests, keyspace, data_size):
    options = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
               "-n", str(requests), "-c", str(clients), "-P", str(pipeline),
               "-r", str(keyspace), "-d", str(data_size), "--csv", "-q"]
    return options + list(test.args)  # a command of our own must come last


def bench_ports(ports, test, row, keyspace, data_size, pids=()):
    """One row against a list of ports: one node, or several given with --seshat-ports.

    With several ports the clients and requests are split evenly and one redis-benchmark per
    port runs at the same time; the row's rate is their sum. `pids` are the server processes
    whose CPU time the row is charged with. Returns a Result."""
    clients = max(1, row.clients // len(ports))
    requests = max(1, row.requests() // len(ports))
    timeout = int(os.environ.get("BENCH_TIMEOUT", 600))
    cpu_before = cpu_seconds(pids)
    procs = [subprocess.Popen(benchmark_argv(port, test, clients, row.pipeline, requests,
                                             keyspace, data_size),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for port in ports]
    total, errors, latencies = 0.0, False, None
    try:
        for port, proc in zip(ports, procs):
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # redis-benchmark waits forever on a server that stopped answering.
                raise BenchError(f"redis-benchmark on port {port} ({test.name}) took over {timeout}s")
            rows = [r for r in csv.DictReader(io.StringIO(out)) if r.get("test") == test.csv_name]
            rates = [float(r["rps"]) for r in rows]
            if rows and latencies is None and "p99_latency_ms" in rows[0]:
                latencies = (float(rows[0]["p50_latency_ms"]), float(rows[0]["p99_latency_ms"]))
            if proc.returncode != 0 or not rates:
                raise BenchError(f"redis-benchmark on port {port} ({test.name}) failed "
                                 f"(exit {proc.returncode}):\n{out}")
            total += rates[0]
            errors = errors or "Error from server" in out
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    cpu_us = (cpu_seconds(pids) - cpu_before) / (requests * len(ports)) * 1e6 if pids else None
    return Result(total, errors, cpu_us, *(latencies or (None, None)))


def format_rate(rate):
    return f"{rate:,.0f}"


def render_header(rows, keyspace, data_size):
    requests = {row.clients: row.requests() for row in rows}
    return (f"redis-benchmark, keyspace {keyspace}, values of {data_size} bytes; "
            f"-n {requests[50]} for 50 clients, {requests[1]} for 1 client. "
            f"redis-server with appendonly yes, appendfsync always, no RDB saves. "
            f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}.")


def format_cpu(result):
    return "n/a" if result.cpu_us is None else f"{result.cpu_us:.1f}"


def render_table(who, results, notes=(), baseline=None):
    """One markdown table: `who`'s rate beside redis's, row by row, then the CPU each spent per
    operation. results holds (label, Result, redis Result, baseline rate); with `baseline` (a
    column name) a last column gives who/baseline."""
    head = (f"| row | {who} ops/s | redis ops/s | ratio ({who}/redis) | {who} CPU µs/op | "
            f"redis CPU µs/op |")
    rule = "| --- | ---: | ---: | ---: | ---: | ---: |"
    if baseline:
        head += f" {who}/{baseline} |"
        rule += " ---: |"
    lines, notes = [head, rule], list(notes)
    for label, result, redis, base in results:
        ratio = f"{result.rate / redis.rate:.2f}" if redis.rate > 0 else "n/a"
        line = (f"| {label} | {format_rate(result.rate)} | {format_rate(redis.rate)} | {ratio} | "
                f"{format_cpu(result)} | {format_cpu(redis)} |")
        if baseline:
            line += f" {result.rate / base:.2f} |" if base > 0 else " n/a |"
        lines.append(line)
        if result.errors or redis.errors:
            culprits = " and ".join(n for n, e in ((who, result.errors), ("redis", redis.errors))
                                    if e)
            notes.append(f"- {label}: {culprits} answered some requests with errors")
    return "\n".join([*lines, *([""] + notes if notes else [])]) + "\n"


def bench_cluster(cluster, test, row, keyspace, data_size, notes):
    """One row against the cluster's leader. The leader is confirmed first (found again, with a
    note, if it changed) and checked after; a change during the row is noted, since that row's
    rate then includes an election and -MOVED answers."""
    label = row.label(test)
    if not cluster.leader_kept():
        old = cluster.current.name
        cluster.find_leader()
        notes.append(f"- leader changed before \"{label}\": {old} -> {cluster.current.name}")
    result = bench_ports([cluster.current.port], test, row, keyspace, data_size,
                         pids=[node.proc.pid for node in cluster.nodes])
    if not cluster.leader_kept():
        notes.append(f"- leadership changed during \"{label}\" (was {cluster.current.name}); "
                     f"its rate includes the election")
    return result


ETCD_OPS = {"SET": ("/etcdserverpb.KV/Put", "put"), "GET": ("/etcdserverpb.KV/Range", "range")}


def bench_etcd(cluster, test, row, data_size, workdir):
    """One row against etcd's leader over gRPC: SET as Put, GET as Range (linearizable)."""
    path, name = ETCD_OPS[test.name]
    body = Path(workdir) / f"{name}.bin"
    body.write_bytes(etcd.put_body(data_size) if name == "put" else etcd.range_body())
    pids = cluster.pids()
    before = cpu_seconds(pids)
    r = etcd.h2load(f"http://{cluster.leader.endpoint}{path}", body, row.clients,
                    row.requests(), Path(workdir) / f"{name}-{row.clients}.log",
                    int(os.environ.get("BENCH_TIMEOUT", 600)))
    cpu_us = (cpu_seconds(pids) - before) / max(1, r.done) * 1e6
    return Result(r.rate, r.failed > 0, cpu_us, r.p50_ms, r.p99_ms)


def format_latency(result):
    if result.p50_ms is None:
        return "n/a"
    return f"{result.p50_ms:.2f} / {result.p99_ms:.2f}"


def render_etcd_table(results, notes=()):
    """The cluster beside etcd, row by row: (label, cluster Result, etcd Result)."""
    lines = ["| row | cluster ops/s | etcd ops/s | ratio (cluster/etcd) | cluster p50 / p99 ms | "
             "etcd p50 / p99 ms | cluster CPU µs/op | etcd CPU µs/op |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    notes = list(notes)
    for label, ours, theirs in results:
        ratio = f"{ours.rate / theirs.rate:.2f}" if theirs.rate > 0 else "n/a"
        lines.append(f"| {label} | {format_rate(ours.rate)} | {format_rate(theirs.rate)} | "
                     f"{ratio} | {format_latency(ours)} | {format_latency(theirs)} | "
                     f"{format_cpu(ours)} | {format_cpu(theirs)} |")
        if theirs.errors:
            notes.append(f"- {label}: etcd failed some requests")
    return "\n".join([*lines, *([""] + notes if notes else [])]) + "\n"


def ignore_signals_from_now_on():
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def run(args):
    """Starts everything, runs every row, stops everything; returns the report's sections
    (a list of (title, markdown))."""
    keyspace = int(os.environ.get("BENCH_KEYSPACE", 100000))
    data_size = int(os.environ.get("BENCH_DATA_SIZE", 100))
    with_cluster = os.environ.get("BENCH_CLUSTER", "1").strip() not in ("0", "", "no", "false")
    os.environ["SESHAT_BIN"] = args.seshat_bin  # the binary SeshatProcess (and the cluster) run
    with contextlib.ExitStack() as stack:
        # Registered first, so it runs last: signals behave as before once all is clean.
        for sig in STOP_SIGNALS:
            stack.callback(signal.signal, sig, signal.getsignal(sig))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="seshat-bench-"))
        servers = []
        # Every server started from here on is stopped on the way out, all within one deadline.
        stack.callback(lambda: stop_all(servers, STOP_TIMEOUT_SECS))
        seshat_pids = []  # not ours to measure when the server runs elsewhere
        if args.seshat_ports:
            seshat_ports = [int(p) for p in args.seshat_ports.split(",")]
        else:
            seshat = detached(seshat_process(args, Path(tmp) / "seshat"))
            servers.append(seshat)
            seshat.start()
            seshat_ports = [seshat.port]
            seshat_pids = [seshat.proc.pid]
        cluster = None
        if with_cluster:
            print("starting a 3-node cluster and waiting for its leader ...", file=sys.stderr,
                  flush=True)
            cluster = BenchCluster(tmp)
            servers.extend(cluster.nodes)
            cluster.start()
            cluster.find_leader()
            print(f"cluster leader: {cluster.current.name} (client port {cluster.current.port})",
                  file=sys.stderr, flush=True)
        etcd_cluster, etcd_skipped = None, None
        with_etcd = with_cluster and os.environ.get("BENCH_ETCD", "0" if args.quick else "1") \
            .strip() not in ("0", "", "no", "false")
        if with_etcd and etcd.missing_tools():
            etcd_skipped = (f"not run: {', '.join(etcd.missing_tools())} missing (make setup "
                            f"installs etcd-server, etcd-client and nghttp2-client)")
        elif with_etcd:
            print("starting a 3-member etcd cluster ...", file=sys.stderr, flush=True)
            etcd_cluster = etcd.EtcdCluster(Path(tmp) / "etcd")
            for member in etcd_cluster.members:
                servers.append(detached(member))
            etcd_cluster.start()
            etcd.check_puts_land(etcd_cluster, Path(tmp) / "etcd", data_size)
        redis = detached(RedisProcess(Path(tmp) / "redis", durable=True))
        servers.append(redis)
        redis.start()
        redis_port = redis.port
        # Registered last, so it runs first: a second Ctrl-C (or SIGTERM) must not cut the
        # clean-up short, which is bounded anyway (SIGKILL after STOP_TIMEOUT_SECS).
        stack.callback(ignore_signals_from_now_on)

        single, clustered, cluster_notes, against_etcd = [], [], [], []
        first_leader = cluster.current.name if cluster else None
        rows = QUICK_ROWS if args.quick else ROWS
        for row in rows:
            collections = row.clients == 50 and row.pipeline == 1 and not args.quick
            for test in TESTS + (COLLECTION_TESTS if collections else []):
                label = row.label(test)
                print(f"running: {label} ...", file=sys.stderr, flush=True)
                # Each row runs against all servers one after the other, so each pair in a
                # table was measured a few seconds apart on the same machine state.
                seshat_result = bench_ports(seshat_ports, test, row, keyspace, data_size,
                                            pids=seshat_pids)
                if cluster:
                    cluster_result = bench_cluster(cluster, test, row, keyspace, data_size,
                                                   cluster_notes)
                redis_result = bench_ports([redis_port], test, row, keyspace, data_size,
                                           pids=[redis.proc.pid])
                if etcd_cluster and test.name in ETCD_OPS and row.pipeline == 1:
                    etcd_result = bench_etcd(etcd_cluster, test, row, data_size,
                                             Path(tmp) / "etcd")
                    against_etcd.append((label, cluster_result, etcd_result))
                for server in servers:
                    server.check_alive()
                single.append((label, seshat_result, redis_result, None))
                if cluster:
                    clustered.append((label, cluster_result, redis_result, seshat_result.rate))

        swept = None
        if os.environ.get("BENCH_SWEEP", "0" if args.quick else "1").strip() not in (
                "0", "", "no", "false"):
            swept = run_sweep(seshat_ports, seshat_pids, cluster, cluster_notes, redis,
                              etcd_cluster, Path(tmp) / "etcd", keyspace, data_size)

        header = render_header(rows, keyspace, data_size)
        sections = [("Single node vs redis-server (appendfsync always)",
                     header + "\n\n" + render_table("seshat", single))]
        if cluster:
            sections.append((
                "3-node cluster vs redis-server (appendfsync always)",
                f"Three Seshat nodes on this machine (every node fsyncs its log), measured "
                f"through the leader ({first_leader}; a follower answers -MOVED). The redis "
                f"column reuses the redis numbers of the table above: each row ran against the "
                f"single node, the cluster's leader and redis one after the other. The last "
                f"column compares the cluster with the single node.\n\n" +
                render_table("cluster", clustered, cluster_notes, baseline="single")))
        if etcd_cluster or etcd_skipped:
            sections.append((
                "3-node cluster vs etcd (3 members, gRPC)",
                etcd_skipped or
                f"Debian's etcd {etcd_version()}, three members on this machine (each fsyncs its "
                f"WAL), driven at its leader's gRPC port by h2load with the same number of "
                f"connections and one request in flight on each: SET is a Put of a "
                f"{data_size}-byte value, GET a linearizable Range, always of one key. The "
                f"cluster column is the table above's.\n\n" + render_etcd_table(against_etcd)))
        if cluster:
            sections.append((
                "Targets (issue \"Faster than the consensus stores\")",
                "Each target read from this run's tables above (bench/targets.py).\n\n" +
                targets.render(single, clustered, against_etcd)))
        if swept is not None:
            png = Path(args.out).with_suffix(".png")
            png.parent.mkdir(parents=True, exist_ok=True)
            problem = sweep.plot(swept, png)
            sections.append((
                "Throughput by clients (SET and GET, no pipelining)",
                f"Each client count ran against every system one after the other; "
                f"{sweep.requests_for(8)} requests per point ({sweep.requests_for(1)} with one "
                f"client). " + (problem or f"Plotted in {png.name}.") + "\n\n" +
                sweep.render(swept)))
        return sections


def run_sweep(seshat_ports, seshat_pids, cluster, cluster_notes, redis, etcd_cluster, etcd_dir,
              keyspace, data_size):
    """Throughput by clients for every system that runs (bench/sweep.py)."""
    def row(clients, requests):
        return Row(clients, 1, "", requests)  # no knob of its own: BENCH_SWEEP_REQUESTS

    def redis_benchmark(ports, pids):
        return lambda test, clients, n: bench_ports(ports, test, row(clients, n), keyspace,
                                                    data_size, pids=pids).rate

    runners = {"seshat": redis_benchmark(seshat_ports, seshat_pids)}
    if cluster:
        runners["seshat 3 nodes"] = lambda test, clients, n: bench_cluster(
            cluster, test, row(clients, n), keyspace, data_size, cluster_notes).rate
    runners["redis (AOF always)"] = redis_benchmark([redis.port], [redis.proc.pid])
    if etcd_cluster:
        runners["etcd 3 members"] = lambda test, clients, n: bench_etcd(
            etcd_cluster, test, row(clients, n), data_size, etcd_dir).rate
    progress = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    return sweep.run_sweep(runners, TESTS, progress)


def etcd_version():
    out = subprocess.run(["etcd", "--version"], capture_output=True, text=True).stdout.split()
    return out[2] if len(out) > 2 else "(unknown version)"


def format_sections(sections, level):
    return "\n".join(f"{'#' * level} {title}\n\n{body}" for title, body in sections)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seshat-bin", default=os.environ.get("SESHAT_BIN",
                                                                os.path.join(REPO, "build",
                                                                             "seshat")))
    parser.add_argument("--seshat-cmd", help="command that starts the server measured as Seshat; "
                        "{port}, {internal_port} and {data_dir} are filled in")
    parser.add_argument("--seshat-ports", help="measure an already running Seshat on these "
                        "comma-separated client ports instead of starting one")
    parser.add_argument("--quick", action="store_true",
                        help="SET and GET with 50 clients and with 1 client, fewer requests, no "
                        "collections: under two minutes, to check a change (make bench-quick)")
    parser.add_argument("--out", help="where the report goes (default build/bench.md, "
                        "build/bench-quick.md with --quick)")
    return parser.parse_args()


def seshat_process(args, workdir):
    if args.seshat_cmd:
        return CommandProcess(workdir, args.seshat_cmd)
    if not os.access(args.seshat_bin, os.X_OK):
        raise BenchError(f"{args.seshat_bin} is missing: run `make build` first")
    return SeshatProcess(workdir, options=seshat_options())


def main():
    args = parse_args()
    if args.out is None:
        args.out = os.path.join(REPO, "build", "bench-quick.md" if args.quick else "bench.md")
    # SIGTERM/SIGHUP unwind like Ctrl-C so that every server we started is stopped on the way out.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_, s=sig: sys.exit(128 + s))
    try:
        sections = run(args)
    except (BenchError, ServerError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; every server stopped, temporary files removed",
              file=sys.stderr)
        return 130
    print(format_sections(sections, 2))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("# Seshat vs redis-server (appendfsync always)\n\n" +
                format_sections(sections, 2))
    print(f"written to {os.path.relpath(args.out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
