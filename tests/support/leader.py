"""Who leads a Seshat cluster: one rule for the system tests, the chaos tests and the benchmark."""

from __future__ import annotations

from typing import Mapping, Optional


def agreed_leader(views: Mapping[int, Optional[Mapping[str, str]]]) -> Optional[int]:
    """The leader's node id when the nodes asked agree on it, else None.

    `views` maps each node asked to its INFO raft fields (support/info.py), or None when it did
    not answer. They agree when every one answered, all name the same non-zero
    raft_leader_id, that node is one of them, and its own view says raft_role:StateLeader.
    Anything less (an election under way, a node that did not answer, a deposed leader that
    has not heard yet) is not an answer; callers poll until it is."""
    if not views or any(v is None for v in views.values()):
        return None
    ids = {str(v.get("raft_leader_id", "0")) for v in views.values()}
    if len(ids) != 1:
        return None
    try:
        leader = int(ids.pop())
    except ValueError:
        return None
    if leader == 0 or leader not in views:
        return None
    return leader if views[leader].get("raft_role") == "StateLeader" else None
