// Flow control, the persistence contract of Ready, and the core data structures.
#include <gtest/gtest.h>

#include "raft/quorum.h"
#include "raft/raw_node.h"
#include "support/cluster.h"
#include "support/raft_helpers.h"

namespace seshat::raft::testing {
namespace {

TEST(Persistence, FollowerAcksOnlyAfterPersist) {
  MemoryStorage st;
  ConfState cs;
  cs.voters = {1, 2};
  st.bootstrap(cs);
  Config c;
  c.id = 2;
  c.storage = &st;
  auto node = RawNode::create(c);
  ASSERT_TRUE(node.ok());
  Message m = msg(MessageType::kApp, 1, 2, 1);
  m.entries = entries_of({{1, 1}});
  ASSERT_TRUE((*node)->step(m).ok());
  Ready rd = (*node)->ready();
  EXPECT_TRUE(rd.messages.empty());
  ASSERT_EQ(rd.messages_after_persist.size(), 1u);
  EXPECT_EQ(rd.messages_after_persist[0].type, MessageType::kAppResp);
  EXPECT_EQ(rd.entries.size(), 1u);
  EXPECT_TRUE(rd.must_sync);
}

TEST(Persistence, LeaderSendsBeforeItsWriteButCountsItselfAfter) {
  MemoryStorage st;
  ConfState cs;
  cs.voters = {1, 2, 3};
  st.bootstrap(cs);
  st.set_hard_state({1, 1, 0});
  Config c;
  c.id = 1;
  c.storage = &st;
  auto created = RawNode::create(c);
  ASSERT_TRUE(created.ok());
  RawNode& n = **created;
  Raft& r = n.mutable_raft();
  r.become_candidate();  // term 2, vote 1: not durable yet
  r.become_leader();
  ASSERT_TRUE(n.propose("x").ok());
  Ready rd = n.ready();
  // The new term is not durable: even leader traffic waits.
  EXPECT_TRUE(rd.messages.empty());
  EXPECT_FALSE(rd.messages_after_persist.empty());
  ASSERT_TRUE(st.append(rd.entries).ok());
  st.set_hard_state(*rd.hard_state);
  n.advance(rd);
  // Both followers acknowledge what they got, which moves them to replicate state.
  for (NodeId id : {2, 3}) {
    Message got = msg(MessageType::kAppResp, id, 1, 2);
    got.index = 2;
    ASSERT_TRUE(n.step(got).ok());
  }
  EXPECT_EQ(n.raft().log().committed(), 2u);
  (void)n.ready();
  ASSERT_TRUE(n.propose("y").ok());
  rd = n.ready();
  // Now the term is durable: the MsgApps for "y" may leave while "y" is written.
  ASSERT_EQ(rd.messages.size(), 2u);
  EXPECT_EQ(rd.messages[0].type, MessageType::kApp);
  // A follower's ack alone does not commit "y": the leader's own copy is not durable.
  Message ack = msg(MessageType::kAppResp, 2, 1, 2);
  ack.index = 3;
  ASSERT_TRUE(n.step(ack).ok());
  EXPECT_EQ(n.raft().log().committed(), 2u);
  ASSERT_TRUE(st.append(rd.entries).ok());
  n.advance(rd);
  EXPECT_EQ(n.raft().log().committed(), 3u);
}

TEST(Persistence, SingleNodeCommitsAfterAdvance) {
  Cluster c({1});
  c.campaign(1);
  c.stabilize();
  ASSERT_EQ(c.leader(), 1u);
  ASSERT_TRUE(c.propose(1, "solo").ok());
  c.stabilize();
  EXPECT_EQ(c.node(1).applied().back().data, "solo");
}

TEST(Persistence, CrashBeforePersistLosesNothingAcknowledged) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.propose(1, "a").ok());
  c.node(2).raw().tick();  // unrelated
  c.process_ready(1);
  c.deliver();
  // Follower 2 crashes before persisting: its ack must not have been sent.
  Outbox out = c.node(2).handle_ready(/*crash_before_persist=*/true);
  EXPECT_TRUE(out.after.empty());
  for (const auto& m : out.early) EXPECT_NE(m.type, MessageType::kAppResp);
  c.node(2).restart();
  c.stabilize();
  EXPECT_EQ(c.node(1).applied().back().data, "a");
  EXPECT_EQ(c.node(2).applied().back().data, "a");
}

