#include "storage/engine.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "storage/kv_format.h"
#include "storage/log_store.h"
#include "storage/rocks_keyspace.h"
#include "unit/storage/temp_dir.h"

namespace seshat::storage {
namespace {

using seshat::testing::TempDir;

std::unique_ptr<Engine> open_engine(const std::string& dir, uint64_t node_id,
                                    const std::string& cluster = "") {
  auto e = Engine::open(OpenOptions{dir, node_id, cluster});
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

TEST(Engine, RemembersItsIdentityAndRefusesAnotherNode) {
  TempDir dir;
  std::string cluster;
  {
    auto e = open_engine(dir.path(), 7);
    ASSERT_NE(e, nullptr);
    cluster = e->cluster_id();
    EXPECT_EQ(cluster.size(), 32u);
  }
  {
    auto e = open_engine(dir.path(), 7);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->cluster_id(), cluster);
  }
  auto other = Engine::open(OpenOptions{dir.path(), 8, ""});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("node id 7"), std::string::npos);
  EXPECT_NE(other.status().message().find("node id 8"), std::string::npos);
}

TEST(Engine, RefusesAnotherCluster) {
  TempDir dir;
  { ASSERT_NE(open_engine(dir.path(), 1, "cluster-a"), nullptr); }
  auto other = Engine::open(OpenOptions{dir.path(), 1, "cluster-b"});
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("cluster-a"), std::string::npos);
}

// Found by the chaos tests: the write-ahead log grew by ~3 MB/s under steady load because the
// small, constantly rewritten families never flushed and so kept every WAL file alive.
TEST(Engine, WriteAheadLogStaysBoundedUnderSteadyWrites) {
  TempDir dir;
  OpenOptions options{dir.path(), 1, ""};
  options.max_total_wal_bytes = 2 << 20;
  auto opened = Engine::open(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Engine& e = **opened;
  auto wal_bytes = [&] {
    uint64_t total = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
      if (f.path().extension() == ".log") total += f.file_size();
    }
    return total;
  };
  // The flushes that max_total_wal_size asks for run on background threads; on a loaded
  // machine the writes below can run ahead of them for a while. What is checked is that the old
  // log files go once those flushes are done, so each measurement first waits (polling, with a
  // deadline) until no flush is pending or running.
  auto flushes_done = [&] {
    for (int poll = 0; poll < 2000; ++poll) {
      uint64_t busy = 0, value = 0;
      if (e.db()->GetIntProperty("rocksdb.num-running-flushes", &value)) busy += value;
      for (size_t cf = 0; cf < static_cast<size_t>(Cf::kCount); ++cf) {
        if (e.db()->GetIntProperty(e.cf(static_cast<Cf>(cf)), "rocksdb.mem-table-flush-pending",
                                   &value)) {
          busy += value;
        }
      }
      if (busy == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  };
  const std::string value(4096, 'v');
  uint64_t peak = 0;
  // 40 MiB through the log, as the driver writes it: a big family and a small one per batch.
  for (int i = 0; i < 10000; ++i) {
    rocksdb::WriteBatch batch;
    batch.Put(e.cf(Cf::kRaftLog), "entry" + std::to_string(i % 500), value);
    batch.Put(e.cf(Cf::kRaftState), "hard_state", std::to_string(i));
    ASSERT_TRUE(e.write(&batch, false).ok());
    if (i % 500 == 499) {
      ASSERT_TRUE(flushes_done()) << "flushes still running after 10 s";
      peak = std::max(peak, wal_bytes());
    }
  }
  EXPECT_LT(peak, 16u << 20) << "WAL files pile up";
}

TEST(KvFormat, RecordRoundTripAndRejectsGarbage) {
  std::string bytes = encode_record(std::string("v\0\r\n", 4), 123456, 42);
  auto r = decode_record(bytes);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->value, std::string("v\0\r\n", 4));
  EXPECT_EQ(r->expire_at_ms, 123456);
  EXPECT_EQ(r->version, 42u);
  EXPECT_FALSE(decode_record("").has_value());
  EXPECT_FALSE(decode_record(bytes.substr(0, 5)).has_value());
  bytes[0] = 99;
  EXPECT_FALSE(decode_record(bytes).has_value());
  EXPECT_EQ(decode_record(encode_record("v", 0, 1))->type, ValueType::kString);
  auto hash = decode_record(encode_record(encode_collection_meta({77, 3}), 5, 9, ValueType::kHash));
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->type, ValueType::kHash);
  auto meta = decode_collection_meta(hash->value);
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->generation, 77u);
  EXPECT_EQ(meta->size, 3u);
  EXPECT_FALSE(decode_collection_meta("short").has_value());
  // A list's metadata carries its ends too.
  const std::string list = encode_collection_meta({5, 2, kListOrigin - 1, kListOrigin + 1});
  EXPECT_EQ(list.size(), 32u);
  auto ends = decode_collection_meta(list);
  ASSERT_TRUE(ends.has_value());
  EXPECT_EQ(ends->head, kListOrigin - 1);
  EXPECT_EQ(ends->tail, kListOrigin + 1);
  EXPECT_EQ(encode_collection_meta({5, 2, 0, 0}).size(), 16u);
  // A sorted set's carries its index generation.
  const std::string zset = encode_collection_meta({5, 2, 0, 0, 6});
  EXPECT_EQ(zset.size(), 24u);
  EXPECT_EQ(decode_collection_meta(zset)->index_generation, 6u);
  EXPECT_EQ(decode_collection_meta(zset)->head, 0u);
}

