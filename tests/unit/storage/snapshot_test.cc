// Snapshots as the state machine at an applied index: streamed from a RocksDB view in bounded
// pieces, installed atomically, identical on the other side, and exact while writes go on.
#include <gtest/gtest.h>
#include <rocksdb/transaction_log.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/backup.h"
#include "storage/kv_format.h"
#include "storage/raft_log_storage.h"
#include "storage/rocks_keyspace.h"
#include "storage/snapshot_codec.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::storage {
namespace {

using seshat::testing::TempDir;
using testing::open_engine;
using testing::open_log;
using Dump = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kNow = 1'000'000;

Dump dump(Engine& e, Cf cf) {
  Dump out;
  std::unique_ptr<rocksdb::Iterator> it(e.db()->NewIterator(rocksdb::ReadOptions(), e.cf(cf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  EXPECT_TRUE(it->status().ok());
  return out;
}

// Streams a snapshot in pieces of at most `max_bytes`, checking each piece's size.
std::string stream(SnapshotStreamWriter& writer, size_t max_bytes, int* pieces = nullptr) {
  std::string data;
  int n = 0;
  for (bool last = false; !last; ++n) {
    std::string piece;
    auto done = writer.next(max_bytes, piece);
    EXPECT_TRUE(done.ok()) << done.status();
    if (!done.ok()) return data;
    last = *done;
    EXPECT_LE(piece.size(), max_bytes);
    if (!last) {
      EXPECT_EQ(piece.size(), max_bytes);  // only the last piece may be short
    }
    data += piece;
  }
  if (pieces != nullptr) *pieces = n;
  return data;
}

int batches_since(Engine& e, rocksdb::SequenceNumber since) {
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  if (!e.db()->GetUpdatesSince(since + 1, &it).ok()) return -1;
  int n = 0;
  for (; it->Valid(); it->Next()) n += it->GetBatch().sequence > since ? 1 : 0;
  return n;
}

// A source with many keys, values of every size (one bigger than a piece), expiries in the
// future and in the past (stored, not yet purged), and tombstones; applied up to index 40.
void fill(Engine& e) {
  for (uint64_t round = 0; round < 4; ++round) {
    ApplyBatch batch(e);
    batch.begin_entry(10 * round + 10, kNow);
    for (int i = 0; i < 1500; ++i) {
      const std::string key = "key:" + std::to_string(round) + ":" + std::to_string(i);
      const int64_t expire = i % 3 == 0 ? kNow + 60'000 : i % 7 == 0 ? kNow + 5 : 0;
      batch.put(key, std::string(static_cast<size_t>(i % 50) * 37, static_cast<char>('a' + i % 26)),
                expire);
    }
    for (int i = 0; i < 1500; i += 11) {
      batch.erase("key:" + std::to_string(round) + ":" + std::to_string(i));
    }
    if (round == 2) batch.put("big", std::string(3 << 20, 'B'), 0);
    if (round == 3) {
      // A collection: its metadata record, and members stored apart under its generation.
      CollectionMeta meta{batch.new_generation(), 200};
      for (int i = 0; i < 200; ++i) {
        batch.put_member("hash", meta.generation, "field" + std::to_string(i), std::to_string(i));
      }
      batch.put_record("hash", ValueType::kHash, encode_collection_meta(meta), kNow + 60'000);
      // A list (members named by position), a set, and a sorted set with its score index under
      // a second generation: every kind of collection travels in kv_members.
      CollectionMeta list{batch.new_generation(), 3, kListOrigin - 1, kListOrigin + 2};
      for (uint64_t p = list.head; p < list.tail; ++p) {
        std::string name;
        for (int shift = 56; shift >= 0; shift -= 8) name.push_back(static_cast<char>(p >> shift));
        batch.put_member("list", list.generation, name, "element");
      }
      batch.put_record("list", ValueType::kList, encode_collection_meta(list), 0);
      CollectionMeta set{batch.new_generation(), 2};
      batch.put_member("set", set.generation, "a", "");
      batch.put_member("set", set.generation, "b", "");
      batch.put_record("set", ValueType::kSet, encode_collection_meta(set), 0);
      CollectionMeta zset{batch.new_generation(), 1, 0, 0, batch.new_generation()};
      batch.put_member("zset", zset.generation, "m", "score");
      batch.put_member("zset", zset.index_generation, "sortable-m", "");
      batch.put_record("zset", ValueType::kZset, encode_collection_meta(zset), 0);
    }
    ASSERT_TRUE(batch.commit(false).ok());
  }
}

TEST(SnapshotStream, RoundTripReproducesTheStateMachineExactly) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  fill(*src);
  ASSERT_EQ(src->applied_index(), 40u);

  SnapshotStreamWriter writer(*src);
  ASSERT_TRUE(writer.status().ok());
  EXPECT_EQ(writer.applied_index(), 40u);
  int pieces = 0;
  std::string data = stream(writer, 1 << 20, &pieces);
  EXPECT_GE(pieces, 4);  // the 3 MiB value alone spans three pieces
  EXPECT_EQ(data, *serialize_state(*src));

  // The receiver had state of its own: none of it may survive.
  auto dst = open_engine(dst_dir.path(), 2);
  auto dst_log = open_log(*dst);
  {
    ApplyBatch mine(*dst);
    mine.begin_entry(3, kNow);
    mine.put("only-here", "x", kNow + 1000);
    mine.put("zzzz-last", "y", 0);
    mine.put("doomed", "z", 0);
    mine.put("key:0:1", "the receiver's own value", 0);  // the snapshot's value must win
    mine.erase("doomed");
    mine.put_member("hash", 1, "the receiver's own member", "x");
    ASSERT_TRUE(mine.commit(false).ok());
  }
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {4}, {}, {}, false}, 40, 7};
  ASSERT_TRUE(install_snapshot(*dst, *dst_log, raft::Snapshot{data, meta}).ok());

  auto same_state = [&](const char* when) {
    SCOPED_TRACE(when);
    for (Cf cf : {Cf::kKvData, Cf::kExpiry, Cf::kTombstones, Cf::kMembers}) {
      EXPECT_TRUE(dump(*src, cf) == dump(*dst, cf)) << cf_name(cf);
    }
    ReadKeyspace b(*dst, kNow);
    auto hash = b.get("hash");
    ASSERT_TRUE(hash.has_value());
    EXPECT_EQ(hash->type, ValueType::kHash);
    auto meta = decode_collection_meta(hash->value);
    ASSERT_TRUE(meta.has_value());
    EXPECT_EQ(meta->size, 200u);
    EXPECT_EQ(b.get_member("hash", meta->generation, "field7"), "7");
    int members = 0;
    b.scan_members("hash", meta->generation, {}, [&](std::string_view, std::string_view) {
      ++members;
      return true;
    });
    EXPECT_EQ(members, 200);
    for (auto [key, type] : {std::pair{"list", ValueType::kList}, std::pair{"set", ValueType::kSet},
                             std::pair{"zset", ValueType::kZset}}) {
      auto rec = b.get(key);
      ASSERT_TRUE(rec.has_value()) << key;
      EXPECT_EQ(rec->type, type) << key;
      auto m = decode_collection_meta(rec->value);
      ASSERT_TRUE(m.has_value()) << key;
      size_t stored = 0;
      b.scan_members(key, m->generation, {}, [&](std::string_view, std::string_view) {
        ++stored;
        return true;
      });
      EXPECT_EQ(stored, m->size) << key;
      if (type == ValueType::kList) {
        EXPECT_EQ(m->tail - m->head, 3u);
      }
      if (type == ValueType::kZset) {
        EXPECT_EQ(b.get_member(key, m->index_generation, "sortable-m"), "");
      }
    }
    EXPECT_EQ(dst->applied_index(), 40u);
    EXPECT_EQ(dst->key_count(), src->key_count());
    ReadKeyspace a(*src, kNow);
    for (uint64_t round = 0; round < 4; ++round) {
      for (int i = 0; i < 1500; i += 3) {
        const std::string key = "key:" + std::to_string(round) + ":" + std::to_string(i);
        auto ra = a.get(key), rb = b.get(key);
        ASSERT_EQ(ra.has_value(), rb.has_value()) << key;
        if (ra) {
          EXPECT_EQ(ra->value, rb->value);
          EXPECT_EQ(ra->expire_at_ms, rb->expire_at_ms);
        }
        EXPECT_EQ(a.version(key), b.version(key)) << key;  // tombstones carry versions
      }
    }
    EXPECT_FALSE(b.get("only-here").has_value());
    EXPECT_FALSE(b.get("zzzz-last").has_value());
    EXPECT_EQ(b.version("doomed"), 0u);
    EXPECT_EQ(b.get("big")->value.size(), 3u << 20);
    EXPECT_EQ(due_expiries(*src, kNow + 10, 100'000), due_expiries(*dst, kNow + 10, 100'000));
  };
  same_state("after install");
  EXPECT_EQ(*dst_log->first_index(), 41u);
  EXPECT_EQ(*dst_log->term(40), 7u);
  EXPECT_EQ((*dst_log->initial_state()).conf_state, meta.conf_state);

  dst_log.reset();
  dst.reset();
  dst = open_engine(dst_dir.path(), 2);
  dst_log = open_log(*dst);
  same_state("after reopen");
  EXPECT_EQ(*dst_log->first_index(), 41u);
  EXPECT_EQ((*dst_log->initial_state()).hard_state.commit, 40u);
}

// Io threads' cached reads (read_cache.h) see the installed state, not what they read before.
TEST(SnapshotStream, TheAclTableAndAlarmsTravelWithTheStateAndReplaceTheReceivers) {
  TempDir src_dir, dst_dir, empty_dir;
  auto src = open_engine(src_dir.path(), 1);
  fill(*src);
  {
    ApplyBatch acl(*src);
    acl.begin_entry(41, kNow);
    acl.set_acl_table("user alice on ~* +@all");
    acl.set_space_alarms({3});
    ASSERT_TRUE(acl.commit(false).ok());
  }
  EXPECT_EQ(*src->acl_table(), (AclTable{41, "user alice on ~* +@all"}));
  auto data = serialize_state(*src);
  ASSERT_TRUE(data.ok());

  auto dst = open_engine(dst_dir.path(), 2);
  auto dst_log = open_log(*dst);
  {
    ApplyBatch mine(*dst);
    mine.begin_entry(3, kNow);
    mine.set_acl_table("user mallory on");
    ASSERT_TRUE(mine.commit(false).ok());
  }
  const uint64_t before = dst->acl_generation();
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {}, {}, {}, false}, 41, 2};
  ASSERT_TRUE(install_snapshot(*dst, *dst_log, raft::Snapshot{*data, meta}).ok());
  EXPECT_EQ(*dst->acl_table(), (AclTable{41, "user alice on ~* +@all"}));
  EXPECT_EQ(dst->space_alarms(), (std::vector<uint64_t>{3}));
  EXPECT_GT(dst->acl_generation(), before);
  EXPECT_EQ(ReadKeyspace(*dst, kNow).acl_table(), (AclTable{41, "user alice on ~* +@all"}));

