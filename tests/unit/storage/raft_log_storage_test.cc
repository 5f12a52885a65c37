#include "storage/raft_log_storage.h"

#include <gtest/gtest.h>

#include "raft/memory_storage.h"
#include "storage/kv_format.h"
#include "storage/rocks_keyspace.h"
#include "storage/snapshot_codec.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::storage {
namespace {

using seshat::testing::TempDir;
using testing::open_engine;
using testing::open_log;

std::vector<raft::Entry> make_entries(raft::Index from, raft::Index to, raft::Term term) {
  std::vector<raft::Entry> out;
  for (raft::Index i = from; i <= to; ++i) {
    out.push_back(raft::Entry{term, i, raft::EntryType::kNormal, "e" + std::to_string(i)});
  }
  return out;
}

TEST(RaftLogStorage, ANewNodeIsBootstrappedOnce) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  EXPECT_TRUE(log->is_new());
  raft::ConfState cs;
  cs.voters = {1, 2, 3};
  ASSERT_TRUE(log->bootstrap(cs).ok());
  EXPECT_FALSE(log->is_new());
  EXPECT_FALSE(log->bootstrap(cs).ok());
  log.reset();
  auto reopened = open_log(*engine);
  EXPECT_EQ((*reopened->initial_state()).conf_state, cs);
}

TEST(RaftLogStorage, PersistsEntriesAndHardStateAcrossReopen) {
  TempDir dir;
  {
    auto engine = open_engine(dir.path());
    auto log = open_log(*engine);
    raft::HardState hs{3, 2, 4};
    ASSERT_TRUE(log->persist(hs, make_entries(1, 5, 3), true).ok());
  }
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  EXPECT_EQ((*log->initial_state()).hard_state, (raft::HardState{3, 2, 4}));
  EXPECT_EQ(*log->first_index(), 1u);
  EXPECT_EQ(*log->last_index(), 5u);
  EXPECT_EQ(*log->term(5), 3u);
  auto ents = log->entries(2, 5, UINT64_MAX);
  ASSERT_TRUE(ents.ok());
  ASSERT_EQ(ents->size(), 3u);
  EXPECT_EQ((*ents)[0].data, "e2");
  EXPECT_EQ((*ents)[2].index, 4u);
}

// The same sequence of appends (with conflicting suffixes) and compactions on the RocksDB
// storage and on the core's in-memory reference must leave the same observable log.
TEST(RaftLogStorage, BehavesLikeMemoryStorage) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  raft::MemoryStorage mem;
  auto both_append = [&](std::vector<raft::Entry> ents) {
    ASSERT_TRUE(log->persist(std::nullopt, ents, false).ok());
    ASSERT_TRUE(mem.append(ents).ok());
  };
  auto same = [&] {
    ASSERT_EQ(*log->first_index(), *mem.first_index());
    ASSERT_EQ(*log->last_index(), *mem.last_index());
    for (raft::Index i = *mem.first_index() - 1; i <= *mem.last_index(); ++i) {
      EXPECT_EQ(*log->term(i), *mem.term(i)) << i;
    }
    auto a = log->entries(*mem.first_index(), *mem.last_index() + 1, UINT64_MAX);
    auto b = mem.entries(*mem.first_index(), *mem.last_index() + 1, UINT64_MAX);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(*a, *b);
  };
  both_append(make_entries(1, 10, 1));
  same();
  both_append(make_entries(6, 12, 2));  // replaces 6..10 with a later term
  same();
  {
    ApplyBatch applied(*engine);  // compaction only drops what the state machine holds
    applied.begin_entry(4, 0);
    ASSERT_TRUE(applied.commit(false).ok());
  }
  ASSERT_TRUE(log->compact(4).ok());
  ASSERT_TRUE(mem.compact(4).ok());
  same();
  EXPECT_EQ(log->term(3).status().code(), raft::ErrorCode::kCompacted);
  EXPECT_EQ(log->entries(3, 6, UINT64_MAX).status().code(), raft::ErrorCode::kCompacted);
  both_append(make_entries(13, 20, 2));
  same();
  // Reopening reads the same log back from RocksDB (no tail cache).
  log.reset();
  log = open_log(*engine);
  same();
}