TEST(KvFormat, MemberKeysGroupByKeyThenGeneration) {
  // A member key starts with its collection's prefix; another key or generation never shares
  // it, even when one key is a prefix of the other.
  const std::string m = member_key("ab", 5, "field");
  const std::string p = members_prefix("ab", 5);
  EXPECT_EQ(m.substr(0, p.size()), p);
  EXPECT_EQ(m.substr(p.size()), "field");
  EXPECT_NE(member_key("a", 5, "b").substr(0, p.size()), p);
  EXPECT_NE(members_prefix("ab", 6), p);
}

TEST(KvFormat, DataKeysOrderByHashThenKey) {
  std::string a = data_key("alpha");
  EXPECT_EQ(user_key_of_data_key(a), "alpha");
  EXPECT_EQ(hash_of_data_key(a), key_hash("alpha"));
  // The hash is part of the on-disk format: it must never change.
  EXPECT_EQ(key_hash(""), key_hash(""));
  EXPECT_NE(key_hash("a"), key_hash("b"));
}

TEST(LogStore, AppendReadCompactAndTruncate) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  LogStore log(*e);
  rocksdb::WriteBatch wb;
  for (uint64_t i = 1; i <= 10; ++i) log.append(wb, LogEntry{i, 1, 0, "entry" + std::to_string(i)});
  ASSERT_TRUE(e->write(&wb, true).ok());
  EXPECT_EQ(*log.first_index(), 1u);
  EXPECT_EQ(*log.last_index(), 10u);
  auto entries = log.read(3, 5, 1 << 20);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].data, "entry3");
  EXPECT_EQ((*entries)[2].index, 5u);
  // max_bytes stops early but always returns at least one entry.
  EXPECT_EQ(log.read(1, 10, 1)->size(), 1u);

  rocksdb::WriteBatch trim;
  log.compact_prefix(trim, 4);
  log.truncate_suffix(trim, 9);
  ASSERT_TRUE(e->write(&trim, true).ok());
  EXPECT_EQ(*log.first_index(), 5u);
  EXPECT_EQ(*log.last_index(), 8u);
}