  // A snapshot of a state that never had users leaves the receiver with none.
  auto empty = open_engine(empty_dir.path(), 3);
  fill(*empty);
  auto no_users = serialize_state(*empty);
  ASSERT_TRUE(no_users.ok());
  TempDir other_dir;
  auto other = open_engine(other_dir.path(), 4);
  auto other_log = open_log(*other);
  {
    ApplyBatch mine(*other);
    mine.begin_entry(3, kNow);
    mine.set_acl_table("user mallory on");
    mine.set_space_alarms({4});
    ASSERT_TRUE(mine.commit(false).ok());
  }
  raft::SnapshotMetadata at40{raft::ConfState{{1, 2, 3}, {}, {}, {}, false}, 40, 2};
  ASSERT_TRUE(install_snapshot(*other, *other_log, raft::Snapshot{*no_users, at40}).ok());
  EXPECT_EQ(*other->acl_table(), AclTable{});
  EXPECT_EQ(ReadKeyspace(*other, kNow).acl_table(), AclTable{});
  EXPECT_EQ(other->space_alarm_count(), 0u);
  EXPECT_TRUE(ReadKeyspace(*other, kNow).space_alarms().empty());
}

TEST(Backup, AFileHoldsTheSnapshotDataAndIsCheckedWhenRead) {
  TempDir src_dir, out_dir;
  auto src = open_engine(src_dir.path(), 1);
  fill(*src);
  const std::string path = out_dir.path() + "/b1";
  auto written = write_backup(*src, path, nullptr);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->applied_index, 40u);
  EXPECT_EQ(written->key_count, src->key_count());
  auto read = read_backup(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->data, *serialize_state(*src));
  EXPECT_EQ(read->applied_index, 40u);
  EXPECT_EQ(read->data.size(), written->bytes);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // An existing file is never overwritten.
  EXPECT_TRUE(absl::IsAlreadyExists(write_backup(*src, path, nullptr).status()));
  // A damaged or cut file is refused.
  std::string bytes = read->data;
  bytes[bytes.size() / 2] ^= 1;
  std::ofstream(out_dir.path() + "/damaged", std::ios::binary) << bytes;
  EXPECT_TRUE(absl::IsDataLoss(read_backup(out_dir.path() + "/damaged").status()));
  std::ofstream(out_dir.path() + "/cut", std::ios::binary)
      << read->data.substr(0, read->data.size() - 10);
  EXPECT_TRUE(absl::IsDataLoss(read_backup(out_dir.path() + "/cut").status()));
  EXPECT_TRUE(absl::IsNotFound(read_backup(out_dir.path() + "/none").status()));
}

