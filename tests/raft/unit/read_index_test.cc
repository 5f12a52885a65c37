// ReadIndex (thesis §6.4): linearizable reads without log writes, batched heartbeat rounds.
#include <gtest/gtest.h>

#include "support/cluster.h"
#include "support/raft_helpers.h"

namespace seshat::raft::testing {
namespace {

TEST(ReadIndex, Thesis6_4_LeaderConfirmsWithHeartbeatRound) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.propose(1, "a").ok());
  c.stabilize();
  c.node(1).raw().read_index("ctx1");
  // Nothing before the heartbeat round completes.
  c.process_ready(1);
  EXPECT_TRUE(c.node(1).read_states().empty());
  c.stabilize();
  ASSERT_EQ(c.node(1).read_states().size(), 1u);
  EXPECT_EQ(c.node(1).read_states()[0].request_ctx, "ctx1");
  EXPECT_EQ(c.node(1).read_states()[0].index, 2u);
}

TEST(ReadIndex, FollowerReadGoesThroughLeader) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  c.node(3).raw().read_index("f");
  c.stabilize();
  ASSERT_EQ(c.node(3).read_states().size(), 1u);
  EXPECT_EQ(c.node(3).read_states()[0].index, c.raft(1).log().committed());
}

// A leader whose application vouches for its lease answers a follower's ReadIndex request at
// its commit index without a heartbeat round; one that has not committed in its term yet does
// not know its commit index, and queues the request as usual.
TEST(ReadIndex, LeaseAnswersAFollowersRequestWithoutARound) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_candidate();
  r->become_leader();
  persist(*r, st);
  (void)read_messages(*r);
  Message req = msg(MessageType::kReadIndex, 2, 1);
  req.context = "f1";
  ASSERT_TRUE(r->step_read_index_under_lease(req).ok());
  for (const auto& x : read_messages(*r)) EXPECT_NE(x.type, MessageType::kReadIndexResp);
  EXPECT_EQ(r->pending_read_count(), 0u);
  Message ack = msg(MessageType::kAppResp, 2, 1, 1);
  ack.index = 1;
  ASSERT_TRUE(r->step(ack).ok());
  (void)read_messages(*r);  // the queued request's round, released by the commit
  req.context = "f2";
  ASSERT_TRUE(r->step_read_index_under_lease(req).ok());
  auto out = read_messages(*r);
  // A heartbeat to that follower alone (it learns the commit index), then the answer.
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, MessageType::kHeartbeat);
  EXPECT_EQ(out[0].to, 2u);
  EXPECT_EQ(out[0].commit, r->log().committed());
  EXPECT_EQ(out[1].type, MessageType::kReadIndexResp);
  EXPECT_EQ(out[1].to, 2u);
  EXPECT_EQ(out[1].context, "f2");
  EXPECT_EQ(out[1].index, r->log().committed());
}

// With lazy commit broadcasts a follower can be told a read index it does not know to be
// committed: the entry reached it, but its acknowledgement had not reached the leader when the
// commit was made, so no message carried the commit. It would wait for the next heartbeat;
// instead the leader sends it one as soon as its acknowledgement shows it holds that far.
TEST(ReadIndex, LazyCommitTellsAFollowerItsReadIndexOnceItHoldsIt) {
  for (bool lease : {true, false}) {
    SCOPED_TRACE(lease ? "lease" : "round");
    MemoryStorage st;
    auto r =
        new_raft(1, {1, 2, 3}, st, 10, 1, [](Config& cfg) { cfg.lazy_commit_broadcast = true; });
    r->become_candidate();
    r->become_leader();
    persist(*r, st);
    for (NodeId id : {2, 3}) {
      Message ack = msg(MessageType::kAppResp, id, 1, 1);
      ack.index = 1;
      ASSERT_TRUE(r->step(ack).ok());
    }
    Message prop = msg(MessageType::kProp, 1, 1);
    prop.entries.push_back(Entry{.data = "x"});
    ASSERT_TRUE(r->step(prop).ok());
    persist(*r, st);
    Message ack3 = msg(MessageType::kAppResp, 3, 1, 1);
    ack3.index = 2;
    ASSERT_TRUE(r->step(ack3).ok());
    ASSERT_EQ(r->log().committed(), 2u);
    (void)read_messages(*r);
    Message req = msg(MessageType::kReadIndex, 2, 1);
    req.context = "f";
    if (lease) {
      ASSERT_TRUE(r->step_read_index_under_lease(req).ok());
    } else {
      ASSERT_TRUE(r->step(req).ok());
      Message hb = msg(MessageType::kHeartbeatResp, 3, 1, 1);
      hb.context = "f";
      ASSERT_TRUE(r->step(hb).ok());
    }
    bool answered = false;
    for (const auto& m : read_messages(*r)) {
      if (m.type == MessageType::kReadIndexResp) {
        answered = true;
        EXPECT_EQ(m.index, 2u);
      }
      // Follower 2 holds only index 1 as far as the leader knows: no commit beyond it yet.
      if (m.to == 2) {
        EXPECT_LE(m.commit, 1u);
      }
    }
    ASSERT_TRUE(answered);
    Message ack2 = msg(MessageType::kAppResp, 2, 1, 1);
    ack2.index = 2;
    ASSERT_TRUE(r->step(ack2).ok());
    auto out = read_messages(*r);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, MessageType::kHeartbeat);
    EXPECT_EQ(out[0].to, 2u);
    EXPECT_EQ(out[0].commit, 2u);
    // Told once: a later acknowledgement sends nothing more.
    ASSERT_TRUE(r->step(ack2).ok());
    EXPECT_TRUE(read_messages(*r).empty());
  }
}