TEST(LogStore, DetectsCorruptEntries) {
  std::string bytes = encode_log_entry(LogEntry{5, 2, 0, "payload"});
  auto ok = decode_log_entry(5, bytes);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->term, 2u);
  EXPECT_EQ(ok->data, "payload");
  bytes[bytes.size() - 1] ^= 1;
  auto bad = decode_log_entry(5, bytes);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(decode_log_entry(5, "abc").ok());
}

TEST(ApplyBatch, ReadsItsOwnWritesAndCommitsWithTheAppliedIndex) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  {
    ApplyBatch batch(*e);
    batch.begin_entry(1, 1000);
    batch.put("k", "v1", 0);
    ASSERT_TRUE(batch.get("k").has_value());
    EXPECT_EQ(batch.get("k")->value, "v1");
    batch.begin_entry(2, 1000);
    batch.put("k", "v2", 0);
    batch.put("other", "x", 5000);
    EXPECT_EQ(batch.count(), 2u);
    // Nothing is visible to readers before commit.
    ReadKeyspace before(*e, 1000);
    EXPECT_FALSE(before.get("k").has_value());
    ASSERT_TRUE(batch.commit(false).ok());
  }
  EXPECT_EQ(e->applied_index(), 2u);
  EXPECT_EQ(e->key_count(), 2u);
  ReadKeyspace view(*e, 1000);
  EXPECT_EQ(view.get("k")->value, "v2");
  EXPECT_EQ(view.get("k")->version, 2u);
  EXPECT_EQ(view.get("other")->expire_at_ms, 5000);
  // Still visible during the millisecond it expires at (Redis's rule), gone after it.
  ReadKeyspace at(*e, 5000);
  EXPECT_TRUE(at.get("other").has_value());
  ReadKeyspace later(*e, 5001);
  EXPECT_FALSE(later.get("other").has_value());
  EXPECT_EQ(later.count(), 2u);  // DBSIZE counts expired keys until they are purged
}

// Collections: members live apart from the record under a generation; each collection created
// gets a new one, also several in one entry, so a recreated key never sees old members.
TEST(ApplyBatch, CollectionMembersLiveUnderTheirGeneration) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  uint64_t first = 0, second = 0;
  {
    ApplyBatch batch(*e);
    batch.begin_entry(7, 1000);
    first = batch.new_generation();
    second = batch.new_generation();
    EXPECT_NE(first, second);
    batch.put_member("h", first, "b", "2");
    batch.put_member("h", first, "a", "1");
    batch.put_member("h", second, "z", "26");
    batch.put_member("h-other", first, "c", "3");  // another key, same generation number
    batch.put_record("h", ValueType::kHash, encode_collection_meta({first, 2}), 0);
    EXPECT_EQ(batch.get_member("h", first, "a"), "1");  // the batch reads its own writes
    batch.erase_member("h", first, "b");
    ASSERT_TRUE(batch.commit(false).ok());
  }
  ReadKeyspace view(*e, 1000);
  auto rec = view.get("h");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->type, ValueType::kHash);
  EXPECT_EQ(rec->version, 7u);
  auto meta = decode_collection_meta(rec->value);
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->generation, first);
  std::vector<std::pair<std::string, std::string>> members;
  view.scan_members("h", first, {}, [&](std::string_view m, std::string_view v) {
    members.emplace_back(m, v);
    return true;
  });
  EXPECT_EQ(members, (std::vector<std::pair<std::string, std::string>>{{"a", "1"}}));
  EXPECT_FALSE(view.get_member("h", first, "z").has_value());
  EXPECT_EQ(view.get_member("h", second, "z"), "26");
  EXPECT_EQ(view.get_member("h-other", first, "c"), "3");
  // The next entry's generations are new too, and never collide with this one's.
  ApplyBatch next(*e);
  next.begin_entry(8, 1000);
  const uint64_t third = next.new_generation();
  EXPECT_GT(third, second);
  next.begin_entry(8, 1000);  // another operation of the same entry
  EXPECT_NE(next.new_generation(), third);
}