TEST(SnapshotStream, CachedReadsSeeTheInstalledState) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  fill(*src);
  auto data = serialize_state(*src);
  ASSERT_TRUE(data.ok());
  auto dst = open_engine(dst_dir.path(), 2);
  auto dst_log = open_log(*dst);
  {
    ApplyBatch mine(*dst);
    mine.begin_entry(3, kNow);
    mine.put("key:0:1", "the receiver's own value", 0);
    mine.put("only-here", "x", 0);
    ASSERT_TRUE(mine.commit(false).ok());
  }
  auto read = [&](std::string_view key) -> std::string {
    ReadKeyspace view(*dst, kNow, /*cached=*/true);
    auto rec = view.get(key);
    return rec ? rec->value : "(none)";
  };
  EXPECT_EQ(read("key:0:1"), "the receiver's own value");  // now cached
  EXPECT_EQ(read("only-here"), "x");
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {}, {}, {}, false}, 40, 2};
  ASSERT_TRUE(install_snapshot(*dst, *dst_log, raft::Snapshot{*data, meta}).ok());
  EXPECT_EQ(read("key:0:1"), std::string(37, 'b'));  // fill(): round 0, i = 1
  EXPECT_EQ(read("only-here"), "(none)");
}

TEST(SnapshotStream, InstallIsOneBatchAndARefusalWritesNothing) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  fill(*src);
  auto data = serialize_state(*src);
  ASSERT_TRUE(data.ok());
  auto dst = open_engine(dst_dir.path(), 2);
  auto dst_log = open_log(*dst);
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {}, {}, {}, false}, 40, 2};

  auto seq = dst->db()->GetLatestSequenceNumber();
  auto refused = [&](std::string bytes, raft::SnapshotMetadata m, absl::StatusCode code) {
    EXPECT_EQ(install_snapshot(*dst, *dst_log, raft::Snapshot{std::move(bytes), m}).code(), code);
  };
  std::string flipped = *data;
  flipped[flipped.size() / 2] ^= 0x20;
  refused(flipped, meta, absl::StatusCode::kDataLoss);
  refused(data->substr(0, data->size() - 1), meta, absl::StatusCode::kDataLoss);
  refused(data->substr(0, 100), meta, absl::StatusCode::kDataLoss);
  refused("", meta, absl::StatusCode::kDataLoss);
  raft::SnapshotMetadata wrong_index = meta;
  wrong_index.index = 41;  // the data is at 40
  refused(*data, wrong_index, absl::StatusCode::kDataLoss);
  EXPECT_EQ(dst->db()->GetLatestSequenceNumber(), seq);
  EXPECT_EQ(dst->applied_index(), 0u);

  ASSERT_TRUE(install_snapshot(*dst, *dst_log, raft::Snapshot{*data, meta}).ok());
  EXPECT_EQ(batches_since(*dst, seq), 1);  // a crash keeps all of it or none

  // Not newer than what is applied: installing it would roll the state machine back.
  seq = dst->db()->GetLatestSequenceNumber();
  refused(*data, meta, absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(dst->db()->GetLatestSequenceNumber(), seq);
}

