// The state machine (kv::StateMachine over RocksDB) against the in-memory model: the same
// random log (every family of commands, transactions, expiry purges, a moving clock) applied to
// both must give the same reply at every entry and leave the same state, read back through the
// commands, before and after the database is closed and opened again. Entries are committed in
// rounds of one to five, as the replicator applies them, so reads inside a batch of uncommitted
// writes are covered too.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kv/apply.h"
#include "kv/state_machine.h"
#include "storage/mem_keyspace.h"
#include "unit/kv/random_workload.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::kv::testing {
namespace {

using seshat::testing::TempDir;
using storage::testing::open_engine;

// The keys random_workload() draws from.
const std::vector<std::string> kKeys = {"a", "b", "c", std::string("\0d", 2), "e\r\n"};

std::string describe(const Operation& op) {
  std::string out;
  for (const Argv& argv : op.commands) {
    out += out.empty() ? "" : " | ";
    for (const std::string& a : argv) out += a + " ";
  }
  return out;
}

// One read, on the model or on the state machine's committed state.
Reply run(storage::MemKeyspace& model, Argv argv, int64_t now) {
  return apply_operation(command_op(std::move(argv), now), model, Limits{});
}
Reply run(StateMachine& machine, Argv argv, int64_t now) {
  return machine.read(command_op(std::move(argv), now));
}
uint64_t version_of(storage::MemKeyspace& model, const std::string& key, int64_t) {
  return model.version(key);
}
uint64_t version_of(StateMachine& machine, const std::string& key, int64_t now) {
  return machine.version(key, now);
}

// Everything a client could read about the keys, as replies.
template <typename State>
std::vector<Reply> read_back(State& state, int64_t now) {
  std::vector<Reply> out;
  out.push_back(run(state, {"DBSIZE"}, now));
  out.push_back(run(state, {"SCAN", "0", "COUNT", "100"}, now));
  for (const std::string& key : kKeys) {
    out.push_back(Reply::Integer(static_cast<int64_t>(version_of(state, key, now))));
    for (Argv argv : std::vector<Argv>{{"TYPE", key},
                                       {"PTTL", key},
                                       {"GET", key},
                                       {"HGETALL", key},
                                       {"LRANGE", key, "0", "-1"},
                                       {"SMEMBERS", key},
                                       {"ZRANGE", key, "0", "-1", "WITHSCORES"}}) {
      out.push_back(run(state, std::move(argv), now));
    }
  }
  return out;
}

TEST(RocksKeyspaceModel, RandomLogsGiveTheSameRepliesAndState) {
  for (uint64_t seed : {101, 102, 103, 104, 105, 106, 107, 108}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDir dir;
    auto engine = open_engine(dir.path());
    ASSERT_NE(engine, nullptr);
    storage::MemKeyspace model(kNow, 0, seed);
    std::mt19937_64 rng(seed);
    const Limits limits;
    StateMachine machine(*engine, limits);
    auto batch = std::make_unique<StateMachine::Batch>(machine);
    uint64_t group = 1 + rng() % 5;
    uint64_t index = 0;
    int64_t now = kNow;
    for (const Operation& op : random_workload(seed, 1500)) {
      ++index;
      now = op.now_ms;
      model.set_index(index);
      model.set_now_ms(now);
      const Reply want = apply_operation(op, model, limits);
      const Reply got = batch->apply(index, op);
      ASSERT_EQ(got, want) << "entry " << index << ": " << describe(op);
      if (--group == 0) {
        ASSERT_TRUE(batch->commit().ok());
        batch = std::make_unique<StateMachine::Batch>(machine);
        group = 1 + rng() % 5;
      }
    }
    ASSERT_TRUE(batch->commit().ok());
    batch.reset();
    EXPECT_EQ(machine.applied_index(), index);

    const std::vector<Reply> want = read_back(model, now);
    EXPECT_EQ(read_back(machine, now), want);
    engine.reset();
    engine = open_engine(dir.path());
    ASSERT_NE(engine, nullptr);
    StateMachine reopened(*engine, limits);
    EXPECT_EQ(reopened.applied_index(), index);
    EXPECT_EQ(read_back(reopened, now), want) << "after reopening the database";
  }
}

}  // namespace
}  // namespace seshat::kv::testing