TEST(ApplyBatch, EraseLeavesATombstoneWhoseVersionWatchSees) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ApplyBatch batch(*e);
  EXPECT_EQ(batch.version("k"), 0u);
  batch.begin_entry(1, 100);
  batch.put("k", "v", 0);
  EXPECT_EQ(batch.version("k"), 1u);
  batch.begin_entry(2, 100);
  EXPECT_TRUE(batch.erase("k"));
  EXPECT_FALSE(batch.erase("k"));
  EXPECT_EQ(batch.version("k"), 2u);
  EXPECT_EQ(batch.count(), 0u);
  batch.begin_entry(3, 100);
  batch.put("k", "again", 0);
  EXPECT_EQ(batch.version("k"), 3u);
  ASSERT_TRUE(batch.commit(false).ok());
}

TEST(ApplyBatch, ExpiryIndexFindsDueKeysAndPurgeRemovesThem) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  {
    ApplyBatch batch(*e);
    batch.begin_entry(1, 1000);
    batch.put("soon", "v", 1500);
    batch.put("later", "v", 9000);
    batch.put("never", "v", 0);
    // Re-setting an expiry moves the key in the index.
    batch.put("soon", "v", 1200);
    ASSERT_TRUE(batch.commit(false).ok());
  }
  EXPECT_TRUE(due_expiries(*e, 1100, 10).empty());
  EXPECT_TRUE(due_expiries(*e, 1200, 10).empty());
  auto due = due_expiries(*e, 2000, 10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0], "soon");
  {
    ApplyBatch batch(*e);
    batch.begin_entry(2, 2000);
    EXPECT_TRUE(batch.purge_if_expired("soon"));
    EXPECT_FALSE(batch.purge_if_expired("later"));
    EXPECT_FALSE(batch.purge_if_expired("never"));
    ASSERT_TRUE(batch.commit(false).ok());
  }
  EXPECT_TRUE(due_expiries(*e, 2000, 10).empty());
  EXPECT_EQ(e->key_count(), 2u);
}

TEST(ApplyBatch, TimeNeverGoesBackwards) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ApplyBatch batch(*e);
  batch.begin_entry(1, 5000);
  batch.begin_entry(2, 4000);  // a later entry stamped by a slower clock
  EXPECT_EQ(batch.now_ms(), 5000);
}

TEST(ApplyBatch, ClearRemovesEverything) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ApplyBatch batch(*e);
  batch.begin_entry(1, 1);
  for (int i = 0; i < 50; ++i) batch.put("k" + std::to_string(i), "v", i % 2 ? 100 : 0);
  ASSERT_TRUE(batch.commit(false).ok());
  batch.begin_entry(2, 1);
  batch.put("fresh", "v", 0);
  batch.clear();
  EXPECT_EQ(batch.count(), 0u);
  ASSERT_TRUE(batch.commit(false).ok());
  ReadKeyspace view(*e, 1);
  size_t seen = 0;
  view.scan(0, 1000, [&](std::string_view, const Record&) { ++seen; });
  EXPECT_EQ(seen, 0u);
  EXPECT_TRUE(due_expiries(*e, 1000, 100).empty());
  EXPECT_EQ(e->key_count(), 0u);
}

TEST(ReadKeyspace, ScanVisitsEveryKeyOnceAcrossCursors) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ApplyBatch batch(*e);
  batch.begin_entry(1, 1);
  for (int i = 0; i < 500; ++i) batch.put("key:" + std::to_string(i), "v", 0);
  ASSERT_TRUE(batch.commit(false).ok());
  ReadKeyspace view(*e, 1);
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    cursor = view.scan(cursor, 10, [&](std::string_view k, const Record&) { seen.emplace(k); });
    ++calls;
  } while (cursor != 0 && calls < 1000);
  EXPECT_EQ(seen.size(), 500u);
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 500u);
  EXPECT_GT(calls, 40);  // COUNT is honoured roughly
  EXPECT_TRUE(view.random_key().has_value());
}

