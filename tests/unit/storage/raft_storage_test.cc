// RaftLogStorage against the core's reference (MemoryStorage) under random operations, across
// reopens, and against what a crash or a flipped byte can leave on disk.
#include <gtest/gtest.h>
#include <rocksdb/transaction_log.h>

#include <random>

#include "raft/memory_storage.h"
#include "raft/raw_node.h"
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

// Moves the state machine to `index` (what the driver's apply batch records).
void apply_to(Engine& e, raft::Index index) {
  ApplyBatch batch(e);
  batch.begin_entry(index, 0);
  ASSERT_TRUE(batch.commit(false).ok());
}

std::string raw_key(uint64_t index) {
  std::string k;
  put_u64_be(k, index);
  return k;
}

// How many write batches reached the WAL after sequence number `since`: the unit a crash
// keeps or loses as a whole.
int batches_since(Engine& e, rocksdb::SequenceNumber since) {
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  if (!e.db()->GetUpdatesSince(since + 1, &it).ok()) return -1;
  int n = 0;
  for (; it->Valid(); it->Next()) {
    if (it->GetBatch().sequence > since) ++n;
  }
  return n;
}

// The whole observable log of both storages must agree.
void expect_same(const RaftLogStorage& rs, const raft::MemoryStorage& ms, std::mt19937_64& rng,
                 const std::string& where) {
  SCOPED_TRACE(where);
  const raft::Index first = *ms.first_index(), last = *ms.last_index();
  ASSERT_EQ(*rs.first_index(), first);
  ASSERT_EQ(*rs.last_index(), last);
  for (raft::Index i = first - 1; i <= last; ++i) ASSERT_EQ(*rs.term(i), *ms.term(i)) << i;
  EXPECT_EQ(rs.term(last + 1).status().code(), raft::ErrorCode::kUnavailable);
  if (first > 1) {
    EXPECT_EQ(rs.term(first - 2).status().code(), raft::ErrorCode::kCompacted);
    EXPECT_EQ(rs.entries(first - 1, last + 1, UINT64_MAX).status().code(),
              raft::ErrorCode::kCompacted);
  }
  EXPECT_EQ((*rs.initial_state()).hard_state, (*ms.initial_state()).hard_state);
  EXPECT_EQ((*rs.initial_state()).conf_state, (*ms.initial_state()).conf_state);
  if (last < first) return;
  for (int k = 0; k < 20; ++k) {
    raft::Index lo = first + rng() % (last - first + 1);
    raft::Index hi = lo + 1 + rng() % (last - lo + 1);
    uint64_t max_size = rng() % 3 == 0 ? UINT64_MAX : rng() % 400;
    auto a = rs.entries(lo, hi, max_size);
    auto b = ms.entries(lo, hi, max_size);
    ASSERT_TRUE(a.ok()) << lo << ".." << hi;
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(*a, *b) << lo << ".." << hi << " max " << max_size;
  }
}

