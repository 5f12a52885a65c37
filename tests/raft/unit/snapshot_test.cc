// Snapshots and log compaction (§7).
#include <gtest/gtest.h>

#include "support/cluster.h"
#include "support/raft_helpers.h"

namespace seshat::raft::testing {
namespace {

TEST(Snapshot, Section7_LaggingFollowerGetsSnapshot) {
  Cluster c({1, 2, 3});
  c.campaign(1);
  c.stabilize();
  c.isolate(3);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.propose(1, "v" + std::to_string(i)).ok());
  c.stabilize();
  c.node(1).snapshot_and_compact();
  ASSERT_GT(c.node(1).storage().first_index().value(), 2u);
  c.heal();
  // A heartbeat makes the leader notice the follower lags and reach for a snapshot.
  bool sent_snapshot = false;
  c.on_send = [&](const Message& m) { sent_snapshot |= m.type == MessageType::kSnap; };
  c.tick(1);
  c.stabilize();
  c.node(1).raw().report_snapshot(3, false);
  c.tick(1);
  c.stabilize();
  EXPECT_TRUE(sent_snapshot);
  EXPECT_EQ(c.node(3).applied_index(), c.node(1).applied_index());
  EXPECT_EQ(c.node(3).applied(), c.node(1).applied());
  // And replication continues from the snapshot on.
  ASSERT_TRUE(c.propose(1, "after").ok());
  c.stabilize();
  EXPECT_EQ(c.node(3).applied().back().data, "after");
}

TEST(Snapshot, RestoreIgnoresStaleSnapshot) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2}, st);
  r->become_follower(2, 2);
  Message m = msg(MessageType::kApp, 2, 1, 2);
  m.entries = entries_of({{1, 1}, {2, 2}, {2, 3}});
  m.commit = 3;
  ASSERT_TRUE(r->step(m).ok());
  Message snap = msg(MessageType::kSnap, 2, 1, 2);
  snap.snapshot = Snapshot{};
  snap.snapshot->metadata.index = 2;
  snap.snapshot->metadata.term = 2;
  snap.snapshot->metadata.conf_state.voters = {1, 2};
  read_messages(*r);
  ASSERT_TRUE(r->step(snap).ok());
  EXPECT_FALSE(r->log().unstable_snapshot().has_value());
  auto msgs = read_messages(*r);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].index, 3u);  // answers with its commit index
}

TEST(Snapshot, RestoreReplacesLogAndConfig) {
  MemoryStorage st;
  auto r = new_raft(1, {1, 2}, st);
  Message snap = msg(MessageType::kSnap, 2, 1, 3);
  snap.snapshot = Snapshot{};
  snap.snapshot->metadata.index = 11;
  snap.snapshot->metadata.term = 3;
  snap.snapshot->metadata.conf_state.voters = {1, 2, 3};
  ASSERT_TRUE(r->step(snap).ok());
  EXPECT_EQ(r->log().last_index(), 11u);
  EXPECT_EQ(r->log().committed(), 11u);
  EXPECT_EQ(r->tracker().config.voters.incoming, (MajorityConfig{1, 2, 3}));
  // Not promotable until the snapshot is durable.
  EXPECT_TRUE(r->log().unstable_snapshot().has_value());
}

TEST(MemoryStorage, CompactAndTerm) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {1, 2}, {2, 3}, {2, 4}})).ok());
  ASSERT_TRUE(st.compact(2).ok());
  EXPECT_EQ(st.first_index().value(), 3u);
  EXPECT_EQ(st.term(2).value(), 1u);  // the snapshot point keeps its term
  EXPECT_EQ(st.term(1).error(), ErrorCode::kCompacted);
  EXPECT_EQ(st.entries(2, 4, kNoLimit).error(), ErrorCode::kCompacted);
  EXPECT_EQ(st.entries(3, 5, kNoLimit)->size(), 2u);
  EXPECT_EQ(st.compact(2).code(), ErrorCode::kCompacted);
}

TEST(MemoryStorage, AppendTruncatesConflicts) {
  MemoryStorage st;
  ASSERT_TRUE(st.append(entries_of({{1, 1}, {1, 2}, {1, 3}})).ok());
  ASSERT_TRUE(st.append(entries_of({{2, 2}})).ok());
  EXPECT_EQ(st.last_index().value(), 2u);
  EXPECT_EQ(st.term(2).value(), 2u);
}

TEST(MemoryStorage, EntriesRespectSizeLimitButReturnOne) {
  MemoryStorage st;
  std::vector<Entry> ents;
  for (Index i = 1; i <= 5; ++i) ents.push_back(Entry{.term = 1, .index = i, .data = "0123456789"});
  ASSERT_TRUE(st.append(ents).ok());
  EXPECT_EQ(st.entries(1, 6, 0)->size(), 1u);
  EXPECT_EQ(st.entries(1, 6, 2 * entry_size(ents[0]))->size(), 2u);
}

TEST(MemoryStorage, SnapshotOutOfDate) {
  MemoryStorage st;
  Snapshot s;
  s.metadata.index = 5;
  s.metadata.term = 2;
  ASSERT_TRUE(st.apply_snapshot(s).ok());
  EXPECT_EQ(st.apply_snapshot(s).code(), ErrorCode::kSnapOutOfDate);
  EXPECT_EQ(st.first_index().value(), 6u);
  EXPECT_EQ(st.last_index().value(), 5u);
}

}  // namespace
}  // namespace seshat::raft::testing
