"""Configuration: --help documents every option, bad files and flags are refused naming the
culprit, and a TOML file in the seed format is honoured (flags override single keys)."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from servers import SeshatProcess, against_redis, free_port, require_seshat_binary

# Every TOML key (DESIGN.md's contract plus src/server/config.h), by section.
TOML_KEYS = {
    "node": ["node_id", "client_addr", "internal_addr", "data_dir", "restore_from"],
    "cluster": ["bootstrap", "initial_members", "join_addr", "follower_proxy", "read_mode"],
    "raft": ["heartbeat_interval_ms", "election_timeout_min_ms", "election_timeout_max_ms",
             "snapshot_interval_entries", "snapshot_interval_bytes"],
    "limits": ["max_key_size_bytes", "max_value_size_bytes", "max_concurrent_client_connections",
               "request_timeout_secs", "idle_timeout_secs", "disk_reserve_mb",
               "client_output_buffer_limit_mb"],
    "server": ["requirepass", "io_threads", "tombstone_ttl_secs", "active_expire_interval_ms",
               "log_level", "metrics_addr", "backup_dir"],
    "tls": ["tls_port", "tls_cert_file", "tls_key_file", "tls_ca_cert_file", "tls_auth_clients",
            "tls_cluster"],
}


@pytest.fixture
def binary():
    if against_redis():
        pytest.fail("test_config.py needs the real Seshat binary (unset SESHAT_TEST_AGAINST_REDIS)",
                    pytrace=False)
    return require_seshat_binary()


def run(binary, *args, timeout=30):
    """Runs the binary to completion (for invocations that must exit by themselves)."""
    try:
        result = subprocess.run([str(binary), *args], capture_output=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"seshat {' '.join(args)} did not exit within {timeout}s (it should refuse "
                    f"to start)", pytrace=False)
    return result.returncode, (result.stdout + result.stderr).decode(errors="replace")


def seed_config(tmp_path: Path, client_port: int, internal_port: int, **overrides) -> str:
    """A complete config in the seed format; `overrides` replace `section.key` lines."""
    values = {
        "node.id": "1",
        "node.client_addr": f'"127.0.0.1:{client_port}"',
        "node.internal_addr": f'"127.0.0.1:{internal_port}"',
        "node.data_dir": f'"{tmp_path / "data-from-file"}"',
        "cluster.bootstrap": "true",
        "cluster.initial_members": f'[{{ id = 1, addr = "127.0.0.1:{internal_port}" }}]',
        "raft.heartbeat_interval_ms": "100",
        "raft.election_timeout_min_ms": "500",
        "raft.election_timeout_max_ms": "1000",
        "raft.snapshot_interval_entries": "10000",
        "raft.snapshot_interval_bytes": "67108864",
        "limits.max_key_size_bytes": "1024",
        "limits.max_value_size_bytes": "100",
        "limits.max_concurrent_client_connections": "100",
        "limits.request_timeout_secs": "5",
    }
    values.update(overrides)
    sections = {}
    for dotted, value in values.items():
        section, key = dotted.split(".", 1)
        if value is not None:
            sections.setdefault(section, []).append(f"{key} = {value}")
    return "\n\n".join(f"[{s}]\n" + "\n".join(lines) for s, lines in sections.items()) + "\n"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "seshat.toml"
    path.write_text(text)
    return path


def test_help_documents_every_option(binary):
    code, out = run(binary, "--help")
    assert code == 0, out
    flags = {"node_id": "--node-id"}
    missing = []
    for keys in TOML_KEYS.values():
        for key in keys:
            flag = flags.get(key, "--" + key.replace("_", "-"))
            if flag not in out:
                missing.append(flag)
    if "--config" not in out:
        missing.append("--config")
    assert not missing, f"--help does not mention {missing}:\n{out}"


def test_unknown_flag_is_refused(binary):
    code, out = run(binary, "--no-such-flag", "1")
    assert code > 0, out
    assert "no-such-flag" in out, out


def test_missing_config_file_is_named(binary, tmp_path):
    missing = tmp_path / "nope.toml"
    code, out = run(binary, "--config", str(missing))
    assert code > 0, out
    assert "nope.toml" in out, out


def test_toml_syntax_error_exits_non_zero(binary, tmp_path):
    path = write_config(tmp_path, "[node\nid = 1\n")
    code, out = run(binary, "--config", str(path))
    assert code > 0, out
    assert out.strip(), "no message for a malformed file"
    assert "line 1" in out.lower() or ":1:" in out or "(1:" in out or "seshat.toml" in out, out


BAD_FILES = {
    # name: (overrides, text that the error message must contain)
    "wrong_type_string_for_int": ({"raft.heartbeat_interval_ms": '"fast"'}, "heartbeat_interval_ms"),
    "wrong_type_int_for_string": ({"node.client_addr": "12"}, "client_addr"),
    "wrong_type_bool": ({"cluster.bootstrap": '"yes"'}, "bootstrap"),
    "negative_limit": ({"limits.max_value_size_bytes": "-5"}, "max_value_size_bytes"),
    "unknown_key": ({"node.bogus_key": "1"}, "bogus_key"),
    "unknown_section": ({"nosuchsection.x": "1"}, "nosuchsection"),
    "bad_address": ({"node.client_addr": '"not-an-address"'}, "client_addr"),
    "timeouts_reversed": ({"raft.election_timeout_min_ms": "2000",
                           "raft.election_timeout_max_ms": "1000"}, "election_timeout"),
    "bad_member": ({"cluster.initial_members": '[{ id = "one", addr = 5 }]'}, "initial_members"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_config_names_the_key(name, binary, tmp_path):
    overrides, named = BAD_FILES[name]
    path = write_config(tmp_path, seed_config(tmp_path, free_port(), free_port(), **overrides))
    code, out = run(binary, "--config", str(path))
    assert code > 0, f"exit code {code} for {name}:\n{out}"
    assert named in out, f"the error for {name} does not name {named!r}:\n{out}"


def test_bad_flag_value_names_the_flag(binary, tmp_path):
    code, out = run(binary, "--max-value-size-bytes", "lots", "--data-dir", str(tmp_path / "d"))
    assert code > 0, out
    assert "max-value-size-bytes" in out or "max_value_size_bytes" in out, out


def start_with_config(tmp_path, config_path: Path, port: int, *flags) -> SeshatProcess:
    node = SeshatProcess(tmp_path / "node", name="seshat-config", port=port, only_extra_args=True,
                         extra_args=["--config", str(config_path), *flags])
    return node


def test_config_file_is_honoured(binary, tmp_path):
    client_port, internal_port = free_port(), free_port()
    path = write_config(tmp_path, seed_config(tmp_path, client_port, internal_port))
    node = start_with_config(tmp_path, path, client_port).start()
    try:
        with node.raw() as conn:
            assert conn.call("SET", "k", b"v" * 100).raw == b"+OK\r\n"
            too_big = conn.call("SET", "k", b"v" * 101)  # limits.max_value_size_bytes = 100
            assert too_big.is_error and b"value" in too_big.value.lower(), too_big
            info = conn.call("INFO", "server").value.decode()
            assert f"tcp_port:{client_port}" in info
        data_dir = tmp_path / "data-from-file"
        assert data_dir.is_dir() and any(data_dir.iterdir()), "data_dir from the file not used"
    finally:
        node.stop_clean()


def test_flags_override_the_file(binary, tmp_path):
    file_port, flag_port, internal_port = free_port(), free_port(), free_port()
    path = write_config(tmp_path, seed_config(tmp_path, file_port, internal_port))
    node = start_with_config(tmp_path, path, flag_port, "--client-addr", f"127.0.0.1:{flag_port}",
                             "--max-value-size-bytes", "1000").start()
    try:
        with node.raw() as conn:
            assert conn.call("SET", "k", b"v" * 500).raw == b"+OK\r\n"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", file_port), timeout=2).close()
    finally:
        node.stop_clean()


def test_config_file_with_requirepass_and_server_section(binary, tmp_path):
    client_port, internal_port = free_port(), free_port()
    text = seed_config(tmp_path, client_port, internal_port, **{
        "server.requirepass": '"from-file"', "server.log_level": '"debug"'})
    node = start_with_config(tmp_path, write_config(tmp_path, text), client_port).start()
    try:
        with node.raw() as conn:
            assert conn.call("GET", "x").raw == b"-NOAUTH Authentication required.\r\n"
            assert conn.call("AUTH", "from-file").raw == b"+OK\r\n"
    finally:
        node.stop_clean()