// With lazy_commit_broadcast the leader does not send an empty append just to tell followers
// the new commit index: they learn it from the next heartbeat (or append).
TEST(LazyCommit, FollowersLearnTheCommitIndexFromTheNextHeartbeat) {
  for (bool lazy : {false, true}) {
    SCOPED_TRACE(lazy ? "lazy" : "eager");
    Cluster c({1, 2, 3}, [lazy](Config& cfg) { cfg.lazy_commit_broadcast = lazy; });
    c.campaign(1);
    c.stabilize();
    ASSERT_EQ(c.leader(), 1u);
    size_t appends = 0;
    c.on_send = [&](const Message& m) { appends += m.type == MessageType::kApp ? 1 : 0; };
    ASSERT_TRUE(c.propose(1, "x").ok());
    c.stabilize();
    const Index committed = c.raft(1).log().committed();
    ASSERT_EQ(c.raft(1).log().last_index(), committed);
    // One append per follower carries the entry; the eager leader sends one more each with the
    // commit index.
    EXPECT_EQ(appends, lazy ? 2u : 4u);
    for (NodeId f : {2, 3}) {
      EXPECT_EQ(c.raft(f).log().committed(), lazy ? committed - 1 : committed);
    }
    c.tick(1, c.raft(1).config().heartbeat_tick);
    c.stabilize();
    for (NodeId f : {2, 3}) EXPECT_EQ(c.raft(f).log().committed(), committed);
  }
}

TEST(FlowControl, InflightWindowBoundsMessagesInReplicate) {
  Cluster c({1, 2}, [](Config& cfg) { cfg.max_inflight_msgs = 2; });
  c.campaign(1);
  c.stabilize();
  size_t apps = 0;
  c.on_send = [&](const Message& m) { apps += m.type == MessageType::kApp; };
  c.isolate(2);  // messages are dropped, so acks never come back
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(c.propose(1, "p").ok());
    c.process_ready(1);
  }
  EXPECT_EQ(apps, 2u);
  EXPECT_TRUE(c.raft(1).tracker().progress.at(2).is_paused());
}

TEST(FlowControl, InflightsBytes) {
  Inflights in(10, 100);
  in.add(1, 60);
  EXPECT_FALSE(in.full());
  in.add(2, 60);
  EXPECT_TRUE(in.full());
  in.free_le(1);
  EXPECT_FALSE(in.full());
  EXPECT_EQ(in.bytes(), 60u);
  in.free_first_one();
  EXPECT_EQ(in.count(), 0u);
}

TEST(FlowControl, ProbeSendsOneMessageAtATime) {
  Progress pr(5, 4, 0);
  EXPECT_FALSE(pr.is_paused());
  pr.sent_entries(3, 7, 30);
  EXPECT_TRUE(pr.is_paused());
  EXPECT_TRUE(pr.maybe_update(7));
  pr.become_replicate();
  EXPECT_EQ(pr.next, 8u);
  EXPECT_FALSE(pr.is_paused());
}

TEST(FlowControl, RejectionBacksOffWithHint) {
  Progress pr(10, 4, 0);
  pr.match = 2;
  // Stale rejection (not of the latest probe) is ignored.
  EXPECT_FALSE(pr.maybe_decrease_to(5, 3));
  EXPECT_TRUE(pr.maybe_decrease_to(9, 4));
  EXPECT_EQ(pr.next, 5u);
  // Never below match+1.
  pr.next = 5;
  EXPECT_TRUE(pr.maybe_decrease_to(4, 0));
  EXPECT_EQ(pr.next, 3u);
}

TEST(FlowControl, FastBackoffFindsConflictByTerm) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {1, 2}, {4, 3}, {4, 4}, {5, 5}})).ok());
  RaftLog log(&st, kNoLimit);
  EXPECT_EQ(log.find_conflict_by_term(5, 3), (std::pair<Index, Term>{2, 1}));
  EXPECT_EQ(log.find_conflict_by_term(5, 4), (std::pair<Index, Term>{4, 4}));
  EXPECT_EQ(log.find_conflict_by_term(5, 9), (std::pair<Index, Term>{5, 5}));
  EXPECT_EQ(log.find_conflict_by_term(5, 0), (std::pair<Index, Term>{0, 0}));
}

TEST(FlowControl, MaxSizePerMessageBatches) {
  Cluster c({1, 2}, [](Config& cfg) { cfg.max_size_per_msg = 1; });
  c.campaign(1);
  c.stabilize();
  size_t max_entries = 0;
  c.on_send = [&](const Message& m) { max_entries = std::max(max_entries, m.entries.size()); };
  c.isolate(2);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.propose(1, "x").ok());
  c.stabilize();
  c.heal();
  c.tick(1);
  c.stabilize();
  EXPECT_EQ(max_entries, 1u);
  EXPECT_EQ(c.node(2).applied_index(), c.node(1).applied_index());
}

