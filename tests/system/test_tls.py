"""TLS on the client port (`tls_port` and Redis's other tls_* options): redis-cli --tls and
redis-py ssl=True work on it, alongside the plain port; clients without a certificate the CA
signed are turned away as `tls_auth_clients` says. Mutual TLS between members (`tls_cluster`):
the cluster forms and replicates over it, and a process without the cluster's certificate can
neither talk to the internal port nor join. A TLS setting that cannot work stops the node at
start-up, naming it. Certificates come from scripts/make-certs.sh, as in the README."""

from __future__ import annotations

import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import redis

from cluster_harness import Cluster
from differential import wait_until
from ports import free_port
from servers import SeshatProcess

REPO = Path(__file__).resolve().parents[2]
MAKE_CERTS = REPO / "scripts" / "make-certs.sh"


def make_certs(directory: Path) -> Path:
    subprocess.run(["bash", str(MAKE_CERTS), str(directory)], check=True, capture_output=True,
                   timeout=60)
    return directory


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Path:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def foreign(tmp_path_factory) -> Path:
    """Certificates of another authority, which the nodes do not trust."""
    return make_certs(tmp_path_factory.mktemp("foreign"))


def tls_options(certs: Path, **extra) -> dict:
    options = {"tls_port": free_port(), "tls_cert_file": certs / "node.crt",
               "tls_key_file": certs / "node.key", "tls_ca_cert_file": certs / "ca.crt"}
    options.update(extra)
    return options


def tls_client(node: SeshatProcess, certs: Path, client_certs: Path = None, **kwargs):
    """redis-py over TLS to the node's tls_port; `client_certs` holds the certificate it shows
    (none when None)."""
    options = dict(host=node.host, port=node.options["tls_port"], ssl=True,
                   ssl_ca_certs=str(certs / "ca.crt"), socket_timeout=15)
    if client_certs is not None:
        options.update(ssl_certfile=str(client_certs / "client.crt"),
                       ssl_keyfile=str(client_certs / "client.key"))
    options.update(kwargs)
    return redis.Redis(**options)


def redis_cli(node: SeshatProcess, certs: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["redis-cli", "-h", node.host, "-p", str(node.options["tls_port"]), "--tls",
         "--cacert", str(certs / "ca.crt"), "--cert", str(certs / "client.crt"),
         "--key", str(certs / "client.key"), *command],
        capture_output=True, text=True, timeout=30)


def refused(client: redis.Redis) -> bool:
    """True when the node ends the connection during the handshake or at the first command."""
    try:
        client.ping()
    except (redis.ConnectionError, ssl.SSLError, OSError):
        return True
    finally:
        client.close()
    return False


@pytest.fixture
def tls_node(tmp_path, certs):
    node = SeshatProcess(tmp_path / "node", options=tls_options(certs))
    node.start()
    yield node
    node.stop_clean()


def test_redis_cli_over_tls_and_the_plain_port_see_the_same_data(tls_node, certs):
    out = redis_cli(tls_node, certs, "SET", "greeting", "hello over tls")
    assert out.returncode == 0 and out.stdout.strip() == "OK", out
    out = redis_cli(tls_node, certs, "GET", "greeting")
    assert out.stdout.strip() == "hello over tls", out
    assert tls_node.client().get("greeting") == b"hello over tls"
    assert "accepting TLS connections on port" in tls_node.log_text()
    # Tools ask CONFIG GET for Redis's names.
    config = tls_node.client().config_get("tls-*")
    assert config["tls-port"] == str(tls_node.options["tls_port"])
    assert config["tls-auth-clients"] == "yes"
    assert config["tls-cluster"] == "no"


def test_redis_py_ssl_pipelines_and_large_values(tls_node, certs):
    client = tls_client(tls_node, certs, certs)
    try:
        pipe = client.pipeline(transaction=False)
        for i in range(500):
            pipe.set(f"k{i}", f"v{i}")
            pipe.get(f"k{i}")
        replies = pipe.execute()
        assert replies == [x for i in range(500) for x in (True, f"v{i}".encode())]
        # Bigger than one TLS record (16 KiB) and than the node's read buffer, both ways.
        big = bytes(range(256)) * 8192
        assert client.set("big", big) is True
        assert client.get("big") == big
        with client.pipeline(transaction=True) as tx:
            tx.incr("n").incr("n")
            assert tx.execute() == [1, 2]
    finally:
        client.close()
    assert tls_node.client().get("k499") == b"v499"


def test_clients_without_the_cas_certificate_are_refused(tls_node, certs, foreign):
    # tls_auth_clients defaults to "yes", as in Redis: no certificate, no connection.
    assert refused(tls_client(tls_node, certs))
    assert refused(tls_client(tls_node, certs, foreign))
    # Plain text on the TLS port gets no answer, only a closed connection.
    with socket.create_connection((tls_node.host, tls_node.options["tls_port"]), timeout=10) as s:
        s.sendall(b"*1\r\n$4\r\nPING\r\n")
        assert s.recv(100) == b""
    # The node does not trust the foreign CA's server either: a client checking the node's
    # certificate against the foreign CA refuses it.
    assert refused(tls_client(tls_node, foreign, certs))
    # The turned-away clients left the node as it was.
    ok = tls_client(tls_node, certs, certs)
    assert ok.ping() is True
    ok.close()


