// Tests named after the section of the Raft paper (Ongaro & Ousterhout, 2014) or thesis whose
// rule they check. Each drives one state machine by hand with messages.
#include <gtest/gtest.h>

#include "support/cluster.h"
#include "support/raft_helpers.h"

namespace seshat::raft::testing {
namespace {

// Elects node 1 of {1,2,3} and persists its empty entry, leaving queues empty.
std::unique_ptr<Raft> elected_leader(MemoryStorage& st) {
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_candidate();
  r->become_leader();
  persist(*r, st);
  read_messages(*r);
  return r;
}

// §5.1: a server that sees a higher term adopts it and becomes a follower.
TEST(RaftPaper, Section5_1_UpdateTermFromMessage) {
  for (StateType s : {StateType::kFollower, StateType::kCandidate, StateType::kLeader}) {
    MemoryStorage st;
    auto r = new_raft(1, {1, 2, 3}, st);
    if (s == StateType::kCandidate) r->become_candidate();
    if (s == StateType::kLeader) {
      r->become_candidate();
      r->become_leader();
    }
    ASSERT_TRUE(r->step(msg(MessageType::kApp, 2, 1, 2)).ok());
    EXPECT_EQ(r->term(), 2u);
    EXPECT_EQ(r->state(), StateType::kFollower);
    EXPECT_EQ(r->lead(), 2u);
  }
}

// §5.1: a request with a stale term is rejected (ignored).
TEST(RaftPaper, Section5_1_RejectStaleTermMessage) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_follower(2, kNone);
  Message m = msg(MessageType::kApp, 2, 1, 1);
  m.entries = entries_of({{1, 1}});
  ASSERT_TRUE(r->step(m).ok());
  EXPECT_EQ(r->log().last_index(), 0u);
  EXPECT_TRUE(read_messages(*r).empty());
}

// §5.2: servers start as followers.
TEST(RaftPaper, Section5_2_StartAsFollower) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  EXPECT_EQ(r->state(), StateType::kFollower);
  EXPECT_EQ(r->term(), 0u);
}

// §5.2: a leader sends heartbeats to every follower each heartbeat interval.
TEST(RaftPaper, Section5_2_LeaderBcastBeat) {
  MemoryStorage st;
  auto r = elected_leader(st);
  r->tick();
  auto msgs = read_messages(*r);
  ASSERT_EQ(msgs.size(), 2u);
  for (const auto& m : msgs) {
    EXPECT_EQ(m.type, MessageType::kHeartbeat);
    EXPECT_EQ(m.term, 1u);
  }
}

// §5.2: a follower that hears nothing for an election timeout becomes a candidate, votes for
// itself and asks every other server for its vote.
TEST(RaftPaper, Section5_2_FollowerStartElection) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  for (int i = 0; i < 2 * 10; ++i) r->tick();
  EXPECT_EQ(r->state(), StateType::kCandidate);
  EXPECT_EQ(r->term(), 1u);
  EXPECT_EQ(r->vote(), 1u);
  auto msgs = read_messages(*r);
  ASSERT_EQ(msgs.size(), 2u);
  for (const auto& m : msgs) EXPECT_EQ(m.type, MessageType::kVote);
}

