// Membership changes (thesis §4): single-server changes, joint consensus, learners.
#include <gtest/gtest.h>

#include "raft/confchange.h"
#include "support/cluster.h"

namespace seshat::raft::testing {
namespace {

ConfChange change(std::initializer_list<ConfChangeSingle> cs,
                  ConfChangeTransition t = ConfChangeTransition::kAuto) {
  ConfChange cc;
  cc.transition = t;
  cc.changes = cs;
  return cc;
}

TEST(Membership, Thesis4_1_AddVoterOneAtATime) {
  Cluster c({1, 2, 3});
  c.add_fresh_node(4);
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.node(1).raw().propose_conf_change(change({{ConfChangeType::kAddNode, 4}})).ok());
  c.stabilize();
  EXPECT_EQ(c.node(1).conf_state().voters, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_EQ(c.node(4).conf_state().voters, (std::vector<NodeId>{1, 2, 3, 4}));
  ASSERT_TRUE(c.propose(1, "after").ok());
  c.stabilize();
  EXPECT_EQ(c.node(4).applied().back().data, "after");
}

// With lazy_commit_broadcast the commit of a membership change still goes to every follower at
// once: a removed member hears from the leader for the last time then, and must apply its own
// removal.
TEST(Membership, LazyCommitStillTellsARemovedMemberOfItsRemoval) {
  Cluster c({1, 2, 3}, [](Config& cfg) { cfg.lazy_commit_broadcast = true; });
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.node(1).raw().propose_conf_change(change({{ConfChangeType::kRemoveNode, 3}})).ok());
  c.stabilize();
  EXPECT_EQ(c.node(1).conf_state().voters, (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(c.node(3).conf_state().voters, (std::vector<NodeId>{1, 2}));
}

TEST(Membership, Thesis4_1_OnlyOnePendingChange) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(
      c.node(1).raw().propose_conf_change(change({{ConfChangeType::kAddLearnerNode, 4}})).ok());
  ASSERT_TRUE(
      c.node(1).raw().propose_conf_change(change({{ConfChangeType::kAddLearnerNode, 5}})).ok());
  c.stabilize();
  // The second one was turned into an empty normal entry.
  EXPECT_EQ(c.node(1).conf_state().learners, (std::vector<NodeId>{4}));
}

TEST(Membership, Thesis4_3_JointConsensusAutoLeave) {
  Cluster c({1, 2, 3});
  c.add_fresh_node(4);
  c.campaign(1);
  c.stabilize();
  // Replace 3 by 4 in one step: needs the joint configuration.
  ASSERT_TRUE(c.node(1)
                  .raw()
                  .propose_conf_change(
                      change({{ConfChangeType::kAddNode, 4}, {ConfChangeType::kRemoveNode, 3}}))
                  .ok());
  c.stabilize();
  const ConfState& cs = c.node(1).conf_state();
  EXPECT_EQ(cs.voters, (std::vector<NodeId>{1, 2, 4}));
  EXPECT_TRUE(cs.voters_outgoing.empty());  // left automatically
  EXPECT_FALSE(c.raft(1).tracker().config.voters.joint());
}

TEST(Membership, Thesis4_3_JointExplicitLeave) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.node(1)
                  .raw()
                  .propose_conf_change(change({{ConfChangeType::kAddLearnerNode, 3}},
                                              ConfChangeTransition::kJointExplicit))
                  .ok());
  c.stabilize();
  EXPECT_TRUE(c.raft(1).tracker().config.voters.joint());
  EXPECT_EQ(c.node(1).conf_state().learners_next, (std::vector<NodeId>{3}));
  // In the joint state only the leave is accepted.
  ASSERT_TRUE(c.node(1).raw().propose_conf_change(ConfChange{}).ok());
  c.stabilize();
  EXPECT_FALSE(c.raft(1).tracker().config.voters.joint());
  EXPECT_EQ(c.node(1).conf_state().learners, (std::vector<NodeId>{3}));
  EXPECT_EQ(c.node(1).conf_state().voters, (std::vector<NodeId>{1, 2}));
}

