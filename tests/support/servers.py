"""Processes under test: the Seshat binary and Debian's redis-server, behind one interface.

Both are started on free loopback ports, polled until PING answers (never a fixed sleep), and
stopped with SIGTERM. Output goes to a log file whose tail is quoted in every failure, which is
raised as ServerError (pytest reports it as a failure; bench/run.py prints it and exits 1).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import redis

from ports import free_port  # noqa: F401  (re-exported: tests import it from here)
from resp_client import RespConnection, wait_for_ping

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = float(os.environ.get("SESHAT_TEST_START_TIMEOUT", "30"))
STOP_TIMEOUT_S = float(os.environ.get("SESHAT_TEST_STOP_TIMEOUT", "30"))
PR_SET_PDEATHSIG = 1


class ServerError(Exception):
    """A server could not be started, did not answer, died, or did not stop in time."""


def seshat_binary() -> Path:
    # Absolute: the process runs with its work directory as cwd.
    return Path(os.environ.get("SESHAT_BIN", REPO_ROOT / "build" / "seshat")).resolve()


def against_redis() -> bool:
    """SESHAT_TEST_AGAINST_REDIS=1 puts a second redis-server where Seshat would be: it checks
    that every differential case is meaningful and that the reference side behaves."""
    return os.environ.get("SESHAT_TEST_AGAINST_REDIS", "") not in ("", "0")


def require_seshat_binary() -> Path:
    path = seshat_binary()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ServerError(f"Seshat binary not found or not executable at {path}. Build it "
                          f"(make build) or point SESHAT_BIN at it. System tests never skip.")
    return path


def _die_with_parent() -> None:
    """Runs in a detached server's child before exec: should the script that started it be
    killed outright (SIGKILL, where no clean-up can run), the kernel kills the server too."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def stop_all(servers: List["ServerProcess"], timeout: float = STOP_TIMEOUT_S) -> List[str]:
    """SIGTERM to every server still running, then SIGKILL to those still there after `timeout`
    seconds: one deadline for all, so a cluster stops within one timeout, not one per node.
    Returns the names of those that had to be killed (each also said on stderr)."""
    running = [s for s in servers if s.alive()]
    for server in running:
        server.proc.terminate()
    deadline = time.monotonic() + timeout
    killed = []
    for server in running:
        try:
            server.wait_exit(max(0.0, deadline - time.monotonic()))
        except ServerError:
            print(f"{server.name} ignored SIGTERM for {timeout}s; killed it", file=sys.stderr)
            killed.append(server.name)
    return killed
def flag_name(toml_key: str) -> str:
    return "--" + toml_key.replace("_", "-")