// Random appends (with suffix overwrites), commits, applies, compactions, snapshot installs and
// reopens, applied to both storages the way the driver does; compared after every step.
TEST(RaftStorageConformance, RandomOperationsMatchMemoryStorage) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    TempDir dir, source_dir;
    auto engine = open_engine(dir.path());
    auto log = open_log(*engine);
    // A second state machine whose snapshots are installed (the leader's).
    auto source = open_engine(source_dir.path(), 2);
    raft::MemoryStorage mem;
    raft::ConfState cs;
    cs.voters = {1, 2, 3};
    ASSERT_TRUE(log->bootstrap(cs).ok());
    mem.bootstrap(cs);
    raft::HardState hs;
    raft::Index applied = 0;
    expect_same(*log, mem, rng, "bootstrap");

    for (int step = 0; step < 250; ++step) {
      const std::string where = "step " + std::to_string(step);
      const raft::Index first = *mem.first_index(), last = *mem.last_index();
      const int op = static_cast<int>(rng() % 100);
      if (op < 5 && first > 2) {
        // A leader resending entries that are compacted here: both storages skip them.
        std::vector<raft::Entry> old{raft::Entry{*mem.term(first - 1), first - 1, {}, ""}};
        ASSERT_TRUE(log->persist(hs, old, false).ok()) << where;
        ASSERT_TRUE(mem.append(old).ok());
      } else if (op < 50) {
        // Append after the commit index, replacing whatever uncommitted suffix is there.
        const raft::Index lowest = std::max<raft::Index>(hs.commit + 1, first);
        const raft::Index from = lowest + rng() % (last + 2 - lowest);
        if (rng() % 4 == 0) {
          ++hs.term;
          hs.vote = 1 + rng() % 3;
        }
        std::vector<raft::Entry> ents;
        const size_t n = 1 + rng() % 8;
        for (size_t i = 0; i < n; ++i) {
          const raft::Index idx = from + i;
          ents.push_back(
              raft::Entry{hs.term, idx,
                          rng() % 5 == 0 ? raft::EntryType::kConfChange : raft::EntryType::kNormal,
                          std::string(rng() % 120, static_cast<char>('a' + idx % 26))});
        }
        ASSERT_TRUE(log->persist(hs, ents, rng() % 2 == 0).ok()) << where;
        ASSERT_TRUE(mem.append(ents).ok());
        mem.set_hard_state(hs);
      } else if (op < 70) {
        // Commit and apply some of the log.
        if (last <= applied) continue;
        hs.commit = std::max(hs.commit, applied + 1 + rng() % (last - applied));
        applied = hs.commit - rng() % (hs.commit - applied);
        ASSERT_TRUE(log->persist(hs, {}, false).ok());
        mem.set_hard_state(hs);
        apply_to(*engine, applied);
      } else if (op < 82) {
        // Compact behind the applied index.
        if (applied < first) continue;
        raft::Index up_to = first + rng() % (applied - first + 1);
        ASSERT_TRUE(log->compact(up_to).ok()) << where;
        ASSERT_TRUE(mem.compact(up_to).ok());
      } else if (op < 92) {
        // A snapshot from the leader, ahead of everything applied here.
        raft::SnapshotMetadata meta;
        meta.index = last + 1 + rng() % 5;
        if (rng() % 3 == 0) meta.index = hs.commit + 1 + rng() % 2;  // may be inside the log
        meta.term = ++hs.term;
        meta.conf_state.voters = {1, 2, 3 + rng() % 3};
        if (rng() % 2 == 0) {
          // The whole path: the state machine and the log in one install.
          apply_to(*source, meta.index);
          auto data = serialize_state(*source);
          ASSERT_TRUE(data.ok());
          ASSERT_TRUE(install_snapshot(*engine, *log, raft::Snapshot{*data, meta}).ok()) << where;
        } else {
          // The state machine first, then the log's side through persist().
          apply_to(*engine, meta.index);
          ASSERT_TRUE(log->persist(std::nullopt, {}, &meta, true).ok()) << where;
        }
        ASSERT_TRUE(mem.apply_snapshot(raft::Snapshot{"", meta}).ok());
        applied = meta.index;
        hs.commit = meta.index;
        mem.set_hard_state(hs);
        // The Ready that carries a snapshot carries the hard state too.
        ASSERT_TRUE(log->persist(hs, {}, true).ok());
      } else {
        // Restart: everything comes back from RocksDB (no tail cache).
        log.reset();
        engine.reset();
        engine = open_engine(dir.path());
        ASSERT_NE(engine, nullptr);
        log = open_log(*engine);
        ASSERT_NE(log, nullptr);
      }
      expect_same(*log, mem, rng, where);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(RaftStoragePersist, HardStateEntriesAndSnapshotPointSurviveReopen) {
  TempDir dir;
  raft::SnapshotMetadata meta;
  meta.index = 10;
  meta.term = 4;
  meta.conf_state.voters = {1, 2, 5};
  meta.conf_state.learners = {7};
  {
    auto engine = open_engine(dir.path());
    auto log = open_log(*engine);
    apply_to(*engine, 10);  // the state machine is at the snapshot
    std::vector<raft::Entry> ents;
    for (raft::Index i = 11; i <= 14; ++i) ents.push_back({5, i, raft::EntryType::kNormal, "x"});
    ASSERT_TRUE(log->persist(raft::HardState{5, 2, 12}, ents, &meta, true).ok());
  }
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  EXPECT_EQ((*log->initial_state()).hard_state, (raft::HardState{5, 2, 12}));
  EXPECT_EQ((*log->initial_state()).conf_state, meta.conf_state);
  EXPECT_EQ(*log->first_index(), 11u);
  EXPECT_EQ(*log->last_index(), 14u);
  EXPECT_EQ(*log->term(10), 4u);
  EXPECT_EQ(log->term(9).status().code(), raft::ErrorCode::kCompacted);
  EXPECT_EQ((*log->entries(11, 15, UINT64_MAX)).size(), 4u);
}

TEST(RaftStoragePersist, OneReadyIsOneWriteBatch) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  std::vector<raft::Entry> ents;
  for (raft::Index i = 1; i <= 50; ++i) ents.push_back({1, i, raft::EntryType::kNormal, "v"});
  auto seq = engine->db()->GetLatestSequenceNumber();
  ASSERT_TRUE(log->persist(raft::HardState{1, 1, 0}, ents, true).ok());
  EXPECT_EQ(batches_since(*engine, seq), 1);
  // A conflicting suffix, its replacement and the new term: still one batch.
  std::vector<raft::Entry> replace;
  for (raft::Index i = 30; i <= 60; ++i) replace.push_back({2, i, raft::EntryType::kNormal, "w"});
  seq = engine->db()->GetLatestSequenceNumber();
  ASSERT_TRUE(log->persist(raft::HardState{2, 3, 20}, replace, true).ok());
  EXPECT_EQ(batches_since(*engine, seq), 1);
  // A snapshot point, entries after it and the hard state: one batch.
  apply_to(*engine, 70);
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2, 3}, {}, {}, {}, false}, 70, 3};
  seq = engine->db()->GetLatestSequenceNumber();
  ASSERT_TRUE(log->persist(raft::HardState{3, 0, 70},
                           {raft::Entry{3, 71, raft::EntryType::kNormal, "after"}}, &meta, true)
                  .ok());
  EXPECT_EQ(batches_since(*engine, seq), 1);
  EXPECT_EQ(*log->first_index(), 71u);
  EXPECT_EQ(*log->last_index(), 71u);
}