TEST(Membership, JointCommitNeedsBothMajorities) {
  JointConfig jc{{1, 2, 3}, {3, 4, 5}};
  std::map<NodeId, Index> match{{1, 10}, {2, 10}, {3, 5}, {4, 5}, {5, 1}};
  auto acked = [&](NodeId id) -> std::optional<Index> { return match.at(id); };
  EXPECT_EQ(jc.committed_index(acked), 5u);
  std::map<NodeId, bool> votes{{1, true}, {2, true}};
  EXPECT_EQ(jc.vote_result(votes), VoteResult::kPending);
  votes[4] = false;
  votes[5] = false;
  EXPECT_EQ(jc.vote_result(votes), VoteResult::kLost);
}

TEST(Membership, Thesis4_2_2_RemovedLeaderStepsDown) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(c.node(1).raw().propose_conf_change(change({{ConfChangeType::kRemoveNode, 1}})).ok());
  c.stabilize();
  EXPECT_EQ(c.raft(1).state(), StateType::kFollower);
  // The others elect a leader among themselves.
  for (int i = 0; i < 30 && c.leader() == kNone; ++i) {
    c.tick(2);
    c.tick(3);
    c.stabilize();
  }
  NodeId l = c.leader();
  EXPECT_TRUE(l == 2 || l == 3);
  EXPECT_EQ(c.node(l).conf_state().voters, (std::vector<NodeId>{2, 3}));
}

TEST(Membership, LearnersReplicateButNeverVoteOrCampaign) {
  Cluster c({1, 2});
  c.add_fresh_node(3);
  c.campaign(1);
  c.stabilize();
  ASSERT_TRUE(
      c.node(1).raw().propose_conf_change(change({{ConfChangeType::kAddLearnerNode, 3}})).ok());
  c.stabilize();
  ASSERT_TRUE(c.propose(1, "to-learner").ok());
  c.stabilize();
  EXPECT_EQ(c.node(3).applied().back().data, "to-learner");
  EXPECT_TRUE(c.raft(3).is_learner());
  for (int i = 0; i < 100; ++i) c.tick(3);
  EXPECT_EQ(c.raft(3).state(), StateType::kFollower);
  // Commit does not wait for the learner.
  c.isolate(3);
  ASSERT_TRUE(c.propose(1, "without-learner").ok());
  c.stabilize();
  EXPECT_EQ(c.node(2).applied().back().data, "without-learner");
}

TEST(Membership, SimpleChangeOfTwoVotersIsRefused) {
  TrackerConfig cfg;
  cfg.voters.incoming = {1, 2, 3};
  ProgressMap prs;
  for (NodeId id : {1, 2, 3}) prs.emplace(id, Progress(1, 4, 0));
  auto r = Changer(cfg, prs, 1, 4, 0)
               .simple({{ConfChangeType::kAddNode, 4}, {ConfChangeType::kAddNode, 5}});
  EXPECT_EQ(r.error(), ErrorCode::kInvalidConfChange);
  auto none = Changer(cfg, prs, 1, 4, 0)
                  .simple({{ConfChangeType::kRemoveNode, 1},
                           {ConfChangeType::kRemoveNode, 2},
                           {ConfChangeType::kRemoveNode, 3}});
  EXPECT_EQ(none.error(), ErrorCode::kInvalidConfChange);
}

TEST(Membership, RestoreRoundTripsJointConfState) {
  ConfState cs;
  cs.voters = {1, 2, 4};
  cs.voters_outgoing = {1, 2, 3};
  cs.learners_next = {3};
  cs.learners = {5};
  cs.auto_leave = true;
  auto r = restore_conf_state(cs, 10, 4, 0);
  ASSERT_TRUE(r.ok());
  ProgressTracker t(4, 0);
  t.config = r->first;
  t.progress = r->second;
  EXPECT_EQ(t.conf_state(), cs);
}

TEST(Membership, ConfChangeEncodingRoundTrips) {
  ConfChange cc = change({{ConfChangeType::kAddNode, 300}, {ConfChangeType::kRemoveNode, 2}},
                         ConfChangeTransition::kJointExplicit);
  cc.context = "ctx";
  auto back = decode_conf_change(encode_conf_change(cc));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, cc);
  EXPECT_EQ(decode_conf_change("\x07").error(), ErrorCode::kCorrupt);
  EXPECT_EQ(decode_conf_change("").error(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace seshat::raft::testing
