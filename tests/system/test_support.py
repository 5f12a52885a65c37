"""The shared test support (tests/support): the leader rule and INFO parsing every suite and the
benchmark rely on."""

from __future__ import annotations

from info import parse_info
from leader import agreed_leader


def view(leader_id: int, role: str = "StateFollower") -> dict:
    return {"raft_leader_id": str(leader_id), "raft_role": role}


def test_the_nodes_agree_on_a_leader_that_says_it_leads():
    assert agreed_leader({1: view(2), 2: view(2, "StateLeader"), 3: view(2)}) == 2


def test_no_agreement_is_no_answer():
    assert agreed_leader({}) is None
    assert agreed_leader({1: view(2), 2: view(2, "StateLeader"), 3: None}) is None  # silent
    assert agreed_leader({1: view(1, "StateLeader"), 2: view(3), 3: view(3)}) is None
    assert agreed_leader({1: view(0), 2: view(0)}) is None  # an election under way
    assert agreed_leader({1: view(3), 2: view(3)}) is None  # not among the nodes asked
    # A deposed leader still named by the others but no longer leading.
    assert agreed_leader({1: view(2), 2: view(2, "StatePreCandidate")}) is None


def test_info_lines_become_fields():
    text = "# Raft\r\nraft_role:StateLeader\r\nraft_term:7\r\n\r\n# Other\r\nx: y \r\n"
    assert parse_info(text) == {"raft_role": "StateLeader", "raft_term": "7", "x": "y"}