TEST(RaftStoragePersist, ARefusedWriteChangesNothing) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  ASSERT_TRUE(log->persist(raft::HardState{1, 1, 0}, {raft::Entry{1, 1, {}, "a"}}, true).ok());
  auto seq = engine->db()->GetLatestSequenceNumber();
  // A gap after the last entry.
  EXPECT_FALSE(log->persist(raft::HardState{9, 9, 1}, {raft::Entry{1, 5, {}, "x"}}, true).ok());
  // A snapshot point ahead of the state machine would skip entries it never applied.
  raft::SnapshotMetadata meta{{}, 20, 2};
  EXPECT_EQ(log->persist(std::nullopt, {}, &meta, true).code(),
            absl::StatusCode::kFailedPrecondition);
  // Compaction beyond the applied index would drop entries no snapshot covers.
  EXPECT_EQ(log->compact(1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine->db()->GetLatestSequenceNumber(), seq);
  EXPECT_EQ(log->hard_state(), (raft::HardState{1, 1, 0}));
  EXPECT_EQ(*log->last_index(), 1u);
}

// The core refuses to start from a commit index below its first index; an install must never
// leave one behind, whatever the next write does.
TEST(RaftStoragePersist, TheCoreRestartsRightAfterASnapshotInstall) {
  TempDir dir, source_dir;
  raft::ConfState cs;
  cs.voters = {1, 2, 3};
  {
    auto engine = open_engine(dir.path());
    auto log = open_log(*engine);
    ASSERT_TRUE(log->bootstrap(cs).ok());
    ASSERT_TRUE(log->persist(raft::HardState{1, 2, 3},
                             {raft::Entry{1, 1, {}, ""}, raft::Entry{1, 2, {}, ""},
                              raft::Entry{1, 3, {}, ""}},
                             true)
                    .ok());
    apply_to(*engine, 3);
    auto source = open_engine(source_dir.path(), 2);
    apply_to(*source, 40);
    auto data = serialize_state(*source);
    ASSERT_TRUE(data.ok());
    raft::SnapshotMetadata meta{cs, 40, 6};
    ASSERT_TRUE(install_snapshot(*engine, *log, raft::Snapshot{*data, meta}).ok());
    // Crash here: the Ready's own hard state is never written.
  }
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  ASSERT_NE(log, nullptr);
  auto hs = (*log->initial_state()).hard_state;
  EXPECT_EQ(hs.commit, 40u);
  EXPECT_EQ(hs.term, 6u);
  EXPECT_EQ(hs.vote, raft::kNone);  // the vote was cast in term 1, not 6
  raft::Config config;
  config.id = 1;
  config.storage = log.get();
  config.applied = engine->applied_index();
  EXPECT_TRUE(raft::RawNode::create(config).ok());
}