// §5.2: a candidate wins with votes from a majority, loses on a majority of rejections, and
// otherwise stays a candidate.
TEST(RaftPaper, Section5_2_LeaderElectionInOneRound) {
  struct Case {
    size_t size;
    std::map<NodeId, bool> votes;
    StateType want;
  };
  std::vector<Case> cases = {
      {1, {}, StateType::kLeader},
      {3, {{2, true}, {3, true}}, StateType::kLeader},
      {3, {{2, true}}, StateType::kLeader},
      {5, {{2, true}, {3, true}}, StateType::kLeader},
      {3, {}, StateType::kCandidate},
      {5, {{2, true}}, StateType::kCandidate},
      {5, {{2, false}, {3, false}}, StateType::kCandidate},
      {3, {{2, false}, {3, false}}, StateType::kFollower},
      {5, {{2, false}, {3, false}, {4, false}}, StateType::kFollower},
  };
  for (const auto& c : cases) {
    std::vector<NodeId> peers;
    for (NodeId i = 1; i <= c.size; ++i) peers.push_back(i);
    MemoryStorage st;
    auto r = new_raft(1, peers, st);
    ASSERT_TRUE(r->step(msg(MessageType::kHup, 1, 1)).ok());
    for (auto [id, granted] : c.votes) {
      Message m = msg(MessageType::kVoteResp, id, 1, r->term());
      m.reject = !granted;
      ASSERT_TRUE(r->step(m).ok());
    }
    EXPECT_EQ(r->state(), c.want) << "size " << c.size;
  }
}

// §5.2: each server votes for at most one candidate per term, first come first served.
TEST(RaftPaper, Section5_2_FollowerVote) {
  struct Case {
    NodeId vote;
    NodeId candidate;
    bool reject;
  };
  for (Case c : {Case{kNone, 2, false}, Case{2, 2, false}, Case{3, 2, true}}) {
    MemoryStorage st;
    auto r = new_raft(1, {1, 2, 3}, st);
    st.set_hard_state({1, c.vote, 0});
    r = new_raft(1, {1, 2, 3}, st);
    ASSERT_TRUE(r->step(msg(MessageType::kVote, c.candidate, 1, 1)).ok());
    auto msgs = read_messages(*r);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].type, MessageType::kVoteResp);
    EXPECT_EQ(msgs[0].reject, c.reject) << "vote " << c.vote << " candidate " << c.candidate;
    // The vote must be durable before the response leaves: it waits for persistence.
    EXPECT_TRUE(r->take_messages().empty());
  }
}

// §5.2: a candidate that hears from a leader of its own term or newer steps back.
TEST(RaftPaper, Section5_2_CandidateFallback) {
  for (Term t : {1, 2}) {
    MemoryStorage st;
    auto r = new_raft(1, {1, 2, 3}, st);
    ASSERT_TRUE(r->step(msg(MessageType::kHup, 1, 1)).ok());
    ASSERT_EQ(r->state(), StateType::kCandidate);
    ASSERT_TRUE(r->step(msg(MessageType::kApp, 2, 1, t)).ok());
    EXPECT_EQ(r->state(), StateType::kFollower);
    EXPECT_EQ(r->term(), t);
  }
}

// §5.2: election timeouts are randomised in [et, 2*et).
TEST(RaftPaper, Section5_2_ElectionTimeoutRandomized) {
  std::set<int> seen;
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  for (Term t = 1; t < 200; ++t) {
    r->become_follower(t, kNone);
    int timeout = r->randomized_election_timeout();
    EXPECT_GE(timeout, 10);
    EXPECT_LT(timeout, 20);
    seen.insert(timeout);
  }
  EXPECT_GT(seen.size(), 5u);  // actually random, not a constant
}

// §5.3: a leader appends a proposal to its log and sends it to every follower.
TEST(RaftPaper, Section5_3_LeaderStartReplication) {
  MemoryStorage st;
  auto r = elected_leader(st);
  // Followers acknowledge the empty entry so they are in replicate state.
  for (NodeId id : {2, 3}) {
    Message ack = msg(MessageType::kAppResp, id, 1, 1);
    ack.index = 1;
    ASSERT_TRUE(r->step(ack).ok());
  }
  read_messages(*r);
  Message prop = msg(MessageType::kProp, 1, 1);
  prop.entries.push_back(Entry{.data = "some data"});
  ASSERT_TRUE(r->step(prop).ok());
  EXPECT_EQ(r->log().last_index(), 2u);
  auto msgs = r->take_messages();  // leader traffic may leave before its own write
  ASSERT_EQ(msgs.size(), 2u);
  for (const auto& m : msgs) {
    EXPECT_EQ(m.type, MessageType::kApp);
    EXPECT_EQ(m.index, 1u);
    EXPECT_EQ(m.log_term, 1u);
    ASSERT_EQ(m.entries.size(), 1u);
    EXPECT_EQ(m.entries[0].data, "some data");
  }
}