TEST(ReadKeyspace, RandomKeySkipsExpiredAndIsEmptyWhenNothingLives) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ReadKeyspace empty(*e, 1);
  EXPECT_FALSE(empty.random_key().has_value());
  ApplyBatch batch(*e);
  batch.begin_entry(1, 1);
  for (int i = 0; i < 20; ++i) batch.put("dead" + std::to_string(i), "v", 10);
  batch.put("alive", "v", 0);
  ASSERT_TRUE(batch.commit(false).ok());
  ReadKeyspace view(*e, 100);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(view.random_key(), std::optional<std::string>("alive"));
}

}  // namespace
}  // namespace seshat::storage

namespace seshat::storage {
namespace {

// An io thread's point read through the record cache: the value, or "(none)".
std::string cached_read(Engine& engine, std::string_view key) {
  ReadKeyspace view(engine, 0, /*cached=*/true);
  auto rec = view.get(key);
  return rec ? rec->value : "(none)";
}

// Cached point reads (read_cache.h) see every committed apply batch: what a batch writes or
// deletes is gone from the cache once it is committed, whether read before or not.
TEST(Engine, CachedReadsSeeEachCommittedBatch) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ASSERT_NE(e, nullptr);
  auto read = [&](std::string_view key) { return cached_read(*e, key); };
  auto write = [&](uint64_t index, auto&& change) {
    ApplyBatch batch(*e);
    batch.begin_entry(index, 0);
    change(batch);
    ASSERT_TRUE(batch.commit(false).ok());
  };
  write(1, [](ApplyBatch& b) {
    b.put("a", "1", 0);
    b.put("b", "1", 0);
  });
  EXPECT_EQ(read("a"), "1");  // now cached
  EXPECT_EQ(read("b"), "1");
  write(2, [](ApplyBatch& b) { b.put("a", "2", 0); });
  EXPECT_EQ(read("a"), "2");
  EXPECT_EQ(read("b"), "1");
  write(3, [](ApplyBatch& b) { b.erase("b"); });
  EXPECT_EQ(read("b"), "(none)");
  write(4, [](ApplyBatch& b) { b.clear(); });
  EXPECT_EQ(read("a"), "(none)");
}

// The apply path reads the record a write replaces through the same cache, which also holds
// keys known to have no record: a batch sees its own writes, then every committed one, and a
// batch that is never committed leaves nothing behind.
TEST(Engine, ApplyBatchesSeeTheirOwnAndEarlierWritesThroughTheCache) {
  TempDir dir;
  auto e = open_engine(dir.path(), 1);
  ASSERT_NE(e, nullptr);
  auto read = [&](std::string_view key) { return cached_read(*e, key); };
  auto value = [](ApplyBatch& b, std::string_view key) -> std::string {
    auto rec = b.get(key);
    return rec ? rec->value : "(none)";
  };
  EXPECT_EQ(read("c"), "(none)");  // cached as absent
  {
    ApplyBatch b(*e);
    b.begin_entry(1, 0);
    EXPECT_EQ(value(b, "c"), "(none)");
    b.put("c", "1", 0);
    EXPECT_EQ(value(b, "c"), "1");
    EXPECT_TRUE(b.erase("c"));
    EXPECT_EQ(value(b, "c"), "(none)");
    b.put("c", "2", 0);
    EXPECT_EQ(b.count(), 1u);
    ASSERT_TRUE(b.commit(false).ok());
  }
  EXPECT_EQ(read("c"), "2");
  EXPECT_EQ(e->key_count(), 1u);
  {
    ApplyBatch b(*e);
    b.begin_entry(2, 0);
    EXPECT_EQ(value(b, "c"), "2");
    EXPECT_TRUE(b.erase("c"));
    ASSERT_TRUE(b.commit(false).ok());
  }
  EXPECT_EQ(read("c"), "(none)");
  EXPECT_EQ(e->key_count(), 0u);
  {
    ApplyBatch abandoned(*e);
    abandoned.begin_entry(3, 0);
    abandoned.put("c", "never", 0);
    abandoned.put("d", "never", 0);
  }
  EXPECT_EQ(read("c"), "(none)");
  EXPECT_EQ(read("d"), "(none)");
  {
    ApplyBatch b(*e);
    b.begin_entry(3, 0);
    EXPECT_EQ(value(b, "c"), "(none)");
    EXPECT_EQ(value(b, "d"), "(none)");
    b.put("c", "3", 0);
    EXPECT_EQ(b.count(), 1u);
    ASSERT_TRUE(b.commit(false).ok());
  }
  EXPECT_EQ(read("c"), "3");
  EXPECT_EQ(e->key_count(), 1u);
}

}  // namespace
}  // namespace seshat::storage