TEST(RaftStorageBootstrap, RecordsTheMembershipLikeMemoryStorage) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  raft::MemoryStorage mem;
  raft::ConfState cs;
  cs.voters = {1, 2, 3};
  cs.learners = {4};
  ASSERT_TRUE(log->bootstrap(cs).ok());
  mem.bootstrap(cs);
  std::mt19937_64 rng(1);
  expect_same(*log, mem, rng, "bootstrapped");
  EXPECT_EQ(*log->term(0), 0u);
  // Anything on disk makes a node not new: bootstrap refuses.
  EXPECT_EQ(log->bootstrap(cs).code(), absl::StatusCode::kFailedPrecondition);
  TempDir other;
  auto e2 = open_engine(other.path());
  auto l2 = open_log(*e2);
  ASSERT_TRUE(l2->persist(raft::HardState{1, 0, 0}, {}, true).ok());
  EXPECT_EQ(l2->bootstrap(cs).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RaftStorageCorruption, AFlippedByteIsDataLossOnRead) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  {
    auto log = open_log(*engine);
    std::vector<raft::Entry> ents;
    for (raft::Index i = 1; i <= 5; ++i) ents.push_back({1, i, {}, "entry" + std::to_string(i)});
    ASSERT_TRUE(log->persist(raft::HardState{1, 1, 2}, ents, true).ok());
  }
  auto log = open_log(*engine);  // no tail cache: entries come from RocksDB
  std::string value;
  auto* cf = engine->cf(Cf::kRaftLog);
  ASSERT_TRUE(engine->db()->Get(rocksdb::ReadOptions(), cf, raw_key(3), &value).ok());
  value[value.size() / 2] ^= 0x01;
  ASSERT_TRUE(engine->db()->Put(rocksdb::WriteOptions(), cf, raw_key(3), value).ok());
  EXPECT_EQ(log->entries(2, 5, UINT64_MAX).status().code(), raft::ErrorCode::kCorrupt);
  EXPECT_TRUE(log->entries(1, 3, UINT64_MAX).ok());  // entries before it still read
  log.reset();
  auto reopened = RaftLogStorage::open(*engine);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(reopened.status().message()).find("log entry 3"), std::string::npos)
      << reopened.status();
}

