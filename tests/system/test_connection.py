"""Connection-level behaviour: AUTH, CLIENT, HELLO, RESET, QUIT, COMMAND, INFO, CONFIG GET, limits,
and redis-cli. Most tests run against Seshat and against redis-server ([seshat] / [redis] ids):
the expectations are Redis 7's, so the [redis] run proves each expectation right. Tests named
*_seshat_only check behaviour that Redis 7.0 does not have or that Seshat changes on purpose.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time

import pytest
import redis

from diff_cases import ARITY
from differential import wait_until
from resp_client import RespConnection, encode_command
from servers import RedisProcess

KINDS = ["seshat", "redis"]


@pytest.fixture(params=KINDS)
def launch(request, seshat_factory, tmp_path):
    """launch(**options) starts a fresh server of the parametrised kind with those options."""
    started = []

    def make(**options):
        if request.param == "seshat":
            return seshat_factory(name="seshat", **options)
        server = RedisProcess(tmp_path / f"redis-{len(started)}", options=options).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop_clean()


@pytest.fixture(params=KINDS)
def server(request):
    """A running server of the parametrised kind, shared with other tests (FLUSHALL first)."""
    server = request.getfixturevalue("shared_seshat" if request.param == "seshat" else "redis_ref")
    with server.raw() as conn:
        assert conn.call("FLUSHALL").raw == b"+OK\r\n"
    return server


def connect_when_admitted(server, deadline_s: float = 10.0) -> RespConnection:
    """A connection that answered PING (retrying while the server still counts a closed one)."""
    last = None
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        conn = server.raw()
        try:
            reply = conn.call("PING")
            if reply.raw == b"+PONG\r\n":
                return conn
            last = reply
        except (ConnectionError, OSError) as exc:
            last = exc
        conn.close()
        time.sleep(0.05)  # poll interval
    raise AssertionError(f"no connection admitted within {deadline_s}s (last: {last!r})")


# -- AUTH -------------------------------------------------------------------------------------

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


def test_auth_requirepass(launch):
    node = launch(requirepass="s3cret")
    with node.raw() as conn:
        assert conn.call("GET", "a").raw == NOAUTH
        assert conn.call("SET", "a", "1").raw == NOAUTH
        assert conn.call("PING").raw == NOAUTH
        assert conn.call("AUTH", "wrong").raw == WRONGPASS
        assert conn.call("AUTH", "default", "wrong").raw == WRONGPASS
        assert conn.call("AUTH", "nobody", "s3cret").raw == WRONGPASS
        assert conn.call("AUTH", "a", "b", "c").raw == b"-ERR syntax error\r\n"
        assert conn.call("GET", "a").raw == NOAUTH
        assert conn.call("AUTH", "s3cret").raw == b"+OK\r\n"
        assert conn.call("SET", "a", "1").raw == b"+OK\r\n"
        assert conn.call("GET", "a").raw == b"$1\r\n1\r\n"
        # RESET forgets the authentication.
        assert conn.call("RESET").raw == b"+RESET\r\n"
        assert conn.call("GET", "a").raw == NOAUTH
        assert conn.call("AUTH", "default", "s3cret").raw == b"+OK\r\n"
        assert conn.call("GET", "a").raw == b"$1\r\n1\r\n"

    with node.raw() as conn:
        reply = conn.call("HELLO", "3")
        assert reply.is_error and reply.value.startswith(b"NOAUTH HELLO must be called with the "
                                                         b"client already authenticated"), reply
        reply = conn.call("HELLO", "3", "AUTH", "default", "wrong")
        assert reply.raw == WRONGPASS
        reply = conn.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "authed")
        assert reply.kind == "%", reply
        assert conn.call("CLIENT", "GETNAME").raw == b"$6\r\nauthed\r\n"
        assert conn.call("GET", "a").raw == b"$1\r\n1\r\n"

    with pytest.raises(redis.AuthenticationError):
        node.client().get("a")
    assert node.client(password="s3cret").get("a") == b"1"


def test_auth_quit_allowed_before_auth(launch):
    node = launch(requirepass="pw")
    with node.raw() as conn:
        conn.send("QUIT")
        data, closed = conn.read_until_close(timeout=10)
        assert (data, closed) == (b"+OK\r\n", True)


# -- CLIENT -----------------------------------------------------------------------------------


def test_client_id_name_list_info(server):
    with server.raw() as a, server.raw() as b:
        id_a, id_b = a.call("CLIENT", "ID"), b.call("CLIENT", "ID")
        assert id_a.kind == ":" and id_b.kind == ":" and id_b.value > id_a.value > 0
        assert a.call("CLIENT", "GETNAME").raw == b"$-1\r\n"
        assert a.call("CLIENT", "SETNAME", "alpha").raw == b"+OK\r\n"
        assert a.call("CLIENT", "GETNAME").raw == b"$5\r\nalpha\r\n"

        listing = a.call("CLIENT", "LIST")
        assert listing.kind == "$", listing
        lines = listing.value.decode().splitlines()
        by_id = {}
        for line in lines:
            fields = dict(f.split("=", 1) for f in line.split(" ") if "=" in f)
            assert "id" in fields and "addr" in fields and "name" in fields, line
            by_id[int(fields["id"])] = fields
        assert id_a.value in by_id and id_b.value in by_id, lines
        assert by_id[id_a.value]["name"] == "alpha"
        local = a.sock.getsockname()
        assert by_id[id_a.value]["addr"] == f"{local[0]}:{local[1]}"

        info = a.call("CLIENT", "INFO")
        assert info.kind == "$" and info.value.endswith(b"\n"), info
        fields = dict(f.split("=", 1) for f in info.value.decode().strip().split(" ") if "=" in f)
        assert int(fields["id"]) == id_a.value and fields["name"] == "alpha"

        assert b.call("CLIENT", "LIST", "ID", id_a.value).value.decode().startswith(
            f"id={id_a.value} ")

    client = server.client()
    client.client_setname("py")
    parsed = client.client_list()
    assert any(c["name"] == "py" for c in parsed), parsed
    assert client.client_info()["name"] == "py"


def test_client_list_tracks_connections(server):
    def ids():
        with server.raw() as probe:
            text = probe.call("CLIENT", "LIST").value.decode()
        return {int(re.search(r"\bid=(\d+)", line).group(1)) for line in text.splitlines()}

    conns = [server.raw() for _ in range(3)]
    my_ids = {c.call("CLIENT", "ID").value for c in conns}
    assert my_ids <= ids()
    for c in conns:
        c.close()
    wait_until(lambda: not (my_ids & ids()), 10, "closed connections to leave CLIENT LIST")


def test_client_setinfo_seshat_only(shared_seshat):
    """CLIENT SETINFO (Redis 7.2; redis-py 5 and go-redis 9 send it on connect) must succeed."""
    with shared_seshat.raw() as conn:
        assert conn.call("CLIENT", "SETINFO", "LIB-NAME", "redis-py").raw == b"+OK\r\n"
        assert conn.call("CLIENT", "SETINFO", "LIB-VER", "5.0.1").raw == b"+OK\r\n"
        assert conn.call("CLIENT", "SETINFO", "NOSUCH", "x").is_error
        assert conn.call("CLIENT", "SETINFO", "LIB-NAME").raw == (
            b"-ERR wrong number of arguments for 'client|setinfo' command\r\n")


# -- HELLO, RESET, QUIT -----------------------------------------------------------------------


def test_hello3_map_shape(server):
    with server.raw() as conn:
        client_id = conn.call("CLIENT", "ID").value
        hello = conn.call("HELLO", "3")
        assert hello.raw.startswith(b"%7\r\n"), hello
        items = hello.value
        keys = [items[i].value for i in range(0, len(items), 2)]
        values = {items[i].value: items[i + 1] for i in range(0, len(items), 2)}
        assert keys == [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
        assert values[b"proto"].raw == b":3\r\n"
        assert values[b"id"].value == client_id
        assert re.fullmatch(rb"\d+\.\d+\.\d+", values[b"version"].value), values[b"version"]
        assert values[b"mode"].value in (b"standalone", b"cluster")
        assert values[b"role"].value in (b"master", b"replica")
        assert values[b"modules"].kind == "*"
        assert conn.call("GET", "nope").raw == b"_\r\n"
        assert conn.call("HELLO", "2").raw.startswith(b"*14\r\n")
        assert conn.call("GET", "nope").raw == b"$-1\r\n"


def test_reset_restores_connection_defaults(server):
    with server.raw() as conn, server.raw() as other:
        assert conn.call("HELLO", "3", "SETNAME", "before-reset").kind == "%"
        assert conn.call("WATCH", "w").raw == b"+OK\r\n"
        assert conn.call("MULTI").raw == b"+OK\r\n"
        assert conn.call("SET", "queued", "1").raw == b"+QUEUED\r\n"
        assert conn.call("RESET").raw == b"+RESET\r\n"
        assert conn.call("CLIENT", "GETNAME").raw == b"$-1\r\n"  # RESP2 again, name cleared
        assert conn.call("EXEC").raw == b"-ERR EXEC without MULTI\r\n"
        assert other.call("SET", "w", "changed").raw == b"+OK\r\n"
        assert conn.call("MULTI").raw == b"+OK\r\n"
        assert conn.call("EXEC").raw == b"*0\r\n"  # the WATCH was dropped too
        assert conn.call("EXISTS", "queued").raw == b":0\r\n"


def test_quit_closes_after_reply(server):
    with server.raw() as conn:
        conn.send_raw(encode_command(["SET", "q", "1"]) + b"QUIT\r\nSET q 2\r\n")
        data, closed = conn.read_until_close(timeout=10)
        assert (data, closed) == (b"+OK\r\n+OK\r\n", True)
    with server.raw() as conn:
        assert conn.call("GET", "q").raw == b"$1\r\n1\r\n"


# -- COMMAND ----------------------------------------------------------------------------------


def test_command_count_info_docs(server):
    with server.raw() as conn:
        count = conn.call("COMMAND", "COUNT")
        assert count.kind == ":" and count.value >= len(ARITY), count
        info = conn.call("COMMAND", "INFO", "get", "MSET", "nosuchcommand")
        assert info.kind == "*" and len(info.value) == 3, info
        get, mset, missing = info.value
        assert [x.value for x in get.value[:2]] == [b"get", 2]
        assert [x.value for x in get.value[3:6]] == [1, 1, 1]
        assert [x.value for x in mset.value[:2]] == [b"mset", -3]
        assert [x.value for x in mset.value[3:6]] == [1, -1, 2]
        assert missing.value is None
        docs = conn.call("COMMAND", "DOCS", "get")
        assert docs.kind == "*" and docs.value[0].value == b"get", docs
        fields = docs.value[1].value
        assert b"summary" in [fields[i].value for i in range(0, len(fields), 2)]
        all_docs = conn.call("COMMAND", "DOCS")
        assert all_docs.kind == "*" and len(all_docs.value) >= 2 * len(ARITY)
        assert conn.call("COMMAND", "NOSUCH").raw == (
            b"-ERR unknown subcommand 'NOSUCH'. Try COMMAND HELP.\r\n")
        everything = conn.call("COMMAND")
        assert everything.kind == "*" and len(everything.value) == count.value


def test_command_info_matches_redis_for_every_supported_command(shared_seshat, redis_ref):
    """Arity, key positions and the read/write flags of each command agree with Redis 7."""
    problems = []
    with shared_seshat.raw() as ours, redis_ref.raw() as theirs:
        for name in sorted(ARITY):
            a = ours.call("COMMAND", "INFO", name).value[0]
            b = theirs.call("COMMAND", "INFO", name).value[0]
            if a.value is None:
                problems.append(f"{name}: missing from COMMAND INFO")
                continue
            shape_a = [x.value for x in a.value[:2]] + [x.value for x in a.value[3:6]]
            shape_b = [x.value for x in b.value[:2]] + [x.value for x in b.value[3:6]]
            flags_a = {f.value for f in a.value[2].value}
            flags_b = {f.value for f in b.value[2].value}
            if shape_a != shape_b:
                problems.append(f"{name}: (name, arity, first, last, step) {shape_a} != {shape_b}")
            for flag in (b"write", b"readonly"):
                if (flag in flags_a) != (flag in flags_b):
                    problems.append(f"{name}: flag {flag.decode()} {sorted(flags_a)} vs redis "
                                    f"{sorted(flags_b)}")
    assert not problems, "\n".join(problems)


# -- INFO and CONFIG --------------------------------------------------------------------------


def test_info_sections(server):
    client = server.client()
    client.mset({"i1": 1, "i2": 2})
    client.set("i3", 3, ex=100)
    with server.raw() as conn:
        text = conn.call("INFO").value.decode()
        sections = {name: conn.call("INFO", name).value.decode() for name in
                    ("server", "clients", "memory", "persistence", "stats", "keyspace")}
        nosuch = conn.call("INFO", "nosuchsection")
    for header in ("# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Keyspace"):
        assert header in text, f"INFO lacks {header}"
    for line in text.split("\r\n"):
        assert line == "" or line.startswith("# ") or re.fullmatch(r"[^:\s]+:.*", line), line
    info = client.info()
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(info["redis_version"])), info.get("redis_version")
    assert info["tcp_port"] == server.port
    assert info["connected_clients"] >= 1
    assert isinstance(info["used_memory"], int)
    assert info["loading"] == 0
    assert isinstance(info["total_commands_processed"], int)
    assert info["db0"]["keys"] == 3 and info["db0"]["expires"] == 1, info.get("db0")
    assert isinstance(client.info("server")["uptime_in_seconds"], int)
    for section, one in sections.items():
        assert one.lower().startswith("# " + section), (section, one[:80])
    assert nosuch.raw == b"$0\r\n\r\n", nosuch


CONFIG_KEYS_CLIENTS_ASK = ["maxmemory", "maxmemory-policy", "save", "appendonly", "databases",
                           "maxclients", "timeout"]


def test_config_get_keys_clients_ask(server):
    client = server.client()
    missing = []
    for key in CONFIG_KEYS_CLIENTS_ASK:
        got = client.config_get(key)
        if key not in got:
            missing.append(key)
    assert not missing, f"CONFIG GET answers nothing for {missing}"
    values = client.config_get("databases")
    assert int(values["databases"]) >= 1
    assert int(client.config_get("maxmemory")["maxmemory"]) >= 0
    assert client.config_get("appendonly")["appendonly"] in ("yes", "no")
    assert client.config_get("nosuchparameter") == {}
    with server.raw() as conn:
        pair = conn.call("CONFIG", "GET", "maxmemory", "appendonly")
        assert pair.kind == "*" and len(pair.value) == 4, pair
        assert conn.call("HELLO", "3").kind == "%"
        as_map = conn.call("CONFIG", "GET", "maxmemory")
        assert as_map.raw.startswith(b"%1\r\n$9\r\nmaxmemory\r\n"), as_map


def test_select_nonzero_db_is_out_of_range_seshat_only(shared_seshat, redis_ref):
    """Seshat has one database. Redis has 16 and says OK; Seshat says what Redis says for an
    index beyond its databases. This is the one intended difference from Redis."""
    with shared_seshat.raw() as conn:
        assert conn.call("SELECT", "1").raw == b"-ERR DB index is out of range\r\n"
        assert conn.call("SELECT", "15").raw == b"-ERR DB index is out of range\r\n"
        assert conn.call("SELECT", "0").raw == b"+OK\r\n"
        assert conn.call("SWAPDB", "0", "1").is_error
    with redis_ref.raw() as conn:
        assert conn.call("SELECT", "1").raw == b"+OK\r\n"


UNSUPPORTED = [("BLMPOP", "0", "1", "l", "LEFT"), ("LMPOP", "1", "l", "LEFT"), ("ZUNION", "1", "z"),
               ("BZMPOP", "0", "1", "z", "MIN"), ("XADD", "x", "*", "f", "v"),
               ("EVAL", "return 1", "0"), ("SUBSCRIBE", "chan"),
               ("LCS", "a", "b")]


@pytest.mark.parametrize("command", UNSUPPORTED, ids=[c[0] for c in UNSUPPORTED])
def test_unsupported_commands_seshat_only(command, shared_seshat):
    """Commands of other data types answer exactly as Redis answers an unknown command."""
    args = "".join(f"'{a}' " for a in command[1:])
    expected = f"-ERR unknown command '{command[0]}', with args beginning with: {args}\r\n"
    with shared_seshat.raw() as conn:
        assert conn.call(*command).raw == expected.encode()
        assert conn.call("PING").raw == b"+PONG\r\n"


# -- limits -----------------------------------------------------------------------------------


def test_max_clients(launch):
    node = launch(max_concurrent_client_connections=3)
    admitted = [connect_when_admitted(node) for _ in range(3)]
    try:
        with node.raw() as refused:
            data, closed = refused.read_until_close(timeout=10)
            assert (data, closed) == (b"-ERR max number of clients reached\r\n", True)
        admitted.pop().close()
        admitted.append(connect_when_admitted(node))  # a freed slot is usable again
        for conn in admitted:
            assert conn.call("PING").raw == b"+PONG\r\n"
    finally:
        for conn in admitted:
            conn.close()


def test_key_and_value_size_limits_seshat_only(seshat_factory):
    node = seshat_factory(max_key_size_bytes=16, max_value_size_bytes=64)
    key_ok, key_long = b"k" * 16, b"k" * 17
    val_ok, val_long = b"v" * 64, b"v" * 65

    def assert_limit(reply, which: str):
        assert reply.is_error and reply.value.startswith(b"ERR"), reply
        assert which in reply.value.decode().lower(), f"error does not name the {which}: {reply}"

    with node.raw() as conn:
        assert conn.call("SET", key_ok, val_ok).raw == b"+OK\r\n"
        assert conn.call("STRLEN", key_ok).raw == b":64\r\n"
        assert_limit(conn.call("SET", key_long, "v"), "key")
        assert_limit(conn.call("SET", "k", val_long), "value")
        assert_limit(conn.call("SETNX", key_long, "v"), "key")
        assert_limit(conn.call("SETEX", "k", 100, val_long), "value")
        assert_limit(conn.call("PSETEX", key_long, 100000, "v"), "key")
        assert_limit(conn.call("GETSET", "k", val_long), "value")
        assert_limit(conn.call("MSET", "a", "1", key_long, "2"), "key")
        assert_limit(conn.call("MSET", "a", "1", "b", val_long), "value")
        assert_limit(conn.call("MSETNX", "a", "1", "b", val_long), "value")
        assert conn.call("EXISTS", "a", "b", "k").raw == b":0\r\n"  # nothing half-written
        assert_limit(conn.call("APPEND", key_ok, "x"), "value")
        assert_limit(conn.call("SETRANGE", key_ok, 64, "x"), "value")
        assert conn.call("SETRANGE", key_ok, 63, "x").raw == b":64\r\n"
        assert_limit(conn.call("RENAME", key_ok, key_long), "key")
        assert_limit(conn.call("COPY", key_ok, key_long), "key")
        assert conn.call("GET", key_ok).raw == b"$64\r\n" + b"v" * 63 + b"x\r\n"
        assert conn.call("DBSIZE").raw == b":1\r\n"


# -- redis-cli --------------------------------------------------------------------------------


def redis_cli(server, *args, stdin: bytes = None) -> str:
    result = subprocess.run(["redis-cli", "-h", server.host, "-p", str(server.port), *args],
                            input=stdin, capture_output=True, timeout=60)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout.decode()


def test_redis_cli(server):
    assert redis_cli(server, "PING") == "PONG\n"
    assert redis_cli(server, "SET", "a", "b") == "OK\n"
    assert redis_cli(server, "GET", "a") == "b\n"
    assert redis_cli(server, "--no-raw", "GET", "missing") == "(nil)\n"
    assert redis_cli(server, "--no-raw", "INCR", "n") == "(integer) 1\n"
    assert redis_cli(server, "--no-raw", "GET", "a") == '"b"\n'
    assert redis_cli(server, "--no-raw", "GET") == (
        "(error) ERR wrong number of arguments for 'get' command\n")
    assert redis_cli(server, stdin=b"SET x 1\nINCR x\nGET x\n") == "OK\n2\n2\n"
    assert "redis_version:" in redis_cli(server, "INFO", "server")
    assert sorted(redis_cli(server, "--scan").split()) == ["a", "n", "x"]
    assert redis_cli(server, "-3", "GET", "missing") == "\n"
    assert redis_cli(server, "DBSIZE") == "3\n"


def test_redis_cli_pipe_mass_insert(server):
    payload = b"".join(encode_command(["SET", f"mass:{i}", i]) for i in range(2000))
    out = redis_cli(server, "--pipe", stdin=payload)
    assert "errors: 0, replies: 2000" in out, out
    assert server.client().dbsize() == 2000
    assert server.client().get("mass:1999") == b"1999"


def test_redis_benchmark_smoke(server):
    result = subprocess.run(["redis-benchmark", "-h", server.host, "-p", str(server.port),
                             "-t", "set,get", "-n", "2000", "-c", "4", "-P", "4", "-q"],
                            capture_output=True, timeout=120)
    out = result.stdout.decode() + result.stderr.decode()
    assert result.returncode == 0, out
    assert re.search(r"SET: [\d.]+ requests per second", out), out
    assert re.search(r"GET: [\d.]+ requests per second", out), out
    assert "ERR" not in out, out


def test_many_connections_and_abrupt_disconnects(server):
    """Connections that vanish (RST, half-written commands) leave the server serving others."""
    for i in range(50):
        sock = socket.create_connection((server.host, server.port), timeout=5)
        sock.sendall(encode_command(["SET", f"abrupt:{i}", i])[: 7 + i % 10])
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
    with server.raw() as conn:
        assert conn.call("PING").raw == b"+PONG\r\n"
        assert conn.call("KEYS", "abrupt:*").raw == b"*0\r\n"


def test_hrandfield_refuses_an_absurd_negative_count_seshat_only(shared_seshat):
    """Redis streams any number of repeated picks (-9223372036854775807 never ends); Seshat
    builds a reply whole, so beyond 2^24 picks it answers an error and stays up."""
    with shared_seshat.raw() as conn:
        conn.call("DEL", "absurd")
        assert conn.call("HSET", "absurd", "f", "v").value == 1
        for count in ("-9223372036854775807", "-16777217"):
            assert conn.call("HRANDFIELD", "absurd", count).raw == b"-ERR value is out of range\r\n"
        assert len(conn.call("HRANDFIELD", "absurd", "-1000").value) == 1000
        assert conn.call("DEL", "absurd").value == 1


def test_object_help_and_idletime_seshat_only(shared_seshat):
    """OBJECT HELP lists the subcommands Seshat answers; IDLETIME (no access times are kept)
    is refused as Redis refuses a subcommand it does not know."""
    with shared_seshat.raw() as conn:
        lines = [r.value for r in conn.call("OBJECT", "HELP").value]
        assert [l for l in lines if not l.startswith(b" ")][1:] == \
            [b"ENCODING <key>", b"FREQ <key>", b"REFCOUNT <key>", b"HELP"]
        assert conn.call("OBJECT", "IDLETIME", "k").raw == \
            b"-ERR unknown subcommand 'IDLETIME'. Try OBJECT HELP.\r\n"
