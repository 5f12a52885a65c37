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
redis numbers of the first: they were measured right beside the cluster's.

Knobs (environment):
  BENCH_REQUESTS         requests per row with 50 clients   (default 100000)
  BENCH_REQUESTS_SINGLE  requests per row with 1 client     (default 20000)
  BENCH_KEYSPACE         redis-benchmark -r                 (default 100000)
  BENCH_DATA_SIZE        value size in bytes, -d            (default 100)
  BENCH_TIMEOUT          seconds one redis-benchmark run may take (default 600)
  BENCH_CLUSTER          0 skips the three-node cluster     (default 1)
  SESHAT_BIN             the server binary                  (default build/seshat)

Every server is stopped on the way out (SIGTERM, then SIGKILL after a deadline), also on Ctrl-C,
SIGTERM or SIGHUP, and the temporary directories are removed.

Options (see --help): --seshat-ports to measure an already running Seshat, --seshat-cmd to start
something else in Seshat's place (useful to test this script itself; the cluster still runs
--seshat-bin, so add BENCH_CLUSTER=0 when there is none).
"""

import argparse
import contextlib
import csv
import ctypes
import io
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# What the tests and the benchmark share: RESP client, free ports, INFO (tests/support/README.md).
sys.path.insert(0, os.path.join(REPO, "tests", "support"))

from info import info  # noqa: E402
from leader import agreed_leader  # noqa: E402
from ports import free_port  # noqa: E402
from resp_client import ConnectionClosed, MalformedReply, RespConnection  # noqa: E402
READY_TIMEOUT_SECS = 30
LEADER_TIMEOUT_SECS = 30
STOP_TIMEOUT_SECS = 15
CLUSTER_SIZE = 3
PR_SET_PDEATHSIG = 1
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


def ping(port):
    """True when a RESP PING on the port answers +PONG."""
    try:
        with RespConnection("127.0.0.1", port, timeout=1) as conn:
            return conn.call("PING").raw == b"+PONG\r\n"
    except (OSError, ConnectionClosed, MalformedReply):
        return False


def command_ok(port, *args, timeout=2.0):
    """True when the command, sent on a fresh connection, answers +OK."""
    try:
        with RespConnection("127.0.0.1", port, timeout=timeout) as conn:
            return conn.call(*args).raw == b"+OK\r\n"
    except (OSError, ConnectionClosed, MalformedReply):
        return False


def _die_with_parent():
    """Runs in a server's child process before exec: should this script be killed outright
    (SIGKILL, where no clean-up can run) the kernel kills the server too. Best effort."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def stop_all(servers, timeout=STOP_TIMEOUT_SECS):
    """SIGTERM to every server still running, then SIGKILL to those still there after `timeout`
    seconds (one deadline for all, so a cluster stops in one timeout, not three)."""
    running = [s for s in servers if s.proc is not None and s.proc.poll() is None]
    for server in running:
        server.proc.terminate()
    deadline = time.monotonic() + timeout
    for server in running:
        try:
            server.proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{server.name} ignored SIGTERM for {timeout}s; killing it", file=sys.stderr)
            server.proc.kill()
            server.proc.wait()
    for server in servers:
        if server.log is not None and not server.log.closed:
            server.log.close()


class Server:
    """A server process we started: stopped (SIGTERM, then SIGKILL) when the context exits.

    It runs in a session of its own, so a Ctrl-C in the terminal reaches only this script, which
    then stops the servers in order rather than having them race their own shutdown."""

    def __init__(self, name, argv, port, log_path):
        self.name, self.argv, self.port, self.log_path = name, argv, port, log_path
        self.proc = None
        self.log = None

    def __enter__(self):
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def start(self):
        """Spawns the process without waiting for it to answer."""
        self.log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=_die_with_parent)
        except OSError as e:
            self.log.close()
            raise BenchError(f"cannot start {self.name} ({self.argv[0]}): {e}")

    def __exit__(self, *exc):
        self.stop()

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT_SECS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.proc.returncode} before it "
                                 f"answered PING\n{self.log_tail()}")
            if ping(self.port):
                return
            time.sleep(0.05)  # a poll interval, not a guess at start-up time
        raise BenchError(f"{self.name} did not answer PING on port {self.port} within "
                         f"{READY_TIMEOUT_SECS}s\n{self.log_tail()}")

    def check_alive(self):
        if self.proc.poll() is not None:
            raise BenchError(f"{self.name} died (exit {self.proc.returncode})\n{self.log_tail()}")

    def stop(self):
        stop_all([self])

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(f"  {self.name}| {line}" for line in text[-lines:])