TEST(ReadIndex, ManyReadsShareOneHeartbeatRound) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  size_t heartbeats = 0;
  c.on_send = [&](const Message& m) { heartbeats += m.type == MessageType::kHeartbeat; };
  for (int i = 0; i < 3; ++i) c.node(1).raw().read_index("r" + std::to_string(i));
  // The queued heartbeats of the three requests all carry contexts; acknowledging the last one
  // answers all. Deliver only the heartbeat round of the last read.
  c.stabilize();
  EXPECT_EQ(c.node(1).read_states().size(), 3u);
  EXPECT_EQ(heartbeats, 6u);
}

TEST(ReadIndex, PartitionedLeaderCannotServe) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  c.isolate(1);
  c.node(1).raw().read_index("stale");
  c.stabilize();
  EXPECT_TRUE(c.node(1).read_states().empty());
  EXPECT_EQ(c.raft(1).pending_read_count(), 1u);
}

TEST(ReadIndex, NewLeaderWaitsForItsFirstCommit) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2, 3}, st);
  r->become_candidate();
  r->become_leader();
  Message m = msg(MessageType::kReadIndex, kNone, 1);
  m.context = "early";
  ASSERT_TRUE(r->step(m).ok());
  // Not even a heartbeat: the commit index is not known yet.
  auto msgs = read_messages(*r);
  for (const auto& x : msgs) EXPECT_NE(x.type, MessageType::kHeartbeat);
  persist(*r, st);
  Message ack = msg(MessageType::kAppResp, 2, 1, 1);
  ack.index = 1;
  ASSERT_TRUE(r->step(ack).ok());
  // Committed its empty entry: the read now goes out with a heartbeat round.
  bool heartbeat_with_ctx = false;
  for (const auto& x : read_messages(*r)) {
    heartbeat_with_ctx |= x.type == MessageType::kHeartbeat && x.context == "early";
  }
  EXPECT_TRUE(heartbeat_with_ctx);
}

TEST(ReadIndex, LeaseBasedAnswersAtOnce) {
  Cluster c({1, 2, 3}, [](Config& cfg) {
    cfg.check_quorum = true;
    cfg.read_only_option = ReadOnlyOption::kLeaseBased;
  });
  c.campaign(1);
  c.stabilize();
  c.node(1).raw().read_index("lease");
  c.process_ready(1);
  ASSERT_EQ(c.node(1).read_states().size(), 1u);
}

TEST(ReadIndex, LeaseWithoutCheckQuorumIsRefused) {
  MemoryStorage st;
  Config cfg;
  cfg.id = 1;
  cfg.storage = &st;
  cfg.read_only_option = ReadOnlyOption::kLeaseBased;
  EXPECT_EQ(cfg.validate().code(), ErrorCode::kInvalidConfig);
}

TEST(ReadIndex, PlantedBugAnswersWithoutQuorum) {
  Cluster c({1, 2, 3}, [](Config& cfg) { cfg.planted_bugs.read_index_without_quorum = true; });
  c.campaign(1);
  c.stabilize();
  c.isolate(1);
  c.node(1).raw().read_index("stale");
  c.process_ready(1);
  EXPECT_EQ(c.node(1).read_states().size(), 1u);
}

}  // namespace
}  // namespace seshat::raft::testing