namespace seshat::storage {
namespace {

// The WAL is written into space whose size is set ahead of the writes (engine.cc), so a crash
// leaves a log with a tail of zeros. A copy of a live data directory is what a crash at that
// moment leaves behind (for a killed process the page cache holds every write): it must open
// with every synced write in it.
TEST(Engine, AWalLeftWithAZeroTailByACrashRecoversEveryWrite) {
  TempDir live;
  TempDir image;
  auto e = open_engine(live.path(), 1);
  ASSERT_NE(e, nullptr);
  constexpr int kWrites = 300;
  for (int i = 0; i < kWrites; ++i) {
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(
        batch.Put(e->cf(Cf::kKvData), "k" + std::to_string(i), "v" + std::to_string(i)).ok());
    ASSERT_TRUE(e->write(&batch, /*sync=*/true).ok());
  }
  uintmax_t wal_size = 0;
  for (const auto& f : std::filesystem::directory_iterator(live.path())) {
    if (f.path().extension() == ".log") wal_size = std::max(wal_size, f.file_size());
    std::filesystem::copy(f.path(), std::filesystem::path(image.path()) / f.path().filename());
  }
  // 300 small writes are a few tens of KiB; the file's size was set in one step far beyond.
  EXPECT_GE(wal_size, uintmax_t{1} << 20);
  auto recovered = open_engine(image.path(), 1);
  ASSERT_NE(recovered, nullptr);
  for (int i = 0; i < kWrites; ++i) {
    auto v = recovered->get(Cf::kKvData, "k" + std::to_string(i));
    ASSERT_TRUE(v.ok()) << v.status();
    ASSERT_TRUE(v->has_value()) << i;
    EXPECT_EQ(**v, "v" + std::to_string(i));
  }
}

TEST(EngineSpaceAlarms, ArePublishedAtCommitAndReloadedAtOpen) {
  seshat::testing::TempDir dir;
  {
    auto engine = open_engine(dir.path(), 1);
    EXPECT_EQ(engine->space_alarm_count(), 0u);
    ApplyBatch batch(*engine);
    batch.begin_entry(5, 1'700'000'000'000);
    batch.set_space_alarms({2, 3});
    // Visible to the batch itself, not yet to readers.
    EXPECT_EQ(batch.space_alarms(), (std::vector<uint64_t>{2, 3}));
    EXPECT_TRUE(engine->space_alarms().empty());
    ASSERT_TRUE(batch.commit(true).ok());
    EXPECT_EQ(engine->space_alarms(), (std::vector<uint64_t>{2, 3}));
    EXPECT_EQ(engine->space_alarm_count(), 2u);
    // An abandoned batch publishes nothing.
    {
      ApplyBatch abandoned(*engine);
      abandoned.begin_entry(6, 1'700'000'000'000);
      abandoned.set_space_alarms({});
    }
    EXPECT_EQ(engine->space_alarm_count(), 2u);
  }
  {
    auto reopened = open_engine(dir.path(), 1);
    EXPECT_EQ(reopened->space_alarms(), (std::vector<uint64_t>{2, 3}));
    ApplyBatch batch(*reopened);
    batch.begin_entry(7, 1'700'000'000'000);
    batch.set_space_alarms({});
    ASSERT_TRUE(batch.commit(true).ok());
    EXPECT_EQ(reopened->space_alarm_count(), 0u);
    EXPECT_TRUE(ReadKeyspace(*reopened, 1'700'000'000'000).space_alarms().empty());
  }
  EXPECT_EQ(open_engine(dir.path(), 1)->space_alarm_count(), 0u);
}

TEST(EngineSpaceAlarms, FreeSpaceIsMeasuredOnTheDataDirectory) {
  seshat::testing::TempDir dir;
  auto engine = open_engine(dir.path(), 1);
  auto free = engine->free_space();
  ASSERT_TRUE(free.ok()) << free.status();
  struct statvfs st {};
  ASSERT_EQ(::statvfs(dir.path().c_str(), &st), 0);
  const uint64_t expected = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  // Other processes write meanwhile: the same filesystem within 64 MiB.
  EXPECT_NEAR(static_cast<double>(*free), static_cast<double>(expected), 64.0 * (1 << 20));
  EXPECT_GT(*free, 0u);
}

TEST(EngineAcl, TheTableIsPublishedAtCommitAndReloadedAtOpen) {
  seshat::testing::TempDir dir;
  {
    auto engine = open_engine(dir.path(), 1);
    EXPECT_EQ(*engine->acl_table(), AclTable{});
    const uint64_t generation = engine->acl_generation();
    ApplyBatch batch(*engine);
    batch.begin_entry(5, 1'700'000'000'000);
    batch.set_acl_table("user alice on");
    // Visible to the batch itself, not yet to readers.
    EXPECT_EQ(batch.acl_table(), (AclTable{5, "user alice on"}));
    EXPECT_EQ(*engine->acl_table(), AclTable{});
    EXPECT_EQ(engine->acl_generation(), generation);
    ASSERT_TRUE(batch.commit(true).ok());
    EXPECT_EQ(*engine->acl_table(), (AclTable{5, "user alice on"}));
    EXPECT_GT(engine->acl_generation(), generation);
    // An abandoned batch publishes nothing.
    {
      ApplyBatch abandoned(*engine);
      abandoned.begin_entry(6, 1'700'000'000'000);
      abandoned.set_acl_table("user bob on");
    }
    EXPECT_EQ(engine->acl_table()->text, "user alice on");
  }
  auto reopened = open_engine(dir.path(), 1);
  EXPECT_EQ(*reopened->acl_table(), (AclTable{5, "user alice on"}));
}

}  // namespace
}  // namespace seshat::storage