class ServerProcess:
    """Common lifecycle: start, wait for PING, signal, restart, stop with exit code."""

    kind = "server"

    def __init__(self, workdir: Path, name: str):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = self.workdir / f"{name}.log"
        self.proc: Optional[subprocess.Popen] = None
        self.returncode: Optional[int] = None
        self._log_file = None
        self._clients: List[redis.Redis] = []
        # Extra environment variables for the process (the chaos tests set grpc_proxy and
        # libfaketime's variables); None values remove a variable. Applies at the next spawn.
        self.env: Dict[str, Optional[str]] = {}
        # Detached: a session of its own (a Ctrl-C in the terminal reaches only the script,
        # which then stops its servers in order) and killed with the thread that started it.
        # The benchmark wants that; pytest stops its servers from fixtures, so tests do not.
        self.detached = False

    # -- subclass hooks -------------------------------------------------------------------
    def argv(self) -> List[str]:
        raise NotImplementedError

    # -- lifecycle ------------------------------------------------------------------------
    def spawn(self) -> subprocess.Popen:
        """Starts the process without waiting for it (tests of start-up failures use this)."""
        self._log_file = open(self.log_path, "ab")
        env_text = "".join(f"{k}={v} " for k, v in self.env.items() if v is not None)
        self._log_file.write(f"\n=== start: {env_text}{' '.join(self.argv())}\n".encode())
        self._log_file.flush()
        env = None
        if self.env:
            env = dict(os.environ)
            for name, value in self.env.items():
                if value is None:
                    env.pop(name, None)
                else:
                    env[name] = value
        try:
            self.proc = subprocess.Popen(
                self.argv(), stdout=self._log_file, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.workdir, env=env,
                start_new_session=self.detached,
                preexec_fn=_die_with_parent if self.detached else None,
            )
        except OSError as e:
            self._log_file.close()
            self._log_file = None
            raise ServerError(f"cannot start {self.name} ({self.argv()[0]}): {e}") from e
        self.returncode = None
        return self.proc

    def start(self) -> "ServerProcess":
        self.spawn()
        return self.start_wait()

    def start_wait(self) -> "ServerProcess":
        """Waits for a process already spawned to answer PING."""
        problem = wait_for_ping(self.host, self.port, time.monotonic() + START_TIMEOUT_S,
                                alive=lambda: self.proc.poll() is None)
        if problem is not None:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            raise ServerError(f"{self.name} did not become ready on port {self.port}: "
                              f"{problem}\n{self.log_tail()}")
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self) -> None:
        if not self.alive():
            code = None if self.proc is None else self.proc.returncode
            raise ServerError(f"{self.name} is not running (exit {code})\n{self.log_tail()}")

    def kill(self, sig: int = signal.SIGKILL) -> Optional[int]:
        """Sends `sig`. For SIGKILL waits for the exit and returns the exit code."""
        assert self.alive(), f"{self.name} is not running"
        self.proc.send_signal(sig)
        if sig == signal.SIGKILL:
            return self.wait_exit(STOP_TIMEOUT_S)
        return None

    def wait_exit(self, timeout: float) -> int:
        """Waits for the exit; past `timeout` kills the process and raises ServerError."""
        timed_out = False
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            self.proc.kill()
            self.returncode = self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._close_clients()
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        if timed_out:
            raise ServerError(f"{self.name} did not exit within {timeout}s; killed it\n"
                              f"{self.log_tail()}")
        return self.returncode

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code (also when the process was already gone)."""
        if self.proc is None:
            return 0
        if self.proc.poll() is not None:
            return self.wait_exit(STOP_TIMEOUT_S)
        self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit(STOP_TIMEOUT_S)

    def stop_clean(self) -> None:
        code = self.stop()
        assert code == 0, f"{self.name} exited with {code} after SIGTERM\n{self.log_tail()}"

    def restart(self) -> "ServerProcess":
        """Clean stop (asserting exit code 0) if running, then start on the same ports and dir."""
        if self.alive():
            self.stop_clean()
        return self.start()

    # -- clients --------------------------------------------------------------------------
    def client(self, **kwargs) -> redis.Redis:
        options = dict(host=self.host, port=self.port, decode_responses=False, socket_timeout=15)
        options.update(kwargs)
        client = redis.Redis(**options)
        self._clients.append(client)
        return client

    def raw(self, timeout: float = 15.0) -> RespConnection:
        return RespConnection(self.host, self.port, timeout=timeout)

    def _close_clients(self) -> None:
        for client in self._clients:
            try:
                client.close()
            except Exception:  # closing a client to a dead server may raise; nothing to keep
                pass
        self._clients.clear()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        tail = self.log_text().splitlines()[-lines:]
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(tail)


class SeshatProcess(ServerProcess):
    kind = "seshat"

    def __init__(self, workdir: Path, name: str = "seshat", node_id: int = 1,
                 options: Optional[Dict[str, object]] = None, data_dir: Optional[Path] = None,
                 extra_args: Optional[List[str]] = None, port: Optional[int] = None,
                 only_extra_args: bool = False):
        """`only_extra_args` passes nothing but `extra_args` (e.g. --config FILE); then `port`
        says where the configuration makes the node listen."""
        super().__init__(workdir, name)
        if port is not None:
            self.port = port
        self.only_extra_args = only_extra_args
        self.binary = require_seshat_binary()
        self.internal_port = free_port()
        self.node_id = node_id
        self.data_dir = Path(data_dir) if data_dir else self.workdir / "data"
        self.options = dict(options or {})
        self.extra_args = list(extra_args or [])

    def argv(self) -> List[str]:
        if self.only_extra_args:
            return [str(self.binary)] + self.extra_args
        args = [str(self.binary),
                "--node-id", str(self.node_id),
                "--client-addr", f"{self.host}:{self.port}",
                "--internal-addr", f"{self.host}:{self.internal_port}",
                "--data-dir", str(self.data_dir)]
        for key, value in self.options.items():
            args += [flag_name(key), str(value)]
        return args + self.extra_args


class RedisProcess(ServerProcess):
    kind = "redis"

    # Seshat option -> redis-server option, for the few tests that can run against either.
    TRANSLATION = {
        "requirepass": "requirepass",
        "max_concurrent_client_connections": "maxclients",
    }

    def __init__(self, workdir: Path, name: str = "redis",
                 options: Optional[Dict[str, object]] = None, durable: bool = False):
        """`durable`: AOF with fsync on every write, as Seshat promises (used when a redis-server
        stands in for Seshat, so that the durability tests can be checked against it)."""
        super().__init__(workdir, name)
        self.durable = durable
        if shutil.which("redis-server") is None:
            raise ServerError("redis-server is not installed (apt-get install redis-server)")
        self.data_dir = self.workdir
        self.options = dict(options or {})
        unsupported = sorted(set(self.options) - set(self.TRANSLATION))
        if unsupported:
            raise ServerError(f"options {unsupported} have no redis-server equivalent: this "
                              f"test needs the real Seshat binary (unset "
                              f"SESHAT_TEST_AGAINST_REDIS)")

    def argv(self) -> List[str]:
        args = ["redis-server", "--port", str(self.port), "--bind", self.host,
                "--save", "", "--dir", str(self.workdir), "--daemonize", "no", "--logfile", ""]
        if self.durable:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        else:
            args += ["--appendonly", "no"]
        for key, value in self.options.items():
            args += ["--" + self.TRANSLATION[key], str(value)]
        return args


def start_target(workdir: Path, name: str = "seshat", **options) -> ServerProcess:
    """The server under test: Seshat, or a redis-server when SESHAT_TEST_AGAINST_REDIS=1."""
    if against_redis():
        return RedisProcess(workdir, name=f"{name}-as-redis", options=options,
                            durable=True).start()
    return SeshatProcess(workdir, name=name, options=options).start()