TEST(SnapshotStream, AnEmptyStateMachineIsASnapshotToo) {
  TempDir src_dir, dst_dir;
  auto src = open_engine(src_dir.path(), 1);
  {
    ApplyBatch only_noops(*src);
    only_noops.begin_entry(5, kNow);
    ASSERT_TRUE(only_noops.commit(false).ok());
  }
  auto data = serialize_state(*src);
  ASSERT_TRUE(data.ok());
  auto dst = open_engine(dst_dir.path(), 2);
  auto dst_log = open_log(*dst);
  fill(*dst);  // applied 40: a snapshot at 5 is older
  raft::SnapshotMetadata meta{raft::ConfState{{1}, {}, {}, {}, false}, 5, 1};
  EXPECT_EQ(install_snapshot(*dst, *dst_log, raft::Snapshot{*data, meta}).code(),
            absl::StatusCode::kFailedPrecondition);
  {
    ApplyBatch more(*src);
    more.begin_entry(50, kNow);
    ASSERT_TRUE(more.commit(false).ok());
  }
  data = serialize_state(*src);
  meta.index = 50;
  ASSERT_TRUE(install_snapshot(*dst, *dst_log, raft::Snapshot{*data, meta}).ok());
  for (Cf cf : {Cf::kKvData, Cf::kExpiry, Cf::kTombstones}) EXPECT_TRUE(dump(*dst, cf).empty());
  EXPECT_EQ(dst->key_count(), 0u);
  EXPECT_EQ(dst->applied_index(), 50u);
}

