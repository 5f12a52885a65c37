// The member book (every member's addresses): its encoding, that snapshots carry it, and that
// an applied membership change records the ConfState and the book in the apply batch itself,
// together with the applied index.
#include "storage/member_book.h"

#include <gtest/gtest.h>

#include "storage/raft_log_storage.h"
#include "storage/rocks_keyspace.h"
#include "storage/snapshot_codec.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::storage {
namespace {

using seshat::testing::TempDir;
using testing::open_engine;

constexpr int64_t kNow = 1'000'000;

MemberBook three() {
  return {{1, {1, "127.0.0.1:7379", "127.0.0.1:6379"}},
          {2, {2, "[::1]:7380", ""}},
          {3, {3, "node3.example:7381", "node3.example:6381"}}};
}

TEST(MemberBook, EncodingRoundTripsAndRejectsGarbage) {
  const MemberBook book = three();
  const std::string bytes = encode_member_book(book);
  auto back = decode_member_book(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, book);
  EXPECT_EQ(decode_member_book(encode_member_book({})), MemberBook{});
  EXPECT_FALSE(decode_member_book("").has_value());
  EXPECT_FALSE(decode_member_book(bytes.substr(0, bytes.size() - 1)).has_value());
  EXPECT_FALSE(decode_member_book(bytes + "x").has_value());
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_FALSE(decode_member_book(wrong_version).has_value());
}

TEST(MemberBook, IsStoredInMetadata) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  auto none = load_member_book(*e);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  rocksdb::WriteBatch batch;
  stage_member_book(batch, *e, three());
  ASSERT_TRUE(e->write(&batch, true).ok());
  auto some = load_member_book(*e);
  ASSERT_TRUE(some.ok() && some->has_value());
  EXPECT_EQ(**some, three());
}

TEST(MemberBook, ASnapshotCarriesTheBookAndInstallsIt) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  MemberBook book = three();
  book[4] = {4, "127.0.0.1:7382", "127.0.0.1:6382"};
  {
    ApplyBatch apply(*src);
    apply.begin_entry(12, kNow);
    apply.put("k", "v", 0);
    stage_member_book(apply.metadata_batch(), *src, book);
    ASSERT_TRUE(apply.commit(false).ok());
  }
  auto data = serialize_state(*src);
  ASSERT_TRUE(data.ok());

  // The receiver knew an older book: the snapshot's replaces it.
  auto dst = open_engine(dst_dir.path(), 4);
  {
    rocksdb::WriteBatch batch;
    stage_member_book(batch, *dst, three());
    ASSERT_TRUE(dst->write(&batch, true).ok());
  }
  auto dst_log = RaftLogStorage::open(*dst);
  ASSERT_TRUE(dst_log.ok());
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {4}, {}, {}, false}, 12, 2};
  ASSERT_TRUE(install_snapshot(*dst, **dst_log, raft::Snapshot{*data, meta}).ok());
  auto got = load_member_book(*dst);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, book);
  EXPECT_EQ((*dst_log)->conf_state(), meta.conf_state);
  // Never the receiver's identity.
  EXPECT_EQ(dst->node_id(), 4u);
}

TEST(MemberBook, ASnapshotWithoutABookKeepsTheReceiversBook) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  {
    ApplyBatch apply(*src);
    apply.begin_entry(5, kNow);
    apply.put("k", "v", 0);
    ASSERT_TRUE(apply.commit(false).ok());
  }
  auto data = serialize_state(*src);
  ASSERT_TRUE(data.ok());
  auto dst = open_engine(dst_dir.path(), 2);
  rocksdb::WriteBatch batch;
  stage_member_book(batch, *dst, three());
  ASSERT_TRUE(dst->write(&batch, true).ok());
  auto dst_log = RaftLogStorage::open(*dst);
  ASSERT_TRUE(dst_log.ok());
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {}, {}, {}, false}, 5, 1};
  ASSERT_TRUE(install_snapshot(*dst, **dst_log, raft::Snapshot{*data, meta}).ok());
  auto got = load_member_book(*dst);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, three());
}

// The bug this guards against: the membership of an applied conf change was written in a batch
// of its own before the apply batch, so a crash between the two left a membership ahead of the
// applied index (the entry was then applied a second time to the configuration it had already
// changed). Staged in the apply batch, both move together or not at all.
TEST(AppliedMembership, MovesWithTheAppliedIndexInOneBatch) {
  TempDir dir;
  const raft::ConfState before{{1, 2, 3}, {}, {}, {}, false};
  const raft::ConfState after{{1, 2, 3}, {4}, {}, {}, false};
  MemberBook book = three();
  {
    auto e = open_engine(dir.path(), 1);
    auto log = RaftLogStorage::open(*e);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->bootstrap(before).ok());
    // The log holds the entries up to the conf change at 7 (the applied index may not pass it).
    std::vector<raft::Entry> entries;
    for (raft::Index i = 1; i <= 7; ++i)
      entries.push_back(raft::Entry{1, i, raft::EntryType::kNormal, ""});
    ASSERT_TRUE((*log)->persist(raft::HardState{1, 1, 7}, entries, true).ok());
    {
      // Staged but the process "crashes" before commit(): nothing of it is on disk.
      ApplyBatch apply(*e);
      apply.begin_entry(7, kNow);
      (*log)->stage_conf_state(apply.metadata_batch(), after);
      book[4] = {4, "127.0.0.1:7382", "127.0.0.1:6382"};
      stage_member_book(apply.metadata_batch(), *e, book);
    }
  }
  {
    auto e = open_engine(dir.path(), 1);
    auto log = RaftLogStorage::open(*e);
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(e->applied_index(), 0u);
    EXPECT_EQ((*log)->conf_state(), before);
    auto stored = load_member_book(*e);
    ASSERT_TRUE(stored.ok());
    EXPECT_FALSE(stored->has_value());
    // Applied again after the restart, this time committed: both are there.
    ApplyBatch apply(*e);
    apply.begin_entry(7, kNow);
    (*log)->stage_conf_state(apply.metadata_batch(), after);
    stage_member_book(apply.metadata_batch(), *e, book);
    ASSERT_TRUE(apply.commit(false).ok());
    (*log)->note_conf_state(after);
  }
  auto e = open_engine(dir.path(), 1);
  auto log = RaftLogStorage::open(*e);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(e->applied_index(), 7u);
  EXPECT_EQ((*log)->conf_state(), after);
  auto stored = load_member_book(*e);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(**stored, book);
}

TEST(EngineIdentity, AJoiningNodeAdoptsTheClusterIdAndKeepsIt) {
  TempDir dir;
  {
    auto e = Engine::open(OpenOptions{dir.path(), 4, ""});
    ASSERT_TRUE(e.ok());
    ASSERT_TRUE((*e)->adopt_cluster_id("the-cluster").ok());
    EXPECT_EQ((*e)->cluster_id(), "the-cluster");
  }
  {
    auto e = Engine::open(OpenOptions{dir.path(), 4, ""});
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)->cluster_id(), "the-cluster");
  }
  // Another cluster's configuration is still refused.
  EXPECT_EQ(Engine::open(OpenOptions{dir.path(), 4, "another"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace seshat::storage