class Cluster:
    """CLUSTER_SIZE Seshat nodes on free loopback ports, each with a data directory under `tmp`,
    all listing each other as initial members. Stopped together when the context exits."""

    def __init__(self, seshat_bin, tmp):
        if not os.access(seshat_bin, os.X_OK):
            raise BenchError(f"{seshat_bin} is missing: run `make build` first "
                             f"(or BENCH_CLUSTER=0 to skip the cluster)")
        ids = range(1, CLUSTER_SIZE + 1)
        ports = {i: (free_port(), free_port()) for i in ids}  # (client, internal)
        members = ",".join(f"{i}=127.0.0.1:{internal}@127.0.0.1:{client}"
                           for i, (client, internal) in ports.items())
        self.nodes = []
        for i, (client, internal) in ports.items():
            node = Server(f"node{i}", [
                seshat_bin, "--node-id", str(i), "--client-addr", f"127.0.0.1:{client}",
                "--internal-addr", f"127.0.0.1:{internal}",
                "--data-dir", os.path.join(tmp, f"node{i}"), "--initial-members", members,
                "--log-level", "warn"], client, os.path.join(tmp, f"node{i}.log"))
            node.node_id = i
            self.nodes.append(node)
        self.leader = None  # the Server that leads, as last found
        self.term = None    # its term then

    def __enter__(self):
        try:
            for node in self.nodes:
                node.start()
            for node in self.nodes:
                node.wait_ready()
            self.find_leader()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        stop_all(self.nodes)

    def check_alive(self):
        for node in self.nodes:
            node.check_alive()

    def find_leader(self):
        """Polls INFO raft until the nodes agree on a leader (tests/support/leader.py) and a
        write on it commits (a new leader must commit an entry of its
        own term first). Returns that node; BenchError after LEADER_TIMEOUT_SECS."""
        deadline = time.monotonic() + LEADER_TIMEOUT_SECS
        seen = {}
        while time.monotonic() < deadline:
            self.check_alive()
            views = {node.node_id: info("127.0.0.1", node.port, "raft") for node in self.nodes}
            seen.update({n.name: (f.get("raft_role"), f.get("raft_term"), f.get("raft_leader_id"))
                         for n in self.nodes if (f := views[n.node_id]) is not None})
            lid = agreed_leader(views)
            if lid is not None:
                leader = next(n for n in self.nodes if n.node_id == lid)
                if command_ok(leader.port, "SET", "bench:leader-probe", "1", timeout=5):
                    self.leader = leader
                    self.term = views[lid].get("raft_term")
                    return leader
            time.sleep(0.05)  # a poll interval, not a guess at election time
        raise BenchError(f"no agreed leader within {LEADER_TIMEOUT_SECS}s "
                         f"(role, term, leader id per node: {seen})\n" +
                         "\n".join(n.log_tail(10) for n in self.nodes))

    def leader_kept(self):
        """True when the leader found last still leads in the same term (so it never stepped
        down in between)."""
        fields = info("127.0.0.1", self.leader.port, "raft")
        if fields is None:
            return False
        return fields.get("raft_role") == "StateLeader" and fields.get("raft_term") == self.term


