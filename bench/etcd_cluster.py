"""A three-member etcd cluster on loopback, driven straight at its gRPC port (make bench).

Debian's etcd-server (3.4) ships no load generator, so, as ../shared/BENCHMARKING.md describes,
h2load (Debian's nghttp2-client) posts one length-prefixed protobuf frame per request to
/etcdserverpb.KV/Put or /etcdserverpb.KV/Range with gRPC's headers. A Range is linearizable
(etcd's default, a ReadIndex round), the guarantee Seshat's reads give. h2load sends one fixed
body, so every request names the same key. Each member fsyncs its WAL as etcd always does.

The rows go to the leader (a follower would forward puts to it). Before the rows a put is
checked end to end: the answer carries grpc-status 0 and the revision grows by the number of
puts h2load reports done."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from ports import free_port
from servers import ServerError, ServerProcess

START_TIMEOUT_SECS = 30
KEY = b"seshat-bench-key"


def missing_tools() -> List[str]:
    return [tool for tool in ("etcd", "etcdctl", "h2load") if shutil.which(tool) is None]


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _bytes_field(number: int, data: bytes) -> bytes:
    return bytes([number << 3 | 2]) + _varint(len(data)) + data


def grpc_frame(message: bytes) -> bytes:
    """gRPC's length-prefixed message: a 0 byte (not compressed), the length, the message."""
    return b"\x00" + struct.pack(">I", len(message)) + message


def put_body(value_size: int) -> bytes:
    # etcdserverpb.PutRequest: key = 1, value = 2.
    return grpc_frame(_bytes_field(1, KEY) + _bytes_field(2, b"x" * value_size))


def range_body() -> bytes:
    # etcdserverpb.RangeRequest: key = 1; serializable (7) left false: linearizable.
    return grpc_frame(_bytes_field(1, KEY))


class EtcdMember(ServerProcess):
    kind = "etcd"

    def __init__(self, workdir: Path, name: str, peer_port: int, initial_cluster: str):
        super().__init__(workdir, name)
        self.peer_port = peer_port
        self.initial_cluster = initial_cluster

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    def argv(self) -> List[str]:
        client = f"http://{self.endpoint}"
        peer = f"http://{self.host}:{self.peer_port}"
        return ["etcd", "--name", self.name, "--data-dir", str(self.workdir / "data"),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", self.initial_cluster, "--initial-cluster-token",
                "seshat-bench", "--initial-cluster-state", "new", "--log-level", "error"]

    def start_wait(self) -> "EtcdMember":
        return self  # the cluster waits for all members together (they need each other)


def etcdctl(*args: str, endpoints: List[str]) -> str:
    out = subprocess.run(["etcdctl", "--endpoints", ",".join(endpoints), *args],
                         capture_output=True, text=True, timeout=10,
                         env={**os.environ, "ETCDCTL_API": "3"})
    if out.returncode != 0:
        raise ServerError(f"etcdctl {' '.join(args)} failed: {out.stderr.strip()}")
    return out.stdout


class EtcdCluster:
    def __init__(self, workdir: Path, size: int = 3):
        names = [f"etcd{i}" for i in range(1, size + 1)]
        peers = {name: free_port() for name in names}
        initial = ",".join(f"{n}=http://127.0.0.1:{p}" for n, p in peers.items())
        self.members = [EtcdMember(Path(workdir) / n, n, peers[n], initial) for n in names]
        self.leader: Optional[EtcdMember] = None

    def endpoints(self) -> List[str]:
        return [m.endpoint for m in self.members]

    def start(self) -> "EtcdCluster":
        for m in self.members:
            m.spawn()
        deadline = time.monotonic() + START_TIMEOUT_SECS
        while True:
            for m in self.members:
                m.check_alive()
            self.leader = self.find_leader()
            if self.leader is not None:
                return self
            if time.monotonic() > deadline:
                raise ServerError(f"etcd elected no leader within {START_TIMEOUT_SECS}s\n"
                                  + self.members[0].log_tail(10))
            time.sleep(0.1)  # a poll interval

    def find_leader(self) -> Optional[EtcdMember]:
        """The member every member names as leader, or None while they do not agree."""
        try:
            statuses = json.loads(etcdctl("endpoint", "status", "-w", "json",
                                          endpoints=self.endpoints()))
        except (ServerError, subprocess.TimeoutExpired, json.JSONDecodeError):
            return None
        leaders = {s["Status"]["leader"] for s in statuses}
        if len(statuses) != len(self.members) or len(leaders) != 1:
            return None
        for s in statuses:
            if s["Status"]["header"]["member_id"] in leaders:
                return next(m for m in self.members if m.endpoint == s["Endpoint"])
        return None

    def revision(self) -> int:
        status = json.loads(etcdctl("endpoint", "status", "-w", "json",
                                    endpoints=[self.leader.endpoint]))
        return int(status[0]["Status"]["header"]["revision"])

    def pids(self) -> List[int]:
        return [m.proc.pid for m in self.members]


@dataclass(frozen=True)
class H2Result:
    rate: float
    done: int
    failed: int
    p50_ms: float
    p99_ms: float


def h2load(url: str, body: Path, clients: int, requests: int, log: Path,
           timeout: int) -> H2Result:
    """One h2load run: `clients` connections, one request in flight on each (like
    redis-benchmark without pipelining)."""
    argv = ["h2load", "-n", str(requests), "-c", str(clients), "-m", "1",
            "-H", "content-type: application/grpc", "-H", "te: trailers",
            "-d", str(body), f"--log-file={log}", url]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        raise ServerError(f"h2load against {url} took over {timeout}s")
    rate = done = failed = None
    for line in out.splitlines():
        words = line.split()
        if line.startswith("finished in"):
            rate = float(words[3])
        elif line.startswith("requests:"):
            done, failed = int(words[7]), int(words[9]) + int(words[11]) + int(words[13])
    if rate is None or done is None:
        raise ServerError(f"h2load against {url} printed no result:\n{out}")
    # The log has one line per request: start time, HTTP status, duration in microseconds.
    times = sorted(int(line.split("\t")[2]) for line in log.read_text().splitlines() if line)
    cut = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return H2Result(rate, done, failed, cut[49] / 1000, cut[98] / 1000)


def check_puts_land(cluster: EtcdCluster, workdir: Path, value_size: int) -> None:
    """A handful of puts through h2load must raise the revision by as many: h2load counts an
    HTTP 200 as success even when the gRPC status in the trailers says otherwise."""
    body = workdir / "check-put.bin"
    body.write_bytes(put_body(value_size))
    before = cluster.revision()
    result = h2load(f"http://{cluster.leader.endpoint}/etcdserverpb.KV/Put", body, 1, 10,
                    workdir / "check-put.log", 60)
    after = cluster.revision()
    if result.done != 10 or result.failed or after - before != 10:
        raise ServerError(f"etcd puts through h2load did not land: {result.done} done, "
                          f"{result.failed} failed, revision {before} -> {after}")
