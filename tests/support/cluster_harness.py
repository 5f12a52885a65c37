"""A local Seshat cluster of real processes: N nodes on free loopback ports, each with its own
data directory, all listing each other as initial members. Helpers poll INFO raft with deadlines
to find the leader; nothing here sleeps for a fixed time to synchronise."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, List, Optional

import redis

from info import info
from leader import agreed_leader
from servers import SeshatProcess, ServerError, stop_all

ELECTION_DEADLINE_S = 15.0


def info_raft(node: SeshatProcess) -> Dict[str, object]:
    """The node's INFO raft section, as redis-py parses it."""
    client = redis.Redis(host=node.host, port=node.port, socket_timeout=2)
    try:
        return client.info("raft")
    finally:
        client.close()


class Cluster:
    def __init__(self, workdir: Path, size: int = 3, options: Optional[dict] = None):
        self.nodes: List[SeshatProcess] = []
        for i in range(1, size + 1):
            node = SeshatProcess(Path(workdir) / f"node{i}", name=f"node{i}", node_id=i,
                                 options=dict(options or {}))
            self.nodes.append(node)
        members = ",".join(f"{n.node_id}={n.host}:{n.internal_port}@{n.host}:{n.port}"
                           for n in self.nodes)
        for n in self.nodes:
            n.options["initial_members"] = members

    def start(self) -> "Cluster":
        for n in self.nodes:
            n.spawn()
        for n in self.nodes:
            n.start_wait()
        return self

    def node(self, node_id: int) -> SeshatProcess:
        return self.nodes[node_id - 1]

    def live(self) -> List[SeshatProcess]:
        return [n for n in self.nodes if n.alive()]

    def leader(self, deadline_s: float = ELECTION_DEADLINE_S,
               among: Optional[List[SeshatProcess]] = None) -> SeshatProcess:
        """The leader the live nodes (or `among`) agree on (support/leader.py's rule)."""
        candidates = among if among is not None else self.live()
        deadline = time.monotonic() + deadline_s
        views = {}
        while time.monotonic() < deadline:
            views = {n.node_id: info(n.host, n.port, "raft") for n in candidates}
            lid = agreed_leader(views)
            if lid is not None:
                return self.node(lid)
            time.sleep(0.02)
        raise ServerError(f"no agreed leader within {deadline_s}s: {views}\n" +
                          "\n".join(n.log_tail(15) for n in self.nodes))

    def followers(self, leader: SeshatProcess) -> List[SeshatProcess]:
        return [n for n in self.live() if n is not leader]

    def stop(self) -> None:
        """Stops every live node at once (SIGTERM, one deadline); raises ServerError naming
        the nodes that had to be killed."""
        killed = stop_all(self.nodes)
        if killed:
            raise ServerError(f"{', '.join(killed)} did not exit after SIGTERM\n" +
                              "\n".join(n.log_tail(15) for n in self.nodes if n.name in killed))
