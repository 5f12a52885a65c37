#!/usr/bin/python3
"""Side-by-side benchmark: Seshat against a durable Debian redis-server, in one run.

Starts build/seshat (one node, free ports, temporary data directory) and
`redis-server --appendonly yes --appendfsync always --save ''` (so both acknowledge a write only
after it is fsynced), runs redis-benchmark SET and GET against each for the rows in ROWS, prints
a markdown table with the ratio seshat/redis and writes it to build/bench.md.

Knobs (environment):
  BENCH_REQUESTS         requests per row with 50 clients   (default 100000)
  BENCH_REQUESTS_SINGLE  requests per row with 1 client     (default 20000)
  BENCH_KEYSPACE         redis-benchmark -r                 (default 100000)
  BENCH_DATA_SIZE        value size in bytes, -d            (default 100)
  BENCH_TIMEOUT          seconds one redis-benchmark run may take (default 600)
  SESHAT_BIN             the server binary                  (default build/seshat)

Options (see --help): --seshat-ports to measure an already running Seshat (a cluster, later),
--seshat-cmd to start something else in Seshat's place (useful to test this script itself).
"""

import argparse
import contextlib
import csv
import io
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
READY_TIMEOUT_SECS = 30
STOP_TIMEOUT_SECS = 15


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
        return f"{test}, {clients}, pipeline {self.pipeline}"


ROWS = [
    Row(50, 1, "BENCH_REQUESTS", 100000),
    Row(50, 16, "BENCH_REQUESTS", 100000),
    Row(1, 1, "BENCH_REQUESTS_SINGLE", 20000),
]
TESTS = ["SET", "GET"]


class BenchError(Exception):
    pass


def free_port():
    # The kernel picks a port nobody holds; there is a small window before the server binds it,
    # which is acceptable for a benchmark (a clash shows up as a server that fails to start).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ping(port):
    """True when a RESP PING on the port answers +PONG."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class Server:
    """A server process we started: stopped (SIGTERM, then SIGKILL) when the context exits."""

    def __init__(self, name, argv, port, log_path):
        self.name, self.argv, self.port, self.log_path = name, argv, port, log_path
        self.proc = None

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        except OSError as e:
            self.log.close()
            raise BenchError(f"cannot start {self.name} ({self.argv[0]}): {e}")
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

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
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_SECS)
            except subprocess.TimeoutExpired:
                print(f"{self.name} ignored SIGTERM for {STOP_TIMEOUT_SECS}s; killing it",
                      file=sys.stderr)
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(f"  {self.name}| {line}" for line in text[-lines:])


def benchmark_argv(port, test, clients, pipeline, requests, keyspace, data_size):
    return ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-t", test.lower(),
            "-n", str(requests), "-c", str(clients), "-P", str(pipeline),
            "-r", str(keyspace), "-d", str(data_size), "--csv", "-q"]


def bench_ports(ports, test, row, keyspace, data_size):
    """Ops/s of one row against a list of ports: one node, or later every node of a cluster.

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
                raise BenchError(f"redis-benchmark on port {port} ({test}) took over {timeout}s")
            rates = [float(r["rps"]) for r in csv.DictReader(io.StringIO(out))
                     if r.get("test") == test]
            if proc.returncode != 0 or not rates:
                raise BenchError(f"redis-benchmark on port {port} ({test}) failed "
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


def render_table(results, keyspace, data_size):
    lines = ["| row | seshat ops/s | redis ops/s | ratio (seshat/redis) |",
             "| --- | ---: | ---: | ---: |"]
    notes = []
    for label, (seshat, seshat_errors), (redis, redis_errors) in results:
        ratio = f"{seshat / redis:.2f}" if redis > 0 else "n/a"
        lines.append(f"| {label} | {format_rate(seshat)} | {format_rate(redis)} | {ratio} |")
        if seshat_errors or redis_errors:
            who = " and ".join(n for n, e in (("seshat", seshat_errors), ("redis", redis_errors))
                               if e)
            notes.append(f"- {label}: {who} answered some requests with errors")
    header = (f"redis-benchmark, keyspace {keyspace}, values of {data_size} bytes; "
              f"-n {os.environ.get('BENCH_REQUESTS', 100000)} for 50 clients, "
              f"{os.environ.get('BENCH_REQUESTS_SINGLE', 20000)} for 1 client. "
              f"redis-server with appendonly yes, appendfsync always, no RDB saves. "
              f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}.")
    return "\n".join([header, "", *lines, *([""] + notes if notes else [])]) + "\n"


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


def run(args):
    keyspace = int(os.environ.get("BENCH_KEYSPACE", 100000))
    data_size = int(os.environ.get("BENCH_DATA_SIZE", 100))
    with contextlib.ExitStack() as stack:
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
        redis_port = free_port()
        redis_dir = os.path.join(tmp, "redis")
        os.mkdir(redis_dir)
        redis = stack.enter_context(Server(
            "redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                      "--dir", redis_dir, "--appendonly", "yes", "--appendfsync", "always",
                      "--save", "", "--daemonize", "no", "--protected-mode", "no"],
            redis_port, os.path.join(tmp, "redis.log")))
        servers.append(redis)

        results = []
        for row in ROWS:
            for test in TESTS:
                label = row.label(test)
                print(f"running: {label} ...", file=sys.stderr, flush=True)
                # Alternate the two servers row by row so that neither always runs on a machine
                # warmed (or loaded) by the other.
                seshat_result = bench_ports(seshat_ports, test, row, keyspace, data_size)
                redis_result = bench_ports([redis_port], test, row, keyspace, data_size)
                for server in servers:
                    server.check_alive()
                results.append((label, seshat_result, redis_result))
        return render_table(results, keyspace, data_size)


def main():
    args = parse_args()
    # SIGTERM/SIGHUP unwind like Ctrl-C so that every server we started is stopped on the way out.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_, s=sig: sys.exit(128 + s))
    try:
        table = run(args)
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    print(table)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("# Seshat vs redis-server (appendfsync always)\n\n" + table)
    print(f"written to {os.path.relpath(args.out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