@pytest.mark.parametrize("mode", ["no", "optional"])
def test_auth_clients_no_and_optional(mode, tmp_path, certs, foreign):
    node = SeshatProcess(tmp_path / "node", options=tls_options(certs, tls_auth_clients=mode))
    node.start()
    try:
        anonymous = tls_client(node, certs)
        assert anonymous.set("k", mode) is True
        anonymous.close()
        with_cert = tls_client(node, certs, certs)
        assert with_cert.get("k") == mode.encode()
        with_cert.close()
        # "optional" checks a certificate that is shown; "no" does not ask for one at all.
        assert refused(tls_client(node, certs, foreign)) == (mode == "optional")
    finally:
        node.stop_clean()


def test_every_member_of_a_cluster_serves_tls_clients(tmp_path, certs):
    c = Cluster(tmp_path)
    for n in c.nodes:
        n.options.update(tls_options(certs, follower_proxy="true"))
    c.start()
    try:
        leader = c.leader()
        follower = c.followers(leader)[0]
        # Written through a follower (its proxy takes it to the leader), read on the leader.
        via_follower = tls_client(follower, certs, certs)
        assert via_follower.set("k", "through the follower") is True
        on_leader = tls_client(leader, certs, certs)
        assert on_leader.get("k") == b"through the follower"
        via_follower.close()
        on_leader.close()
    finally:
        c.stop()


def test_tls_clients_are_told_tls_ports_and_plain_clients_plain_ones(tmp_path, certs):
    """CLUSTER SLOTS/NODES/SHARDS and MOVED name each member's TLS port to a client on the TLS
    port (as Redis 7 does with tls-cluster), the plain ports to the others; redis-cli -c and
    redis-py RedisCluster then follow them over TLS."""
    c = Cluster(tmp_path)
    for n in c.nodes:
        n.options.update(tls_options(certs))
    c.start()
    try:
        leader = c.leader()
        follower = c.followers(leader)[0]
        tls_ports = {n.options["tls_port"] for n in c.nodes}
        plain_ports = {n.port for n in c.nodes}

        def slot_ports(client) -> set:
            return {node[1] for slot in client.execute_command("CLUSTER", "SLOTS")
                    for node in slot[2:]}

        def nodes_ports(client) -> set:
            text = client.execute_command("CLUSTER", "NODES")
            text = text.decode() if isinstance(text, bytes) else str(text)
            return {int(line.split()[1].split("@")[0].rsplit(":", 1)[1])
                    for line in text.splitlines()}

        over_tls = tls_client(follower, certs, certs)
        plain = follower.client()
        # Every member learns the others' TLS ports through the peers' handshake.
        wait_until(lambda: slot_ports(over_tls) == tls_ports, 10, "TLS ports in CLUSTER SLOTS")
        assert nodes_ports(over_tls) == tls_ports
        assert slot_ports(plain) == plain_ports and nodes_ports(plain) == plain_ports
        with pytest.raises(redis.ResponseError,
                           match=f"^MOVED \\d+ {leader.host}:{leader.options['tls_port']}$"):
            over_tls.set("k", "v")
        with pytest.raises(redis.ResponseError, match=f"^MOVED \\d+ {leader.host}:{leader.port}$"):
            plain.set("k", "v")
        over_tls.close()
        # redis-cli -c follows the redirect over TLS.
        out = subprocess.run(
            ["redis-cli", "-c", "-h", follower.host, "-p", str(follower.options["tls_port"]),
             "--tls", "--cacert", str(certs / "ca.crt"), "--cert", str(certs / "client.crt"),
             "--key", str(certs / "client.key"), "SET", "cli-key", "over tls"],
            capture_output=True, text=True, timeout=30)
        assert out.stdout.strip() == "OK", out
        cluster = redis.RedisCluster(host=follower.host, port=follower.options["tls_port"],
                                     ssl=True, ssl_ca_certs=str(certs / "ca.crt"),
                                     ssl_certfile=str(certs / "client.crt"),
                                     ssl_keyfile=str(certs / "client.key"), socket_timeout=15)
        try:
            assert cluster.set("py-key", "over tls") is True
            assert cluster.get("cli-key") == b"over tls"
        finally:
            cluster.close()
    finally:
        c.stop()


