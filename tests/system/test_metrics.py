"""The Prometheus endpoint (`metrics_addr`): a scrape over HTTP reports the node's INFO numbers
in Prometheus's text format, on a single node and on every member of a cluster, and a node
started without the option listens for no scrapes."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cluster_harness import Cluster
from ports import free_port
from servers import SeshatProcess

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana" / "seshat-dashboard.json"
SAMPLE = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\S+)$')


def scrape(port: int) -> tuple:
    """(content type, {metric{labels}: value}) of one scrape, checking every line's form."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
        content_type = reply.headers["Content-Type"]
        text = reply.read().decode()
    samples, typed = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            assert kind in ("gauge", "counter", "histogram"), line
            typed[name] = kind
            continue
        if line.startswith("# HELP "):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        family = re.sub(r"_(bucket|sum|count)$", "", m.group(1))
        assert m.group(1) in typed or typed.get(family) == "histogram", \
            f"{m.group(1)} has no TYPE line before it"
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return content_type, samples


def test_a_single_node_reports_its_commands_keys_and_raft_state(tmp_path):
    metrics_port = free_port()
    node = SeshatProcess(tmp_path / "node", options={"metrics_addr": f"127.0.0.1:{metrics_port}"})
    node.start()
    try:
        client = node.client()
        for i in range(3):
            assert client.set(f"k{i}", "v") is True
        client.expire("k0", 100)
        assert client.get("k1") == b"v"
        content_type, m = scrape(metrics_port)
        assert content_type == "text/plain; version=0.0.4; charset=utf-8"
        assert m["seshat_up"] == 1
        assert m['seshat_commands_total{command="set"}'] == 3
        assert m['seshat_commands_total{command="get"}'] == 1
        assert m['seshat_commands_duration_seconds_total{command="set"}'] > 0
        assert m['seshat_keys{db="0"}'] == 3
        assert m['seshat_keys_with_expiry{db="0"}'] == 1
        assert m["seshat_connected_clients"] >= 1
        assert m['seshat_raft_role{role="leader"}'] == 1
        assert m["seshat_raft_applied_index"] >= 4
        assert m["seshat_raft_commit_index"] >= m["seshat_raft_applied_index"]
        assert m["seshat_memory_rss_bytes"] > 0
        assert m["seshat_raft_leader_changes_total"] >= 1  # it elected itself
        assert m["seshat_raft_proposals_pending"] == 0
        assert m["seshat_rocksdb_memtable_bytes"] > 0
        assert m["seshat_rocksdb_write_stopped"] == 0
        assert m["seshat_rocksdb_write_stall_seconds_total"] >= 0
        assert m["seshat_raft_snapshots_installed_total"] == 0
        assert m["seshat_raft_snapshot_install_seconds_total"] == 0
        # Latency histograms: every SET (and the EXPIRE) is a write, the GET a read, and each
        # write's log entry was synced to disk before it was answered.
        writes = m['seshat_command_duration_seconds_count{kind="write"}']
        assert writes == 4
        assert m['seshat_command_duration_seconds_bucket{kind="write",le="+Inf"}'] == writes
        assert m['seshat_command_duration_seconds_sum{kind="write"}'] > 0
        assert m['seshat_command_duration_seconds_count{kind="read"}'] == 1
        assert m["seshat_disk_sync_duration_seconds_count"] >= writes
        # Counters move with the work between two scrapes.
        client.set("k3", "v")
        _, later = scrape(metrics_port)
        assert later['seshat_commands_total{command="set"}'] == 4
        assert later["seshat_raft_applied_index"] > m["seshat_raft_applied_index"]
        # CONFIG RESETSTAT starts the command counters and their histograms over.
        assert client.config_resetstat() is True
        _, reset = scrape(metrics_port)
        assert reset['seshat_command_duration_seconds_count{kind="write"}'] == 0
        assert 'seshat_commands_total{command="set"}' not in reset
        # Only /metrics is served.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/", timeout=10)
        assert missing.value.code == 404
    finally:
        node.stop_clean()


def test_every_member_reports_one_leader_and_the_leader_its_peers(tmp_path):
    c = Cluster(tmp_path)
    ports = {}
    for n in c.nodes:
        ports[n.node_id] = free_port()
        n.options["metrics_addr"] = f"127.0.0.1:{ports[n.node_id]}"
    c.start()
    try:
        leader = c.leader()
        assert leader.client().set("k", "v") is True
        views = {}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            views = {i: scrape(p)[1] for i, p in ports.items()}
            caught_up = all(v["seshat_raft_applied_index"] >= views[leader.node_id]
                            ["seshat_raft_commit_index"] for v in views.values())
            # Links connect in the background (with backoff if a peer was not listening yet).
            links_up = all(v.get(f'seshat_peer_connected{{peer="{peer}"}}') == 1
                           for i, v in views.items() for peer in ports if peer != i)
            if caught_up and links_up:
                break
            time.sleep(0.05)
        leaders = [i for i, v in views.items() if v['seshat_raft_role{role="leader"}'] == 1]
        assert leaders == [leader.node_id]
        for v in views.values():
            assert v["seshat_raft_leader_id"] == leader.node_id
            assert v["seshat_raft_members"] == 3
            assert v["seshat_raft_term"] == views[leader.node_id]["seshat_raft_term"]
        peers = {k for k in views[leader.node_id] if k.startswith("seshat_raft_peer_lag_entries")}
        assert peers == {f'seshat_raft_peer_lag_entries{{peer="{i}"}}' for i in ports}
        # Every node's links to the two others are up; those to and from the leader carried
        # messages (followers have nothing to say to each other).
        for i, v in views.items():
            for peer in ports:
                if peer == i:
                    continue
                assert v[f'seshat_peer_connected{{peer="{peer}"}}'] == 1, (i, peer)
                assert v[f'seshat_peer_snapshot_seconds_total{{peer="{peer}"}}'] >= 0
                if leader.node_id in (i, peer):
                    assert v[f'seshat_peer_sent_messages_total{{peer="{peer}"}}'] > 0, (i, peer)
        # The sample Grafana dashboard asks only for metrics a cluster really reports.
        scraped = {name.split("{")[0] for v in views.values() for name in v}
        dashboard = json.loads(DASHBOARD.read_text())
        exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
        asked = {name for e in exprs for name in re.findall(r"seshat_[a-z_]+", e)}
        assert len(asked) > 10
        assert asked <= scraped, f"the dashboard asks for {sorted(asked - scraped)}"
    finally:
        c.stop()


def listening_ports(pid: int) -> set:
    """The TCP ports process `pid` listens on (its socket inodes matched with /proc/net/tcp*)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_the_endpoint_is_off_unless_asked_for_and_a_bad_address_is_refused(tmp_path):
    metrics_port = free_port()
    on = SeshatProcess(tmp_path / "on", options={"metrics_addr": f"127.0.0.1:{metrics_port}"})
    off = SeshatProcess(tmp_path / "off")
    on.start()
    off.start()
    try:
        # A standalone node talks to no peers: its client port is all it opens, besides this.
        assert listening_ports(on.proc.pid) == {on.port, metrics_port}
        assert listening_ports(off.proc.pid) == {off.port}
    finally:
        on.stop_clean()
        off.stop_clean()
    bad = SeshatProcess(tmp_path / "bad", options={"metrics_addr": "127.0.0.1"})
    bad.spawn()
    try:
        assert bad.proc.wait(timeout=10) != 0
        assert "metrics_addr" in bad.log_tail(20)
    finally:
        bad.stop()