// §5.3: an entry is committed once a majority stores it (leader included, durably).
TEST(RaftPaper, Section5_3_LeaderCommitEntry) {
  MemoryStorage st;
  auto r = elected_leader(st);
  Message prop = msg(MessageType::kProp, 1, 1);
  prop.entries.push_back(Entry{.data = "x"});
  ASSERT_TRUE(r->step(prop).ok());
  Message ack = msg(MessageType::kAppResp, 2, 1, 1);
  ack.index = 2;
  ASSERT_TRUE(r->step(ack).ok());
  // One follower acked, but the leader's own copy of entry 2 is not durable yet: only the
  // empty entry of the term (durable on the leader) is committed.
  EXPECT_EQ(r->log().committed(), 1u);
  persist(*r, st);
  EXPECT_EQ(r->log().committed(), 2u);
}

// §5.3: a follower learns commitment from the leader's commit index and never commits beyond
// what it holds.
TEST(RaftPaper, Section5_3_FollowerCommitEntry) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_follower(1, 2);
  Message m = msg(MessageType::kApp, 2, 1, 1);
  m.entries = entries_of({{1, 1}, {1, 2}});
  m.commit = 5;
  ASSERT_TRUE(r->step(m).ok());
  EXPECT_EQ(r->log().committed(), 2u);  // min(leader commit, last new entry)
}

// §5.3: a follower refuses entries whose predecessor does not match, with a hint.
TEST(RaftPaper, Section5_3_FollowerCheckMsgApp) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {2, 2}})).ok());
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_follower(2, 2);
  struct Case {
    Term log_term;
    Index index;
    bool reject;
  };
  for (Case c : {Case{0, 0, false}, Case{1, 1, false}, Case{2, 2, false}, Case{1, 2, true},
                 Case{3, 3, true}}) {
    Message m = msg(MessageType::kApp, 2, 1, 2);
    m.log_term = c.log_term;
    m.index = c.index;
    ASSERT_TRUE(r->step(m).ok());
    auto msgs = read_messages(*r);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].reject, c.reject) << c.log_term << "/" << c.index;
    if (c.reject) {
      EXPECT_LE(msgs[0].reject_hint, 2u);
    }
  }
}

// §5.3: a follower deletes a conflicting suffix and appends the leader's entries.
TEST(RaftPaper, Section5_3_FollowerAppendEntries) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {2, 2}})).ok());
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_follower(3, 2);
  Message m = msg(MessageType::kApp, 2, 1, 3);
  m.log_term = 1;
  m.index = 1;
  m.entries = entries_of({{3, 2}, {3, 3}});
  ASSERT_TRUE(r->step(m).ok());
  auto all = r->log().all_entries();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].term, 3u);
  EXPECT_EQ(all[2].term, 3u);
}

// §5.3 with the fast back-off of the thesis (§5.3 optimisation): a leader brings followers with
// very different logs in line with its own, in few round trips.
TEST(RaftPaper, Section5_3_LeaderSyncFollowerLog) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_EQ(c.leader(), 1u);
  // Follower 3 misses many entries, then node 2 leads a term in which 3 gets a divergent tail.
  c.isolate(3);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.propose(1, "a" + std::to_string(i)).ok());
  c.stabilize();
  c.heal();
  size_t rejections = 0;
  c.on_send = [&](const Message& m) { rejections += m.type == MessageType::kAppResp && m.reject; };
  c.tick(1);  // the next heartbeat shows the leader that 3 lags
  c.stabilize();
  EXPECT_GE(c.raft(3).log().last_index(), 21u);
  EXPECT_EQ(c.raft(3).log().last_index(), c.raft(1).log().last_index());
  EXPECT_LE(rejections, 1u);
  EXPECT_EQ(c.node(3).applied_index(), c.node(1).applied_index());
}

