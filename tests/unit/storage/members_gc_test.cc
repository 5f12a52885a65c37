// The members of deleted, expired or overwritten collections are reclaimed by compaction, and
// never those of a live collection, nor those a snapshot stream opened before still reads.
#include <gtest/gtest.h>

#include "storage/kv_format.h"
#include "storage/rocks_keyspace.h"
#include "storage/snapshot_codec.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::storage {
namespace {

using seshat::testing::TempDir;
using testing::open_engine;

constexpr int64_t kNow = 1'000'000;

// A hash of `n` fields written by entry `index`; returns its generation.
uint64_t write_hash(Engine& e, uint64_t index, const std::string& key, int n) {
  ApplyBatch batch(e);
  batch.begin_entry(index, kNow);
  CollectionMeta meta{batch.new_generation(), static_cast<uint64_t>(n)};
  for (int i = 0; i < n; ++i) {
    batch.put_member(key, meta.generation, "f" + std::to_string(i), std::to_string(i));
  }
  batch.put_record(key, ValueType::kHash, encode_collection_meta(meta), 0);
  EXPECT_TRUE(batch.commit(false).ok());
  return meta.generation;
}

size_t stored_members(Engine& e, const std::string& key, uint64_t generation) {
  size_t n = 0;
  const std::string prefix = members_prefix(key, generation);
  std::unique_ptr<rocksdb::Iterator> it(
      e.db()->NewIterator(rocksdb::ReadOptions(), e.cf(Cf::kMembers)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
  return n;
}

void compact_members(Engine& e) {
  ASSERT_TRUE(e.db()->Flush(rocksdb::FlushOptions(), e.cf(Cf::kMembers)).ok());
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  ASSERT_TRUE(e.db()->CompactRange(options, e.cf(Cf::kMembers), nullptr, nullptr).ok());
}

TEST(MembersGc, CompactionDropsOnlyDeadGenerations) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  const uint64_t deleted = write_hash(*e, 1, "deleted", 50);
  const uint64_t live = write_hash(*e, 2, "live", 50);
  const uint64_t overwritten = write_hash(*e, 3, "overwritten", 50);
  const uint64_t old_gen = write_hash(*e, 4, "recreated", 50);
  {
    ApplyBatch batch(*e);
    batch.begin_entry(5, kNow);
    batch.erase("deleted");
    batch.put("overwritten", "now a string", 0);
    batch.erase("recreated");
    ASSERT_TRUE(batch.commit(false).ok());
  }
  const uint64_t new_gen = write_hash(*e, 6, "recreated", 10);
  ASSERT_EQ(stored_members(*e, "deleted", deleted), 50u);  // nothing is removed at apply
  compact_members(*e);
  EXPECT_EQ(stored_members(*e, "deleted", deleted), 0u);
  EXPECT_EQ(stored_members(*e, "overwritten", overwritten), 0u);
  EXPECT_EQ(stored_members(*e, "recreated", old_gen), 0u);
  EXPECT_EQ(stored_members(*e, "recreated", new_gen), 10u);
  EXPECT_EQ(stored_members(*e, "live", live), 50u);
  ReadKeyspace view(*e, kNow);
  EXPECT_EQ(view.get_member("live", live, "f7"), "7");
}

// A sorted set keeps a second generation for its score index: both live while it does.
TEST(MembersGc, ASortedSetKeepsBothItsGenerations) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  uint64_t members = 0, index = 0;
  {
    ApplyBatch batch(*e);
    batch.begin_entry(1, kNow);
    members = batch.new_generation();
    index = batch.new_generation();
    batch.put_member("z", members, "m", "score");
    batch.put_member("z", index, "sortable-m", "");
    batch.put_record("z", ValueType::kZset, encode_collection_meta({members, 1, 0, 0, index}), 0);
    ASSERT_TRUE(batch.commit(false).ok());
  }
  compact_members(*e);
  EXPECT_EQ(stored_members(*e, "z", members), 1u);
  EXPECT_EQ(stored_members(*e, "z", index), 1u);
  {
    ApplyBatch batch(*e);
    batch.begin_entry(2, kNow);
    batch.erase("z");
    ASSERT_TRUE(batch.commit(false).ok());
  }
  compact_members(*e);
  EXPECT_EQ(stored_members(*e, "z", members), 0u);
  EXPECT_EQ(stored_members(*e, "z", index), 0u);
}

TEST(MembersGc, AnExpiredButUnpurgedCollectionKeepsItsMembers) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ApplyBatch batch(*e);
  batch.begin_entry(1, kNow);
  CollectionMeta meta{batch.new_generation(), 1};
  batch.put_member("h", meta.generation, "f", "v");
  batch.put_record("h", ValueType::kHash, encode_collection_meta(meta), kNow + 1);
  ASSERT_TRUE(batch.commit(false).ok());
  compact_members(*e);  // the record still exists: its expiry is for the purge to act on
  EXPECT_EQ(stored_members(*e, "h", meta.generation), 1u);
}

TEST(MembersGc, ASnapshotStreamKeepsWhatItsViewHolds) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  const uint64_t gen = write_hash(*e, 1, "h", 100);
  SnapshotStreamWriter writer(*e);  // the view holds the hash
  {
    ApplyBatch batch(*e);
    batch.begin_entry(2, kNow);
    batch.erase("h");
    ASSERT_TRUE(batch.commit(false).ok());
  }
  compact_members(*e);
  EXPECT_EQ(stored_members(*e, "h", gen), 0u);
  // The stream, produced after the compaction, still carries every member of its view.
  std::string data;
  for (;;) {
    auto done = writer.next(1 << 20, data);
    ASSERT_TRUE(done.ok()) << done.status();
    if (*done) break;
  }
  size_t frames = 0;
  const std::string first = member_key("h", gen, "f0");
  for (size_t at = data.find(first); at != std::string::npos; at = data.find(first, at + 1)) {
    ++frames;
  }
  EXPECT_EQ(frames, 1u);
  size_t members = 0;
  for (int i = 0; i < 100; ++i) {
    if (data.find(member_key("h", gen, "f" + std::to_string(i))) != std::string::npos) ++members;
  }
  EXPECT_EQ(members, 100u);
}

}  // namespace
}  // namespace seshat::storage