// What open() refuses, each with a message that names the problem.
TEST(RaftStorageCorruption, OpenNamesEachInconsistency) {
  auto expect_refused = [](auto&& damage, std::string_view words) {
    TempDir dir;
    auto engine = open_engine(dir.path());
    {
      auto log = open_log(*engine);
      std::vector<raft::Entry> ents;
      for (raft::Index i = 1; i <= 6; ++i) ents.push_back({1, i, {}, "e"});
      ASSERT_TRUE(log->persist(raft::HardState{1, 1, 4}, ents, true).ok());
      apply_to(*engine, 4);
    }
    damage(*engine);
    auto reopened = RaftLogStorage::open(*engine);
    ASSERT_EQ(reopened.status().code(), absl::StatusCode::kDataLoss) << words;
    EXPECT_NE(std::string(reopened.status().message()).find(words), std::string::npos)
        << reopened.status();
  };
  auto* put = +[](Engine& e, Cf cf, std::string key, std::string value) {
    ASSERT_TRUE(e.db()->Put(rocksdb::WriteOptions(), e.cf(cf), key, value).ok());
  };
  // A hole in the middle of the log.
  expect_refused(
      [](Engine& e) {
        ASSERT_TRUE(e.db()->Delete(rocksdb::WriteOptions(), e.cf(Cf::kRaftLog), raw_key(3)).ok());
      },
      "gap");
  // A commit index beyond the last entry (the tail was lost).
  expect_refused(
      [](Engine& e) {
        ASSERT_TRUE(
            e.db()
                ->DeleteRange(rocksdb::WriteOptions(), e.cf(Cf::kRaftLog), raw_key(4), raw_key(100))
                .ok());
      },
      "commit index 4 is beyond the last stored entry 3");
  // A torn hard state record.
  expect_refused([put](Engine& e) { put(e, Cf::kRaftState, "hard_state", "short"); },
                 "hard state is corrupt");
  // The log does not go on right after the compaction point.
  expect_refused(
      [put](Engine& e) {
        std::string offset;
        put_u64_le(offset, 1);
        put_u64_le(offset, 1);
        put(e, Cf::kRaftState, "log_offset", offset);
        ASSERT_TRUE(e.db()->Delete(rocksdb::WriteOptions(), e.cf(Cf::kRaftLog), raw_key(2)).ok());
        ASSERT_TRUE(e.db()->Delete(rocksdb::WriteOptions(), e.cf(Cf::kRaftLog), raw_key(3)).ok());
      },
      "expected entry 2, found 4");
  // Compacted beyond what the state machine holds.
  expect_refused(
      [put](Engine& e) {
        std::string offset;
        put_u64_le(offset, 5);
        put_u64_le(offset, 1);
        put(e, Cf::kRaftState, "log_offset", offset);
        ASSERT_TRUE(
            e.db()
                ->DeleteRange(rocksdb::WriteOptions(), e.cf(Cf::kRaftLog), raw_key(0), raw_key(6))
                .ok());
      },
      "compacted up to 5 but the state machine has applied only up to 4");
  // A state machine ahead of the log.
  expect_refused([](Engine& e) { apply_to(e, 9); }, "applied index 9 is beyond the last stored");
  // A torn membership record.
  expect_refused([put](Engine& e) { put(e, Cf::kSnapshots, "conf_state", "x"); },
                 "membership record is corrupt");
}

TEST(RaftStorageCompaction, RemembersTheTermOfTheLastDroppedEntry) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto log = open_log(*engine);
  std::vector<raft::Entry> ents;
  for (raft::Index i = 1; i <= 10; ++i) ents.push_back({i < 6 ? 1u : 2u, i, {}, "e"});
  ASSERT_TRUE(log->persist(raft::HardState{2, 1, 10}, ents, true).ok());
  apply_to(*engine, 8);
  EXPECT_EQ(log->compact(9).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(log->compact(6).ok());
  EXPECT_EQ(*log->term(6), 2u);
  EXPECT_EQ(*log->first_index(), 7u);
  ASSERT_TRUE(log->compact(3).ok());  // already compacted: nothing to do
  log.reset();
  log = open_log(*engine);
  EXPECT_EQ(*log->term(6), 2u);
  EXPECT_EQ(log->term(5).status().code(), raft::ErrorCode::kCompacted);
  std::string v;
  EXPECT_TRUE(engine->db()
                  ->Get(rocksdb::ReadOptions(), engine->cf(Cf::kRaftLog), raw_key(6), &v)
                  .IsNotFound());
}

}  // namespace
}  // namespace seshat::storage
