// Membership changes below the process level: the context Seshat's conf changes carry, how an
// applied change updates the member book, the leader's decision on a join request, when a
// learner is promoted, whom a leaving leader hands over to, and what a joining node records.
#include "replication/membership.h"

#include <gtest/gtest.h>

#include "raft/progress.h"
#include "replication/cluster_join.h"

namespace seshat::replication {
namespace {

using storage::MemberAddress;
using storage::MemberBook;

MemberBook three() {
  return {{1, {1, "10.0.0.1:7379", "10.0.0.1:6379"}},
          {2, {2, "10.0.0.2:7379", "10.0.0.2:6379"}},
          {3, {3, "10.0.0.3:7379", "10.0.0.3:6379"}}};
}

raft::ConfState voters(std::vector<raft::NodeId> v, std::vector<raft::NodeId> l = {}) {
  raft::ConfState cs;
  cs.voters = std::move(v);
  cs.learners = std::move(l);
  return cs;
}

transport::JoinRequest request(raft::NodeId id, std::string internal) {
  transport::JoinRequest r;
  r.node_id = id;
  r.internal_addr = std::move(internal);
  r.client_addr = "10.0.0.9:6379";
  return r;
}

TEST(ChangeContext, RoundTripsWithAndWithoutAMember) {
  ChangeContext with{42, MemberAddress{4, "10.0.0.4:7379", "10.0.0.4:6379"}};
  EXPECT_EQ(decode_change_context(encode_change_context(with)), with);
  ChangeContext without{7, std::nullopt};
  EXPECT_EQ(decode_change_context(encode_change_context(without)), without);
  // Contexts Seshat did not write are not misread.
  EXPECT_FALSE(decode_change_context("").has_value());
  EXPECT_FALSE(decode_change_context("some other context").has_value());
  std::string bytes = encode_change_context(with);
  EXPECT_FALSE(decode_change_context(bytes.substr(0, bytes.size() - 2)).has_value());
  EXPECT_FALSE(decode_change_context(bytes + "!").has_value());
}

TEST(MemberBookUpdate, AnAddedMemberIsRecordedAndARemovedOneDropped) {
  MemberBook book = three();
  ChangeContext add{1, MemberAddress{4, "10.0.0.4:7379", "10.0.0.4:6379"}};
  update_member_book(book, add, voters({1, 2, 3}, {4}));
  ASSERT_EQ(book.size(), 4u);
  EXPECT_EQ(book[4].internal_addr, "10.0.0.4:7379");

  // A promotion that carries no client address keeps the one known.
  ChangeContext promote{0, MemberAddress{4, "10.0.0.4:7379", ""}};
  update_member_book(book, promote, voters({1, 2, 3, 4}));
  EXPECT_EQ(book[4].client_addr, "10.0.0.4:6379");

  update_member_book(book, ChangeContext{2, std::nullopt}, voters({1, 3, 4}));
  EXPECT_EQ(book.count(2), 0u);
  EXPECT_EQ(book.size(), 3u);

  // A context naming a node the change did not keep (the change did not apply) adds nothing.
  update_member_book(book, ChangeContext{3, MemberAddress{9, "x:1", ""}}, voters({1, 3, 4}));
  EXPECT_EQ(book.count(9), 0u);
}

TEST(MemberList, ListsEveryMemberWithItsRole) {
  auto list = member_list(three(), voters({1, 2}, {3}));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_FALSE(list[0].learner);
  EXPECT_TRUE(list[2].learner);
  EXPECT_EQ(list[2].internal_addr, "10.0.0.3:7379");
}

TEST(CheckJoin, ANewNodeIsAdded) {
  auto d = check_join(three(), voters({1, 2, 3}), request(4, "10.0.0.4:7379"));
  EXPECT_EQ(d.kind, JoinDecision::Kind::kAdd);
}

TEST(CheckJoin, TheSameNodeAskingAgainIsAlreadyAMember) {
  MemberBook book = three();
  book[4] = {4, "10.0.0.4:7379", ""};
  auto d = check_join(book, voters({1, 2, 3}, {4}), request(4, "10.0.0.4:7379"));
  EXPECT_EQ(d.kind, JoinDecision::Kind::kAlreadyMember);
}

TEST(CheckJoin, AnIdInUseByAnotherAddressIsRefusedWithAClearError) {
  auto d = check_join(three(), voters({1, 2, 3}), request(2, "10.0.0.9:7379"));
  EXPECT_EQ(d.kind, JoinDecision::Kind::kConflict);
  EXPECT_NE(d.error.find("node id 2 is already a member with internal address 10.0.0.2:7379"),
            std::string::npos)
      << d.error;
  EXPECT_NE(d.error.find("SESHAT MEMBER REMOVE 2"), std::string::npos) << d.error;
}

TEST(CheckJoin, AnAddressInUseByAnotherIdIsRefused) {
  auto d = check_join(three(), voters({1, 2, 3}), request(7, "10.0.0.3:7379"));
  EXPECT_EQ(d.kind, JoinDecision::Kind::kConflict);
  EXPECT_NE(d.error.find("belongs to member 3"), std::string::npos) << d.error;
}

TEST(CheckJoin, ARemovedMembersIdAndAddressAreFreeAgain) {
  MemberBook book = three();
  book.erase(3);
  auto d = check_join(book, voters({1, 2}), request(3, "10.0.0.3:7379"));
  EXPECT_EQ(d.kind, JoinDecision::Kind::kAdd);
}

raft::Progress progress(raft::Index match, raft::ProgressState state, bool learner, bool active) {
  raft::Progress pr(match + 1, 16, 0);
  pr.match = match;
  pr.state = state;
  pr.is_learner = learner;
  pr.recent_active = active;
  return pr;
}

TEST(Promotion, OnlyLearnersThatCaughtUpAreReady) {
  raft::NodeStatus st;
  st.progress.emplace(1, progress(1000, raft::ProgressState::kReplicate, false, true));
  st.progress.emplace(4, progress(990, raft::ProgressState::kReplicate, true, true));
  st.progress.emplace(5, progress(100, raft::ProgressState::kReplicate, true, true));
  st.progress.emplace(6, progress(1000, raft::ProgressState::kSnapshot, true, true));
  auto ready = learners_ready_for_promotion(st, voters({1}, {4, 5, 6}), 1000, 64);
  EXPECT_EQ(ready, std::vector<raft::NodeId>{4});
  EXPECT_TRUE(learners_ready_for_promotion(st, voters({1}, {5}), 1000, 64).empty());
}

TEST(Transfer, GoesToTheMostCaughtUpActiveVoter) {
  raft::NodeStatus st;
  st.progress.emplace(1, progress(100, raft::ProgressState::kReplicate, false, true));
  st.progress.emplace(2, progress(90, raft::ProgressState::kReplicate, false, true));
  st.progress.emplace(3, progress(99, raft::ProgressState::kReplicate, false, true));
  st.progress.emplace(4, progress(100, raft::ProgressState::kReplicate, false, false));
  st.progress.emplace(5, progress(100, raft::ProgressState::kReplicate, true, true));
  EXPECT_EQ(best_transferee(st, voters({1, 2, 3, 4}, {5}), 1), 3u);
  EXPECT_EQ(best_transferee(st, voters({1}, {5}), 1), raft::kNone);
}

TEST(JoinReply, BecomesTheMembershipAJoiningNodeStartsFrom) {
  transport::JoinReply reply;
  reply.outcome = transport::JoinReply::Outcome::kOk;
  reply.cluster_id = "abc";
  reply.members = {{3, "h3:7379", "h3:6379", false},
                   {1, "h1:7379", "h1:6379", false},
                   {4, "h4:7379", "h4:6379", true}};
  JoinedCluster joined = joined_cluster_of(reply);
  EXPECT_EQ(joined.cluster_id, "abc");
  EXPECT_EQ(joined.conf.voters, (std::vector<raft::NodeId>{1, 3}));
  EXPECT_EQ(joined.conf.learners, (std::vector<raft::NodeId>{4}));
  ASSERT_EQ(joined.book.size(), 3u);
  EXPECT_EQ(joined.book[4].internal_addr, "h4:7379");
}

TEST(Describe, NamesTheChangeAndTheAddress) {
  raft::ConfChange cc;
  cc.changes = {{raft::ConfChangeType::kAddLearnerNode, 4}};
  ChangeContext ctx{1, MemberAddress{4, "h4:7379", ""}};
  EXPECT_EQ(describe_conf_change(cc, ctx), "add learner 4 (h4:7379)");
  cc.changes = {{raft::ConfChangeType::kRemoveNode, 2}};
  EXPECT_EQ(describe_conf_change(cc, std::nullopt), "remove 2");
}

}  // namespace
}  // namespace seshat::replication