def internal_tls(node: SeshatProcess, ca: Path, client_certs: Path = None) -> bytes:
    """Opens TLS to the node's internal port as an HTTP/2 client would and returns the first
    bytes the node sends after the connection preface; b"" when it hangs up. Raises SSLError
    when the handshake itself fails."""
    context = ssl.create_default_context(cafile=str(ca))
    context.set_alpn_protocols(["h2"])
    if client_certs is not None:
        context.load_cert_chain(str(client_certs / "client.crt"), str(client_certs / "client.key"))
    with socket.create_connection((node.host, node.internal_port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=node.host) as s:
            s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes.fromhex("000000040000000000"))
            try:
                return s.recv(9)
            except (ssl.SSLError, ConnectionResetError) as e:
                # TLS 1.3: the server judges the client's certificate after the handshake.
                if "certificate" in str(e) or isinstance(e, ConnectionResetError):
                    return b""
                raise


def wait_for_log(node: SeshatProcess, text: str, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if text in node.log_text():
            return
        time.sleep(0.05)
    pytest.fail(f"{node.name} did not log {text!r} within {deadline_s}s\n{node.log_tail(20)}",
                pytrace=False)


def test_members_talk_mutual_tls_and_refuse_strangers(tmp_path, certs, foreign):
    c = Cluster(tmp_path)
    for n in c.nodes:
        n.options.update(tls_options(certs, tls_cluster="true", tls_port=0))
        del n.options["tls_port"]
    c.start()
    strangers = []
    try:
        leader = c.leader()
        assert leader.client().set("k", "replicated over tls") is True
        for follower in c.followers(leader):
            reader = follower.client()
            reader.execute_command("READONLY")
            deadline = time.monotonic() + 10
            while reader.get("k") != b"replicated over tls" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert reader.get("k") == b"replicated over tls"
        # The internal port speaks TLS, shows a certificate our CA signed, and answers HTTP/2
        # (a SETTINGS frame: type 4) only to a client that shows one too.
        assert internal_tls(leader, certs / "ca.crt", certs)[3:4] == b"\x04"
        assert internal_tls(leader, certs / "ca.crt") == b""
        assert internal_tls(leader, certs / "ca.crt", foreign) == b""
        with pytest.raises(ssl.SSLError):
            internal_tls(leader, foreign / "ca.crt", certs)  # not the certificate we trust
        # A node with another authority's certificate, or with none, cannot join.
        for node_id, options in [(4, tls_options(foreign, tls_cluster="true")),
                                 (5, {})]:
            options.pop("tls_port", None)
            options.update(bootstrap="false", join_addr=f"{leader.host}:{leader.internal_port}")
            stranger = SeshatProcess(tmp_path / f"stranger{node_id}", name=f"stranger{node_id}",
                                     node_id=node_id, options=options)
            strangers.append(stranger)
            stranger.spawn()
            wait_for_log(stranger, "(attempt 2)", 20)
            assert "cannot reach" in stranger.log_text()
        members = leader.client().execute_command("SESHAT", "MEMBERS")
        assert len(members) == 3
        # With the cluster's certificate the same join goes through.
        options = tls_options(certs, tls_cluster="true", bootstrap="false",
                              join_addr=f"{leader.host}:{leader.internal_port}")
        del options["tls_port"]
        friend = SeshatProcess(tmp_path / "friend", name="friend", node_id=6, options=options)
        strangers.append(friend)
        friend.start()
        assert "join: added to cluster" in friend.log_text()
    finally:
        for s in strangers:
            if s.alive():
                s.stop()
        c.stop()


BAD_TLS = {
    # name: (options, text the refusal must contain)
    "no_cert": (lambda c: {"tls_port": free_port(), "tls_key_file": c / "node.key",
                           "tls_ca_cert_file": c / "ca.crt"}, "tls_cert_file"),
    "no_ca": (lambda c: {"tls_port": free_port(), "tls_cert_file": c / "node.crt",
                         "tls_key_file": c / "node.key"}, "tls_ca_cert_file"),
    "missing_file": (lambda c: tls_options(c, tls_cert_file=c / "nope.crt"), "nope.crt"),
    "wrong_key": (lambda c: tls_options(c, tls_key_file=c / "client.key"), "tls_key_file"),
    "bad_auth_mode": (lambda c: tls_options(c, tls_auth_clients="sometimes"), "tls_auth_clients"),
    "cluster_without_ca": (lambda c: {"tls_cluster": "true", "tls_cert_file": c / "node.crt",
                                      "tls_key_file": c / "node.key"}, "tls_ca_cert_file"),
    "not_a_ca_file": (lambda c: tls_options(c, tls_ca_cert_file=c / "node.key"),
                      "tls_ca_cert_file"),
}


@pytest.mark.parametrize("name", sorted(BAD_TLS))
def test_a_tls_setting_that_cannot_work_stops_the_node(name, tmp_path, certs):
    options, expected = BAD_TLS[name]
    node = SeshatProcess(tmp_path / "node", options=options(certs))
    node.spawn()
    assert node.wait_exit(30) != 0, node.log_tail()
    assert expected in node.log_text(), node.log_tail()