namespace seshat::storage {
namespace {

TEST(EngineSlowDisk, ASlowSyncedWriteIsLoggedOnceInAWhile) {
  seshat::testing::TempDir dir;
  OpenOptions options{dir.path(), 1, ""};
  options.slow_sync_warning = std::chrono::milliseconds(0);  // every synced write is "slow"
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  auto engine = Engine::open(options);  // its own synced writes count too
  ASSERT_TRUE(engine.ok()) << engine.status();
  for (int i = 0; i < 3; ++i) {
    rocksdb::WriteBatch batch;
    batch.Put((*engine)->cf(Cf::kMetadata), "probe", std::to_string(i));
    ASSERT_TRUE((*engine)->write(&batch, /*sync=*/true).ok());
  }
  rocksdb::WriteBatch unsynced;
  unsynced.Put((*engine)->cf(Cf::kMetadata), "probe", "x");
  ASSERT_TRUE((*engine)->write(&unsynced, /*sync=*/false).ok());
  spdlog::set_default_logger(previous);
  const std::string text = captured.str();
  // The first is logged, naming the directory; the next ones within ten seconds are not.
  EXPECT_NE(text.find("slow disk: a synced write to " + dir.path()), std::string::npos) << text;
  EXPECT_EQ(text.find("slow disk"), text.rfind("slow disk")) << text;
}

}  // namespace
}  // namespace seshat::storage
