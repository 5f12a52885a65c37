"""Fixtures for the system tests: the real Seshat binary and a reference redis-server.

Run:  /usr/bin/python3 -m pytest tests/system            (uses build/seshat)
      SESHAT_BIN=/path/to/seshat /usr/bin/python3 -m pytest tests/system

Environment:
  SESHAT_BIN                  the binary under test (default: <repo>/build/seshat). A missing
                              binary is a test failure, never a skip.
  SESHAT_TEST_AGAINST_REDIS=1 replace Seshat by a second redis-server (durable: AOF with
                              appendfsync always). This validates the harness: every case must
                              pass redis-vs-redis, so a failure against Seshat is a real
                              difference. What Redis cannot stand in for fails with a message
                              saying so (never a skip): test_config.py, the *_seshat_only tests,
                              the node-id and slowed-expiry tests. Validate with
                                cd tests/system && SESHAT_TEST_AGAINST_REDIS=1 \
                                  /usr/bin/python3 -m pytest test_differential.py \
                                  test_connection.py test_durability.py \
                                  -k "not seshat_only and not node_id and not before_purge"
  SESHAT_TEST_SEED            replays the kill points of the crash test (its seed is printed).
  SESHAT_TEST_START_TIMEOUT   seconds to wait for PING after start (default 30).

Fixtures:
  seshat          function scope: a fresh single node on free loopback ports. Attributes host,
                  port, data_dir; methods client() (redis.Redis, decode_responses=False),
                  raw() (RespConnection), kill(sig), restart(), stop(). Teardown sends SIGTERM
                  and asserts exit code 0 (unless the test already killed it).
  seshat_factory  function scope: start more nodes with options, e.g.
                  seshat_factory(requirepass="pw") -> --requirepass pw. All stopped at teardown.
  shared_seshat   module scope: one node shared by a module's tests (differential cases
                  FLUSHALL between cases).
  redis_ref       session scope: Debian redis-server with --save '' --appendonly no.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
# What the suites share (tests/support/README.md): the RESP client, ports, INFO.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from servers import (  # noqa: E402
    RedisProcess,
    SeshatProcess,
    ServerProcess,
    against_redis,
    start_target,
)


def _teardown(server: ServerProcess) -> None:
    if server.proc is None:
        return
    if server.alive():
        server.stop_clean()
    elif server.returncode is None:
        # The process ended on its own without the test noticing: that is a crash.
        code = server.wait_exit(5)
        assert code == 0, f"{server.name} exited unexpectedly with {code}\n{server.log_tail()}"


@pytest.fixture
def seshat(tmp_path):
    server = start_target(tmp_path / "seshat")
    yield server
    _teardown(server)


@pytest.fixture
def seshat_factory(tmp_path):
    started = []

    def make(name: str = "seshat-extra", **options) -> ServerProcess:
        server = start_target(tmp_path / f"{name}-{len(started)}", name=name, **options)
        started.append(server)
        return server

    yield make
    errors = []
    for server in started:
        try:
            _teardown(server)
        except AssertionError as exc:
            errors.append(str(exc))
    assert not errors, "\n".join(errors)


@pytest.fixture
def seshat_process(tmp_path):
    """Unstarted SeshatProcess objects (for start-up failure tests); all stopped at teardown."""
    created = []

    def make(**kwargs) -> SeshatProcess:
        if against_redis():
            pytest.fail("this test needs the real Seshat binary (unset SESHAT_TEST_AGAINST_REDIS)",
                        pytrace=False)
        kwargs.setdefault("workdir", tmp_path / f"node-{len(created)}")
        process = SeshatProcess(**kwargs)
        created.append(process)
        return process

    yield make
    for process in created:
        if process.alive():
            process.kill(signal.SIGKILL)


@pytest.fixture(scope="module")
def shared_seshat(tmp_path_factory):
    server = start_target(tmp_path_factory.mktemp("shared-seshat"))
    yield server
    _teardown(server)


@pytest.fixture(scope="session")
def redis_ref(tmp_path_factory):
    server = RedisProcess(tmp_path_factory.mktemp("redis-ref"), name="redis-ref").start()
    yield server
    _teardown(server)