def benchmark_argv(port, test, clients, pipeline, requests, keyspace, data_size):
    options = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
               "-n", str(requests), "-c", str(clients), "-P", str(pipeline),
               "-r", str(keyspace), "-d", str(data_size), "--csv", "-q"]
    return options + list(test.args)  # a command of our own must come last


def bench_ports(ports, test, row, keyspace, data_size):
    """Ops/s of one row against a list of ports: one node, or several given with --seshat-ports.

    With several ports the clients and requests are split evenly and one redis-benchmark per
    port runs at the same time; the row's rate is their sum. Returns (ops/s, saw_errors)."""
    clients = max(1, row.clients // len(ports))
    requests = max(1, row.requests() // len(ports))
    timeout = int(os.environ.get("BENCH_TIMEOUT", 600))
    procs = [subprocess.Popen(benchmark_argv(port, test, clients, row.pipeline, requests,
                                             keyspace, data_size),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for port in ports]
    total, errors = 0.0, False
    try:
        for port, proc in zip(ports, procs):
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # redis-benchmark waits forever on a server that stopped answering.
                raise BenchError(f"redis-benchmark on port {port} ({test.name}) took over {timeout}s")
            rates = [float(r["rps"]) for r in csv.DictReader(io.StringIO(out))
                     if r.get("test") == test.csv_name]
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
    return total, errors


def format_rate(rate):
    return f"{rate:,.0f}"


def render_header(keyspace, data_size):
    return (f"redis-benchmark, keyspace {keyspace}, values of {data_size} bytes; "
            f"-n {os.environ.get('BENCH_REQUESTS', 100000)} for 50 clients, "
            f"{os.environ.get('BENCH_REQUESTS_SINGLE', 20000)} for 1 client. "
            f"redis-server with appendonly yes, appendfsync always, no RDB saves. "
            f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}.")


def render_table(who, results, notes=(), baseline=None):
    """One markdown table: `who`'s rate beside redis's, row by row. results holds
    (label, (rate, errors), (redis_rate, redis_errors), baseline_rate); with `baseline` (a
    column name) a last column gives who/baseline."""
    head = f"| row | {who} ops/s | redis ops/s | ratio ({who}/redis) |"
    rule = "| --- | ---: | ---: | ---: |"
    if baseline:
        head += f" {who}/{baseline} |"
        rule += " ---: |"
    lines, notes = [head, rule], list(notes)
    for label, (rate, errors), (redis, redis_errors), base in results:
        ratio = f"{rate / redis:.2f}" if redis > 0 else "n/a"
        line = f"| {label} | {format_rate(rate)} | {format_rate(redis)} | {ratio} |"
        if baseline:
            line += f" {rate / base:.2f} |" if base > 0 else " n/a |"
        lines.append(line)
        if errors or redis_errors:
            culprits = " and ".join(n for n, e in ((who, errors), ("redis", redis_errors)) if e)
            notes.append(f"- {label}: {culprits} answered some requests with errors")
    return "\n".join([*lines, *([""] + notes if notes else [])]) + "\n"


def bench_cluster(cluster, test, row, keyspace, data_size, notes):
    """One row against the cluster's leader. The leader is confirmed first (found again, with a
    note, if it changed) and checked after; a change during the row is noted, since that row's
    rate then includes an election and -MOVED answers."""
    label = row.label(test)
    if not cluster.leader_kept():
        old = cluster.leader.name
        cluster.find_leader()
        notes.append(f"- leader changed before \"{label}\": {old} -> {cluster.leader.name}")
    result = bench_ports([cluster.leader.port], test, row, keyspace, data_size)
    if not cluster.leader_kept():
        notes.append(f"- leadership changed during \"{label}\" (was {cluster.leader.name}); "
                     f"its rate includes the election")
    return result


def ignore_signals_from_now_on():
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def run(args):
    """Starts everything, runs every row, stops everything; returns the report's sections
    (a list of (title, markdown))."""
    keyspace = int(os.environ.get("BENCH_KEYSPACE", 100000))
    data_size = int(os.environ.get("BENCH_DATA_SIZE", 100))
    with_cluster = os.environ.get("BENCH_CLUSTER", "1").strip() not in ("0", "", "no", "false")
    with contextlib.ExitStack() as stack:
        # Registered first, so it runs last: signals behave as before once all is clean.
        for sig in STOP_SIGNALS:
            stack.callback(signal.signal, sig, signal.getsignal(sig))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="seshat-bench-"))
        servers = []
        if args.seshat_ports:
            seshat_ports = [int(p) for p in args.seshat_ports.split(",")]
        else:
            port, internal_port = free_port(), free_port()
            data_dir = os.path.join(tmp, "seshat")
            seshat = stack.enter_context(Server(
                "seshat", seshat_argv(args, port, internal_port, data_dir), port,
                os.path.join(tmp, "seshat.log")))
            servers.append(seshat)
            seshat_ports = [port]
        cluster = None
        if with_cluster:
            print("starting a 3-node cluster and waiting for its leader ...", file=sys.stderr,
                  flush=True)
            cluster = stack.enter_context(Cluster(args.seshat_bin, tmp))
            servers.extend(cluster.nodes)
            print(f"cluster leader: {cluster.leader.name} (client port {cluster.leader.port})",
                  file=sys.stderr, flush=True)
        redis_port = free_port()
        redis_dir = os.path.join(tmp, "redis")
        os.mkdir(redis_dir)
        redis = stack.enter_context(Server(
            "redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                      "--dir", redis_dir, "--appendonly", "yes", "--appendfsync", "always",
                      "--save", "", "--daemonize", "no", "--protected-mode", "no"],
            redis_port, os.path.join(tmp, "redis.log")))
        servers.append(redis)
        # Registered last, so it runs first: a second Ctrl-C (or SIGTERM) must not cut the
        # clean-up short, which is bounded anyway (SIGKILL after STOP_TIMEOUT_SECS).
        stack.callback(ignore_signals_from_now_on)

        single, clustered, cluster_notes = [], [], []
        first_leader = cluster.leader.name if cluster else None
        for row in ROWS:
            collections = row.clients == 50 and row.pipeline == 1
            for test in TESTS + (COLLECTION_TESTS if collections else []):
                label = row.label(test)
                print(f"running: {label} ...", file=sys.stderr, flush=True)
                # Each row runs against all servers one after the other, so each pair in a
                # table was measured a few seconds apart on the same machine state.
                seshat_result = bench_ports(seshat_ports, test, row, keyspace, data_size)
                if cluster:
                    cluster_result = bench_cluster(cluster, test, row, keyspace, data_size,
                                                   cluster_notes)
                redis_result = bench_ports([redis_port], test, row, keyspace, data_size)
                for server in servers:
                    server.check_alive()
                single.append((label, seshat_result, redis_result, None))
                if cluster:
                    clustered.append((label, cluster_result, redis_result, seshat_result[0]))

        header = render_header(keyspace, data_size)
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
        return sections


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
    parser.add_argument("--out", default=os.path.join(REPO, "build", "bench.md"))
    return parser.parse_args()


def seshat_argv(args, port, internal_port, data_dir):
    if args.seshat_cmd:
        return [part.format(port=port, internal_port=internal_port, data_dir=data_dir)
                for part in shlex.split(args.seshat_cmd)]
    if not os.access(args.seshat_bin, os.X_OK):
        raise BenchError(f"{args.seshat_bin} is missing: run `make build` first")
    return [args.seshat_bin, "--client-addr", f"127.0.0.1:{port}",
            "--internal-addr", f"127.0.0.1:{internal_port}", "--data-dir", data_dir,
            "--log-level", "warn"]


def main():
    args = parse_args()
    # SIGTERM/SIGHUP unwind like Ctrl-C so that every server we started is stopped on the way out.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_, s=sig: sys.exit(128 + s))
    try:
        sections = run(args)
    except BenchError as e:
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