TEST(RaftLogStorage, ACorruptEntryIsReportedNotServed) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  {
    auto log = open_log(*engine);
    ASSERT_TRUE(log->persist(raft::HardState{1, 1, 3}, make_entries(1, 3, 1), true).ok());
  }
  std::string key;
  put_u64_be(key, 2);
  std::string value;
  ASSERT_TRUE(
      engine->db()->Get(rocksdb::ReadOptions(), engine->cf(Cf::kRaftLog), key, &value).ok());
  value.back() ^= 0x40;
  ASSERT_TRUE(
      engine->db()->Put(rocksdb::WriteOptions(), engine->cf(Cf::kRaftLog), key, value).ok());
  auto log = RaftLogStorage::open(*engine);
  EXPECT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
}

TEST(Snapshot, InstallReplacesTheStateMachineAndTheLogAtomically) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  auto src_log = open_log(*src);
  raft::ConfState cs;
  cs.voters = {1, 2, 3};
  ASSERT_TRUE(src_log->bootstrap(cs).ok());
  ASSERT_TRUE(src_log->persist(raft::HardState{2, 1, 30}, make_entries(1, 30, 2), true).ok());
  {
    ApplyBatch batch(*src);
    batch.begin_entry(30, 1000);
    for (int i = 0; i < 200; ++i)
      batch.put("k" + std::to_string(i), "v" + std::to_string(i), i % 3 ? 0 : 50'000);
    batch.put("gone", "x", 0);
    EXPECT_TRUE(batch.erase("gone"));
    ASSERT_TRUE(batch.commit(false).ok());
  }
  auto snap = src_log->snapshot();
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->metadata.index, 30u);
  EXPECT_EQ(snap->metadata.term, 2u);
  EXPECT_EQ(snap->metadata.conf_state, cs);
  // The data is a token for a view taken at snapshot(): writes after it are not in the stream.
  {
    ApplyBatch later(*src);
    later.begin_entry(31, 1000);
    later.put("k0", "changed-after-the-snapshot", 0);
    ASSERT_TRUE(later.commit(false).ok());
  }
  auto writer = src_log->claim_snapshot_stream(snap->data);
  ASSERT_NE(writer, nullptr);
  EXPECT_EQ(src_log->claim_snapshot_stream(snap->data), nullptr);  // claimed once
  std::string data;
  int pieces = 0;
  for (bool last = false; !last; ++pieces) {
    auto next = writer->next(512, data);  // small pieces: many chunks
    ASSERT_TRUE(next.ok());
    last = *next;
  }
  EXPECT_GT(pieces, 5);
  snap->data = std::move(data);

  auto dst = open_engine(dst_dir.path(), 2);
  auto dst_log = open_log(*dst);
  ASSERT_TRUE(dst_log->bootstrap(cs).ok());
  {
    ApplyBatch stale(*dst);  // whatever the follower had is replaced
    stale.begin_entry(1, 1000);
    stale.put("old", "state", 0);
    ASSERT_TRUE(stale.commit(false).ok());
  }
  ASSERT_TRUE(install_snapshot(*dst, *dst_log, *snap).ok());
  EXPECT_EQ(dst->applied_index(), 30u);
  EXPECT_EQ(dst->key_count(), 200u);
  EXPECT_EQ(*dst_log->first_index(), 31u);
  EXPECT_EQ(*dst_log->term(30), 2u);
  ReadKeyspace view(*dst, 1000);
  EXPECT_FALSE(view.get("old").has_value());
  EXPECT_EQ(view.get("k7")->value, "v7");
  EXPECT_EQ(view.get("k0")->value, "v0");
  EXPECT_EQ(view.get("k9")->expire_at_ms, 50'000);
  EXPECT_EQ(view.version("gone"), 30u);         // the tombstone came too
  auto due = due_expiries(*dst, 60'000, 1000);  // the expiry index was rebuilt
  EXPECT_EQ(due.size(), 67u);
  // And it all survives a reopen.
  dst_log.reset();
  dst.reset();
  dst = open_engine(dst_dir.path(), 2);
  dst_log = open_log(*dst);
  EXPECT_EQ(dst->applied_index(), 30u);
  EXPECT_EQ(*dst_log->first_index(), 31u);
}

TEST(Snapshot, CorruptDataIsRefused) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  raft::Snapshot snap;
  snap.metadata.index = 5;
  snap.metadata.term = 1;
  snap.data = "not a snapshot";
  EXPECT_EQ(install_snapshot(*engine, *log, snap).code(), absl::StatusCode::kDataLoss);
  auto good = serialize_state(*engine);
  ASSERT_TRUE(good.ok());
  snap.data = *good;
  snap.data[10] ^= 1;
  EXPECT_EQ(install_snapshot(*engine, *log, snap).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(engine->applied_index(), 0u);
}

}  // namespace
}  // namespace seshat::storage
