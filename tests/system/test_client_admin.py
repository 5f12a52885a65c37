"""CLIENT KILL beside a Debian redis-server, and CLIENT LIST / KILL while other clients come
and go (each connection's state is read and changed only on its own io thread)."""

from __future__ import annotations

import re
import threading

import pytest

from resp_client import ConnectionClosed, RespConnection


def client_id(conn: RespConnection) -> int:
    return conn.call("CLIENT", "ID").value


def addr_of(conn: RespConnection) -> str:
    host, port = conn.sock.getsockname()[:2]
    return f"{host}:{port}"


def assert_closed(conn: RespConnection) -> None:
    """The server closed `conn`: a command on it finds the connection gone."""
    with pytest.raises((ConnectionClosed, OSError)):
        conn.call("PING")


@pytest.mark.parametrize("server_kind", ["seshat", "redis"])
def test_client_kill_filters(server_kind, shared_seshat, redis_ref):
    """The same script on both servers; replies compared with what Redis 7.0 answers."""
    server = shared_seshat if server_kind == "seshat" else redis_ref
    with server.raw() as admin:
        victim = server.raw()
        vid = client_id(victim)
        assert admin.call("CLIENT", "KILL", "ID", vid).value == 1
        assert_closed(victim)
        assert admin.call("CLIENT", "KILL", "ID", vid).value == 0  # already gone

        victim = server.raw()
        client_id(victim)
        assert admin.call("CLIENT", "KILL", "ADDR", addr_of(victim), "TYPE", "normal",
                          "USER", "default").value == 1
        assert_closed(victim)

        victim = server.raw()
        client_id(victim)
        assert admin.call("CLIENT", "KILL", addr_of(victim)).raw == b"+OK\r\n"  # old form
        assert_closed(victim)
        assert admin.call("CLIENT", "KILL", "127.0.0.1:1").raw == b"-ERR No such client\r\n"

        # Filters that match nothing, and the caller spared by default.
        me = client_id(admin)
        assert admin.call("CLIENT", "KILL", "ID", me).value == 0
        assert admin.call("CLIENT", "KILL", "TYPE", "pubsub").value == 0
        assert admin.call("CLIENT", "KILL", "LADDR", "127.0.0.1:1").value == 0

        for args, error in [
            (("ID", "0"), b"-ERR client-id should be greater than 0\r\n"),
            (("ID", "abc"), b"-ERR client-id should be greater than 0\r\n"),
            (("TYPE", "foo"), b"-ERR Unknown client type 'foo'\r\n"),
            (("USER", "nobody"), b"-ERR No such user 'nobody'\r\n"),
            (("ID", "5", "SKIPME", "maybe"), b"-ERR syntax error\r\n"),
            (("ID", "5", "TYPE"), b"-ERR syntax error\r\n"),
            (("FOO", "bar"), b"-ERR syntax error\r\n"),
        ]:
            assert admin.call("CLIENT", "KILL", *args).raw == error, args
        assert admin.call("CLIENT", "KILL").raw == (
            b"-ERR wrong number of arguments for 'client|kill' command\r\n")

        # SKIPME no: the caller may close itself; it still gets its reply first.
        assert admin.call("CLIENT", "KILL", "ID", me, "SKIPME", "no").value == 1
        assert_closed(admin)


def test_client_list_and_kill_while_clients_come_and_go(seshat):
    """CLIENT LIST in a loop (and CLIENT KILL now and then) while other clients connect, send,
    and disconnect: every listing is well formed and includes the lister; the node survives."""
    stop = threading.Event()
    errors = []
    churned = [0]

    def churn(worker: int) -> None:
        while not stop.is_set():
            try:
                with RespConnection(seshat.host, seshat.port, timeout=10) as c:
                    c.call("CLIENT", "SETNAME", f"churn-{worker}")
                    c.send_many([("SET", f"k{worker}", "v"), ("GET", f"k{worker}"),
                                 ("CLIENT", "INFO")])
                    for _ in range(3):
                        assert not c.read_reply().is_error
                churned[0] += 1
            except (ConnectionClosed, OSError):
                continue  # closed by the lister's CLIENT KILL: start over
            except Exception as exc:  # anything else fails the test
                errors.append(repr(exc))
                return

    threads = [threading.Thread(target=churn, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    line = re.compile(r"id=(\d+) addr=\S+ laddr=\S+ fd=-?\d+ name=\S* age=\d+ idle=\d+ .* "
                      r"cmd=\S+ user=default .*lib-ver=\S*")
    try:
        with seshat.raw() as lister:
            me = client_id(lister)
            seen_others = 0
            for i in range(1500):
                text = lister.call("CLIENT", "LIST").value.decode()
                assert text.endswith("\n"), text
                ids = []
                for entry in text.splitlines():
                    m = line.fullmatch(entry)
                    assert m, f"malformed CLIENT LIST line: {entry!r}"
                    ids.append(int(m.group(1)))
                assert me in ids and ids == sorted(ids)
                seen_others += len(ids) - 1
                if i % 25 == 0:
                    others = [x for x in ids if x != me]
                    if others:
                        killed = lister.call("CLIENT", "KILL", "ID", others[0]).value
                        assert killed in (0, 1)  # it may have left on its own meanwhile
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert not errors, errors
    assert seen_others > 0 and churned[0] > 0, "no other client was ever listed"
    with seshat.raw() as check:
        assert check.call("PING").raw == b"+PONG\r\n"