// The state at index i is a function of i alone, so any snapshot can be checked against the
// index it claims: "counter" holds i, keys k1..ki exist except every third one, deleted again.
void apply_step(Engine& e, uint64_t i) {
  ApplyBatch batch(e);
  batch.begin_entry(i, kNow);
  batch.put("counter", std::to_string(i), 0);
  batch.put("k" + std::to_string(i), std::string(200, 'v'), i % 2 ? kNow + 100'000 : 0);
  if (i % 3 == 0) batch.erase("k" + std::to_string(i - 1));
  ASSERT_TRUE(batch.commit(false).ok());
}

void expect_state_at(Engine& e, uint64_t i) {
  ReadKeyspace view(e, kNow);
  ASSERT_TRUE(view.get("counter").has_value());
  EXPECT_EQ(view.get("counter")->value, std::to_string(i));
  uint64_t keys = 1;
  for (uint64_t j = 1; j <= i + 1; ++j) {
    const bool live = j <= i && !(j % 3 == 2 && j + 1 <= i);
    EXPECT_EQ(view.get("k" + std::to_string(j)).has_value(), live) << j << " at " << i;
    keys += live ? 1 : 0;
  }
  EXPECT_EQ(e.key_count(), keys);
}

TEST(SnapshotStream, ASnapshotTakenDuringWritesIsExactlyItsAppliedIndex) {
  TempDir src_dir;
  auto src = open_engine(src_dir.path(), 1);
  apply_step(*src, 1);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> written{1};
  std::thread writer_thread([&] {
    for (uint64_t i = 2; !stop.load() && i < 1'000'000; ++i) {
      apply_step(*src, i);
      written = i;
    }
  });
  std::vector<uint64_t> seen;
  int overtaken = 0;  // rounds in which writes landed while the snapshot was read
  for (int round = 0; round < 6; ++round) {
    // Wait for some progress so that the snapshots land at different indexes.
    const uint64_t from = written.load();
    while (written.load() < from + 50) std::this_thread::yield();
    SnapshotStreamWriter writer(*src);
    ASSERT_TRUE(writer.status().ok());
    const uint64_t before = written.load();
    std::string data = stream(writer, 4096);  // slow, small pieces: the writes overtake it
    overtaken += written.load() > before ? 1 : 0;
    TempDir dst_dir;
    auto dst = open_engine(dst_dir.path(), 2);
    auto dst_log = open_log(*dst);
    raft::SnapshotMetadata meta{raft::ConfState{{1}, {}, {}, {}, false}, writer.applied_index(), 1};
    ASSERT_TRUE(install_snapshot(*dst, *dst_log, raft::Snapshot{data, meta}).ok());
    EXPECT_EQ(dst->applied_index(), writer.applied_index());
    expect_state_at(*dst, writer.applied_index());
    seen.push_back(writer.applied_index());
  }
  stop = true;
  writer_thread.join();
  EXPECT_LT(seen.front(), seen.back());
  EXPECT_GT(overtaken, 0);
}

}  // namespace
}  // namespace seshat::storage
