#include "server/local_log.h"

#include <gtest/gtest.h>

#include <future>

#include "kv/operation.h"
#include "storage/log_store.h"
#include "storage/rocks_keyspace.h"
#include "unit/storage/temp_dir.h"

namespace seshat::server {
namespace {

using protocol::Reply;
using seshat::testing::TempDir;

std::unique_ptr<storage::Engine> open_engine(const std::string& dir) {
  auto e = storage::Engine::open(storage::OpenOptions{dir, 1, ""});
  EXPECT_TRUE(e.ok()) << e.status();
  return std::move(*e);
}

std::string op(std::vector<std::string> argv, int64_t now_ms = 1'000'000) {
  kv::Operation o;
  o.now_ms = now_ms;
  o.commands.push_back(std::move(argv));
  return kv::encode_operation(o);
}

Reply propose_and_wait(LocalLog& log, std::string operation) {
  std::promise<Reply> done;
  auto f = done.get_future();
  log.propose(std::move(operation), [&done](Reply r) { done.set_value(std::move(r)); });
  return f.get();
}

std::optional<std::string> read(storage::Engine& e, const std::string& key) {
  storage::ReadKeyspace view(e, 1'000'000);
  auto r = view.get(key);
  if (!r) return std::nullopt;
  return r->value;
}

TEST(LocalLog, AnswersWithTheApplyReplyAfterCommitting) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  LocalLog log(*engine, LocalLogOptions{});
  ASSERT_TRUE(log.start().ok());
  EXPECT_EQ(propose_and_wait(log, op({"SET", "k", "v"})), Reply::Ok());
  EXPECT_EQ(propose_and_wait(log, op({"INCR", "n"})), Reply::Integer(1));
  EXPECT_EQ(propose_and_wait(log, op({"INCR", "n"})), Reply::Integer(2));
  EXPECT_EQ(read(*engine, "k"), "v");
  EXPECT_EQ(engine->applied_index(), 3u);
  EXPECT_EQ(log.stats().last_index, 3u);
  log.stop();
}

TEST(LocalLog, ManyConcurrentProposalsAreGroupCommitted) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  LocalLog log(*engine, LocalLogOptions{});
  ASSERT_TRUE(log.start().ok());
  constexpr int kThreads = 8, kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_EQ(propose_and_wait(log, op({"INCR", "counter"})).type(), Reply::Type::kInteger);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(read(*engine, "counter"), std::to_string(kThreads * kPerThread));
  auto s = log.stats();
  EXPECT_EQ(s.entries, static_cast<uint64_t>(kThreads * kPerThread));
  // With eight writers waiting on each sync, batches must carry more than one entry each.
  EXPECT_LT(s.batches, s.entries);
  log.stop();
}

TEST(LocalLog, ReplaysEntriesThatWereLoggedButNotApplied) {
  TempDir dir;
  {
    auto engine = open_engine(dir.path());
    LocalLog log(*engine, LocalLogOptions{});
    ASSERT_TRUE(log.start().ok());
    EXPECT_EQ(propose_and_wait(log, op({"SET", "a", "1"})), Reply::Ok());
    log.stop();
    // A crash between the synced log write and the apply batch: entries 2 and 3 are durable in
    // the log but the state machine never saw them.
    storage::LogStore store(*engine);
    rocksdb::WriteBatch wb;
    store.append(wb, storage::LogEntry{2, 1, 0, op({"SET", "b", "2"})});
    store.append(wb, storage::LogEntry{3, 1, 0, op({"APPEND", "a", "x"})});
    ASSERT_TRUE(engine->write(&wb, true).ok());
    EXPECT_EQ(engine->applied_index(), 1u);
  }
  auto engine = open_engine(dir.path());
  LocalLog log(*engine, LocalLogOptions{});
  ASSERT_TRUE(log.start().ok());
  EXPECT_EQ(engine->applied_index(), 3u);
  EXPECT_EQ(read(*engine, "a"), "1x");
  EXPECT_EQ(read(*engine, "b"), "2");
  // New entries continue after the replayed ones.
  EXPECT_EQ(propose_and_wait(log, op({"SET", "c", "3"})), Reply::Ok());
  EXPECT_EQ(log.stats().last_index, 4u);
  log.stop();
}

TEST(LocalLog, ActiveExpiryRemovesDueKeysThroughTheLog) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  LocalLogOptions options;
  options.active_expire_interval_ms = 5;
  LocalLog log(*engine, options);
  ASSERT_TRUE(log.start().ok());
  // Already due: PXAT in the past relative to the wall clock the cycle uses.
  EXPECT_EQ(propose_and_wait(log, op({"SET", "gone", "v", "PXAT", "2000000"}, 1'000'000)), Reply::Ok());
  EXPECT_EQ(propose_and_wait(log, op({"SET", "kept", "v"}, 1'000'000)), Reply::Ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (engine->key_count() != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(engine->key_count(), 1u);
  EXPECT_EQ(read(*engine, "kept"), "v");
  EXPECT_GE(log.stats().expired_keys, 1u);
  log.stop();
}

TEST(LocalLog, OldTombstonesAreCollectedThroughTheLog) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  LocalLogOptions options;
  options.active_expire_interval_ms = 5;
  options.tombstone_ttl_ms = 0;
  LocalLog log(*engine, options);
  ASSERT_TRUE(log.start().ok());
  EXPECT_EQ(propose_and_wait(log, op({"SET", "k", "v"}, 1'000)), Reply::Ok());
  EXPECT_EQ(propose_and_wait(log, op({"DEL", "k"}, 1'000)), Reply::Integer(1));
  storage::ReadKeyspace view(*engine, 1'000);
  EXPECT_EQ(view.version("k"), 2u);  // the delete's tombstone
  uint64_t applied_before = engine->applied_index();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (view.version("k") != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(view.version("k"), 0u);
  // The collection was a log entry, applied like any write.
  EXPECT_GT(engine->applied_index(), applied_before);
  log.stop();
}

TEST(LocalLog, RefusesProposalsAfterStop) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  LocalLog log(*engine, LocalLogOptions{});
  ASSERT_TRUE(log.start().ok());
  log.stop();
  Reply r = propose_and_wait(log, op({"SET", "k", "v"}));
  ASSERT_TRUE(r.is_error());
  EXPECT_EQ(r.str().rfind("TRYAGAIN", 0), 0u);
  EXPECT_FALSE(read(*engine, "k").has_value());
}

}  // namespace
}  // namespace seshat::server
