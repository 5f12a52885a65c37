"""Graceful stops: SIGTERM or SHUTDOWN on a leader hands leadership to the most caught-up
follower before the process exits, so the cluster has a new leader well within an election
timeout and no acknowledged write is lost; SHUTDOWN NOW skips the hand-over; SHUTDOWN stops a
single node cleanly with its data on disk."""

from __future__ import annotations

import signal
import threading
import time

import redis

from cluster_harness import Cluster, info_raft
from resp_client import ConnectionClosed
from servers import SeshatProcess

# Long election timeouts: without a hand-over the others would need at least 3 s to elect.
SLOW_ELECTIONS = {"heartbeat_interval_ms": 100, "election_timeout_min_ms": 3000,
                  "election_timeout_max_ms": 6000}


def new_leader_after(others, old_id: int, deadline_s: float) -> tuple:
    """(leader id, seconds waited) once every other node names the same new leader."""
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        ids = set()
        for n in others:
            try:
                ids.add(info_raft(n)["raft_leader_id"])
            except (redis.RedisError, OSError):
                ids.add(None)
        if len(ids) == 1 and None not in ids and old_id not in ids and 0 not in ids:
            return ids.pop(), time.monotonic() - start
        time.sleep(0.01)
    raise AssertionError(f"no new leader within {deadline_s}s")


def stop_leader_and_time_it(tmp_path, stop) -> tuple:
    c = Cluster(tmp_path, options=dict(SLOW_ELECTIONS, follower_proxy="true"))
    c.start()
    try:
        leader = c.leader(deadline_s=30)
        others = c.followers(leader)
        acked, stop_writing = [], threading.Event()

        def write():
            w = others[0].client(socket_timeout=10)
            i = 0
            while not stop_writing.is_set():
                try:
                    if w.set(f"k{i}", i) is True:
                        acked.append(i)
                except (redis.RedisError, OSError):
                    pass  # not acknowledged: may or may not be there
                i += 1

        writer = threading.Thread(target=write)
        writer.start()
        while len(acked) < 20:
            time.sleep(0.01)
        stop(leader)
        new_id, waited = new_leader_after(others, leader.node_id, 10)
        code = leader.wait_exit(30)
        while len(acked) < 40:  # writes go on under the new leader
            time.sleep(0.01)
        stop_writing.set()
        writer.join()
        new_leader = next(n for n in others if n.node_id == new_id)
        values = new_leader.client().mget([f"k{i}" for i in acked])
        assert values == [str(i).encode() for i in acked], "an acknowledged write was lost"
        return code, waited, leader.log_text()
    finally:
        c.stop()


def test_sigterm_on_a_leader_hands_over_before_it_exits(tmp_path):
    code, waited, log = stop_leader_and_time_it(tmp_path, lambda n: n.kill(signal.SIGTERM))
    assert code == 0
    assert waited < 2.0, f"the new leader took {waited:.2f}s: no hand-over?"
    assert "shutdown: handing leadership to node" in log
    assert "shutdown: leadership handed over in" in log


def test_shutdown_on_a_leader_hands_over_too(tmp_path):
    def shutdown(node):
        raw = node.raw()
        raw.send("SHUTDOWN", "NOSAVE")
        try:
            raw.read_reply()  # nothing comes: the node closes the connection as it stops
            raise AssertionError("SHUTDOWN answered")
        except ConnectionClosed:
            pass
        finally:
            raw.close()

    code, waited, log = stop_leader_and_time_it(tmp_path, shutdown)
    assert code == 0
    assert waited < 2.0, f"the new leader took {waited:.2f}s: no hand-over?"
    assert "SHUTDOWN from client" in log and "handing leadership to node" in log


def test_shutdown_now_skips_the_hand_over_and_a_single_node_keeps_its_data(tmp_path):
    c = Cluster(tmp_path / "cluster")
    c.start()
    try:
        leader = c.leader()
        raw = leader.raw()
        raw.send("SHUTDOWN", "NOW")
        try:
            raw.read_reply()
        except ConnectionClosed:
            pass
        assert leader.wait_exit(30) == 0
        assert "SHUTDOWN NOW" in leader.log_text()
        assert "handing leadership" not in leader.log_text()
    finally:
        c.stop()

    node = SeshatProcess(tmp_path / "single")
    node.start()
    try:
        assert node.client().set("kept", "yes") is True
        raw = node.raw()
        raw.send("SHUTDOWN")
        try:
            raw.read_reply()
        except ConnectionClosed:
            pass
        assert node.wait_exit(30) == 0
        assert "handing leadership" not in node.log_text()  # nobody to hand over to
        node.start()
        assert node.client().get("kept") == b"yes"
    finally:
        node.stop_clean()