TEST(FlowControl, UncommittedSizeLimitDropsProposals) {
  Cluster c({1, 2}, [](Config& cfg) { cfg.max_uncommitted_entries_size = 10; });
  c.campaign(1);
  c.stabilize();
  c.isolate(2);
  EXPECT_TRUE(c.propose(1, "0123456789").ok());
  EXPECT_EQ(c.propose(1, "more").code(), ErrorCode::kProposalDropped);
}

TEST(Quorum, MajorityCommittedIndex) {
  std::map<NodeId, Index> m{{1, 5}, {2, 3}, {3, 9}};
  auto acked = [&](NodeId id) -> std::optional<Index> {
    auto it = m.find(id);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(committed_index({1, 2, 3}, acked), 5u);
  EXPECT_EQ(committed_index({1, 2, 3, 4}, acked), 3u);
  EXPECT_EQ(committed_index({}, acked), kNoLimit);
}

TEST(Quorum, VoteResult) {
  EXPECT_EQ(vote_result({1, 2, 3}, {{1, true}}), VoteResult::kPending);
  EXPECT_EQ(vote_result({1, 2, 3}, {{1, true}, {2, true}}), VoteResult::kWon);
  EXPECT_EQ(vote_result({1, 2, 3}, {{1, false}, {2, false}}), VoteResult::kLost);
  EXPECT_EQ(vote_result({}, {}), VoteResult::kWon);
}

TEST(Log, UnstableAndStableTogether) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {1, 2}})).ok());
  RaftLog log(&st, kNoLimit);
  log.append(entries_of({{2, 3}, {2, 4}}));
  EXPECT_EQ(log.last_index(), 4u);
  EXPECT_EQ(log.last_stable_index(), 2u);
  EXPECT_EQ(log.slice(1, 5, kNoLimit)->size(), 4u);
  // Truncating into the stored part: the stored suffix no longer counts as stable.
  log.append(entries_of({{3, 2}}));
  EXPECT_EQ(log.last_index(), 2u);
  EXPECT_EQ(log.last_stable_index(), 1u);
  log.stable_to(2, 2);  // obsolete report: ignored
  EXPECT_EQ(log.unstable_entries().size(), 1u);
  log.stable_to(2, 3);
  EXPECT_TRUE(log.unstable_entries().empty());
}

TEST(Log, MaybeAppendCommitsOnlyWhatItHolds) {
  MemoryStorage st;
  RaftLog log(&st, kNoLimit);
  auto last = log.maybe_append(0, 0, 10, entries_of({{1, 1}, {1, 2}}));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, 2u);
  EXPECT_EQ(log.committed(), 2u);
  EXPECT_FALSE(log.maybe_append(2, 5, 10, {}).has_value());
}

TEST(Log, UpToDate) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {2, 2}, {2, 3}})).ok());
  RaftLog log(&st, kNoLimit);
  EXPECT_TRUE(log.is_up_to_date(3, 2));
  EXPECT_TRUE(log.is_up_to_date(1, 3));
  EXPECT_FALSE(log.is_up_to_date(2, 2));
  EXPECT_FALSE(log.is_up_to_date(10, 1));
}

TEST(RawNode, RejectsLocalMessagesFromTheNetwork) {
  Cluster c({1, 2});
  EXPECT_EQ(c.node(1).raw().step(msg(MessageType::kHup, 2, 1)).code(), ErrorCode::kStepLocalMsg);
  EXPECT_EQ(c.node(1).raw().step(msg(MessageType::kAppResp, 9, 1, 1)).code(),
            ErrorCode::kStepPeerNotFound);
}

TEST(RawNode, StatusReportsProgressOnLeader) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  NodeStatus s = c.node(1).raw().status();
  EXPECT_EQ(s.soft_state.state, StateType::kLeader);
  EXPECT_EQ(s.progress.size(), 3u);
  EXPECT_EQ(s.progress.at(2).match, 1u);
  EXPECT_TRUE(c.node(2).raw().status().progress.empty());
}

TEST(RawNode, FollowerForwardsProposals) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.propose(3, "via-follower").ok());
  c.stabilize();
  EXPECT_EQ(c.node(1).applied().back().data, "via-follower");
  Cluster d({1, 2}, [](Config& cfg) { cfg.disable_proposal_forwarding = true; });
  d.campaign(1);
  d.stabilize();
  EXPECT_EQ(d.propose(2, "x").code(), ErrorCode::kProposalDropped);
}

}  // namespace
}  // namespace seshat::raft::testing