// §5.4.1: votes go only to candidates whose log is at least as up to date.
TEST(RaftPaper, Section5_4_1_Voter) {
  struct Case {
    Term log_term;
    Index index;
    bool reject;
  };
  // The voter holds 1/1, 1/2 (last term 1, last index 2).
  for (Case c : {Case{1, 2, false}, Case{1, 3, false}, Case{1, 1, true}, Case{2, 1, false},
                 Case{0, 5, true}}) {
    MemoryStorage st;
    ASSERT_TRUE(st.append(entries_of({{1, 1}, {1, 2}})).ok());
    auto r = new_raft(1, {1, 2}, st);
    Message m = msg(MessageType::kVote, 2, 1, 3);
    m.log_term = c.log_term;
    m.index = c.index;
    ASSERT_TRUE(r->step(m).ok());
    auto msgs = read_messages(*r);
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0].reject, c.reject) << c.log_term << "/" << c.index;
  }
}

// §5.4.2: a leader never commits an entry of an earlier term by counting replicas; it commits it
// only indirectly, by committing an entry of its own term (Figure 8).
TEST(RaftPaper, Section5_4_2_LeaderOnlyCommitsLogFromCurrentTerm) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {2, 2}})).ok());
  st.set_hard_state({2, kNone, 0});
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_candidate();  // term 3
  r->become_leader();     // empty entry 3/3
  persist(*r, st);
  read_messages(*r);
  // Follower 2 acknowledges index 2 (term 2) only: a majority holds it, yet it must not commit.
  Message ack = msg(MessageType::kAppResp, 2, 1, 3);
  ack.index = 2;
  ASSERT_TRUE(r->step(ack).ok());
  EXPECT_EQ(r->log().committed(), 0u);
  // Once the current term's entry reaches a majority, everything before it commits.
  ack.index = 3;
  ASSERT_TRUE(r->step(ack).ok());
  EXPECT_EQ(r->log().committed(), 3u);
}

// The same, with the planted bug on: the check that the simulator must be able to catch.
TEST(RaftPaper, Section5_4_2_PlantedBugCommitsOldTerm) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {2, 2}})).ok());
  st.set_hard_state({2, kNone, 0});
  auto r = new_raft(1, {1, 2, 3}, st, 10, 1,
                    [](Config& c) { c.planted_bugs.commit_old_term_by_counting = true; });
  r->become_candidate();
  r->become_leader();
  persist(*r, st);
  Message ack = msg(MessageType::kAppResp, 2, 1, 3);
  ack.index = 2;
  ASSERT_TRUE(r->step(ack).ok());
  EXPECT_EQ(r->log().committed(), 2u);
}

// §5.2 and §5.4: after a restart a node remembers its term and vote and will not vote twice.
TEST(RaftPaper, Section5_2_VoteSurvivesRestart) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  ASSERT_TRUE(r->step(msg(MessageType::kVote, 2, 1, 1)).ok());
  persist(*r, st);
  auto restarted = new_raft(1, {1, 2, 3}, st);
  EXPECT_EQ(restarted->vote(), 2u);
  ASSERT_TRUE(restarted->step(msg(MessageType::kVote, 3, 1, 1)).ok());
  auto msgs = read_messages(*restarted);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].reject);
}

// §8: a new leader commits an empty entry of its term at the start of its term.
TEST(RaftPaper, Section8_LeaderAppendsEmptyEntryOnElection) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  auto ents = c.raft(1).log().all_entries();
  ASSERT_EQ(ents.size(), 1u);
  EXPECT_EQ(ents[0].term, 1u);
  EXPECT_TRUE(ents[0].data.empty());
  EXPECT_EQ(c.raft(1).log().committed(), 1u);
  EXPECT_EQ(c.raft(2).log().committed(), 1u);
}

}  // namespace
}  // namespace seshat::raft::testing
