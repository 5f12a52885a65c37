// apply_operation: single commands, transactions (WATCH, errors inside), active-expiry purges,
// malformed operations, and determinism across replicas.
#include "kv/apply.h"

#include <random>
#include <string>

#include "kv/errors.h"
#include "kv/operation.h"
#include "kv_test_util.h"
#include "random_workload.h"

namespace seshat::kv::testing {
namespace {

Operation tx_op(std::vector<Argv> commands, std::vector<std::pair<std::string, uint64_t>> watches,
                int64_t now = kNow) {
  Operation op;
  op.kind = Operation::Kind::kTransaction;
  op.now_ms = now;
  op.commands = std::move(commands);
  op.watches = std::move(watches);
  return op;
}

class Apply : public ::testing::Test {
 protected:
  // Applies as the replica loop does: a new index per entry, the entry's clock.
  Reply apply(const Operation& op) {
    ks.set_index(++index);
    ks.set_now_ms(op.now_ms);
    return apply_operation(op, ks, limits);
  }

  uint64_t index = 0;
  storage::MemKeyspace ks{kNow, 0};
  Limits limits;
};

TEST_F(Apply, SpaceAlarmsAreRaisedAndClearedIdempotently) {
  auto alarm = [](std::string node, std::string what) {
    Operation op;
    op.kind = Operation::Kind::kSetSpaceAlarm;
    op.now_ms = kNow;
    op.commands = {{std::move(node), std::move(what)}};
    return op;
  };
  EXPECT_EQ(apply(alarm("3", "raise")), Ok());
  EXPECT_EQ(apply(alarm("1", "raise")), Ok());
  EXPECT_EQ(apply(alarm("3", "raise")), Ok());  // again: no change
  EXPECT_EQ(ks.space_alarms(), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(apply(alarm("3", "clear")), Ok());
  EXPECT_EQ(apply(alarm("2", "clear")), Ok());  // never raised: no change
  EXPECT_EQ(ks.space_alarms(), (std::vector<uint64_t>{1}));
  // FLUSHALL empties the keyspace, not the alarms.
  EXPECT_EQ(apply(command_op({"FLUSHALL"})), Ok());
  EXPECT_EQ(ks.space_alarms(), (std::vector<uint64_t>{1}));
  // What no node proposes is refused, and changes nothing.
  const Reply malformed = Reply::Error(std::string(err::kMalformedOperation));
  for (auto [node, what] :
       std::initializer_list<std::pair<const char*, const char*>>{{"0", "raise"},
                                                                  {"x", "raise"},
                                                                  {"1x", "raise"},
                                                                  {"", "raise"},
                                                                  {"18446744073709551616", "raise"},
                                                                  {"2", "RAISE"},
                                                                  {"2", ""}}) {
    EXPECT_EQ(apply(alarm(node, what)), malformed) << node << " " << what;
  }
  EXPECT_EQ(ks.space_alarms(), (std::vector<uint64_t>{1}));
}

TEST_F(Apply, TheAclTableChangesOnlyFromTheVersionItWasComputedFrom) {
  auto set_acl = [](uint64_t expected, std::string text) {
    Operation op;
    op.kind = Operation::Kind::kSetAcl;
    op.now_ms = kNow;
    op.commands = {{std::move(text)}};
    op.watches = {{"", expected}};
    return op;
  };
  EXPECT_EQ(ks.acl_table(), storage::AclTable{});
  EXPECT_EQ(apply(set_acl(0, "user a on")), Ok());
  EXPECT_EQ(ks.acl_table(), (storage::AclTable{index, "user a on"}));
  const uint64_t first = index;
  // Computed from the empty table, which is gone: refused, the table stays.
  EXPECT_EQ(apply(set_acl(0, "user b on")), Reply::Error(std::string(err::kAclChanged)));
  EXPECT_EQ(ks.acl_table(), (storage::AclTable{first, "user a on"}));
  EXPECT_EQ(apply(set_acl(first, "")), Ok());
  EXPECT_EQ(ks.acl_table(), (storage::AclTable{index, ""}));
  // FLUSHALL empties the keyspace, not the users.
  EXPECT_EQ(apply(command_op({"FLUSHALL"})), Ok());
  EXPECT_EQ(ks.acl_table().version, index - 1);
}

TEST_F(Apply, SingleCommand) {
  EXPECT_EQ(apply(command_op({"SET", "k", "v"})), Ok());
  EXPECT_EQ(apply(command_op({"get", "k"})), Bulk("v"));
  EXPECT_EQ(ks.raw("k")->version, 1u);
}

TEST_F(Apply, UnknownCommandsAndBadArityAreErrorsNotCrashes) {
  EXPECT_EQ(apply(command_op({"NOPE", "a"})),
            Err("ERR unknown command 'NOPE', with args beginning with: 'a' "));
  EXPECT_EQ(apply(command_op({"GET"})), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(apply(command_op({"SET", "k"})),
            Err("ERR wrong number of arguments for 'set' command"));
  EXPECT_EQ(apply(command_op({"PING"})),
            Err("ERR command 'ping' is not executed by the state machine"));
  Operation empty;
  empty.kind = Operation::Kind::kCommand;
  EXPECT_EQ(apply(empty), Err("ERR malformed operation"));
  empty.commands = {{}};
  EXPECT_EQ(apply(empty), Err("ERR malformed operation"));
}

TEST_F(Apply, RelativeExpiryUsesTheOperationsClock) {
  EXPECT_EQ(apply(command_op({"SET", "k", "v", "EX", "10"}, kNow + 5'000)), Ok());
  EXPECT_EQ(ks.raw("k")->expire_at_ms, kNow + 15'000);
  EXPECT_EQ(apply(command_op({"PEXPIRE", "k", "1"}, kNow + 6'000)), Int(1));
  EXPECT_EQ(ks.raw("k")->expire_at_ms, kNow + 6'001);
}

TEST_F(Apply, TransactionRunsEveryCommandAndKeepsGoingAfterErrors) {
  EXPECT_EQ(apply(command_op({"SET", "s", "text"})), Ok());
  Reply r = apply(tx_op({{"SET", "a", "1"},
                         {"INCR", "s"},
                         {"INCR", "a"},
                         {"SET", "b", "v", "EX", "0"},
                         {"NOSUCH"},
                         {"GET", "a"}},
                        {}));
  EXPECT_EQ(r, Arr({Ok(), Err("ERR value is not an integer or out of range"), Int(2),
                    Err("ERR invalid expire time in 'set' command"),
                    Err("ERR unknown command 'NOSUCH', with args beginning with: "), Bulk("2")}));
  EXPECT_EQ(apply(tx_op({}, {})), Arr({}));  // MULTI + EXEC with nothing queued
}

TEST_F(Apply, TransactionSeesItsOwnWrites) {
  Reply r =
      apply(tx_op({{"SET", "x", "1"}, {"APPEND", "x", "2"}, {"GETDEL", "x"}, {"EXISTS", "x"}}, {}));
  EXPECT_EQ(r, Arr({Ok(), Int(2), Bulk("12"), Int(0)}));
}

TEST_F(Apply, WatchOfAnUnchangedKeyPasses) {
  EXPECT_EQ(apply(command_op({"SET", "w", "1"})), Ok());
  const uint64_t seen = ks.version("w");
  EXPECT_EQ(apply(command_op({"SET", "other", "1"})), Ok());
  EXPECT_EQ(apply(tx_op({{"INCR", "w"}}, {{"w", seen}})), Arr({Int(2)}));
  // And a key that never existed and still does not.
  EXPECT_EQ(apply(tx_op({{"GET", "never"}}, {{"never", ks.version("never")}})), Arr({Nil()}));
}

TEST_F(Apply, WatchOfAChangedKeyAbortsEverything) {
  EXPECT_EQ(apply(command_op({"SET", "w", "1"})), Ok());
  const uint64_t seen = ks.version("w");
  EXPECT_EQ(apply(command_op({"SET", "w", "1"})), Ok());  // same value, still a write
  EXPECT_EQ(apply(tx_op({{"SET", "side", "effect"}}, {{"w", seen}})), Reply::NullArray());
  EXPECT_EQ(apply(command_op({"EXISTS", "side"})), Int(0));
}

TEST_F(Apply, WatchSeesDeletesExpiryAndCreation) {
  // Deleted.
  EXPECT_EQ(apply(command_op({"SET", "d", "1"})), Ok());
  uint64_t seen = ks.version("d");
  EXPECT_EQ(apply(command_op({"DEL", "d"})), Int(1));
  EXPECT_EQ(apply(tx_op({{"PING"}}, {{"d", seen}})), Reply::NullArray());
  // Created after the watch of a missing key, then deleted again: still a change.
  seen = ks.version("c");
  EXPECT_EQ(apply(command_op({"SET", "c", "1"})), Ok());
  EXPECT_EQ(apply(command_op({"DEL", "c"})), Int(1));
  EXPECT_EQ(apply(tx_op({{"GET", "c"}}, {{"c", seen}})), Reply::NullArray());
  // Expired in between (the clock of a later entry passes its expiry).
  EXPECT_EQ(apply(command_op({"SET", "e", "1", "PX", "100"})), Ok());
  seen = ks.version("e");
  EXPECT_EQ(apply(tx_op({{"GET", "e"}}, {{"e", seen}}, kNow + 101)), Reply::NullArray());
  // Flushed.
  EXPECT_EQ(apply(command_op({"SET", "f", "1"})), Ok());
  seen = ks.version("f");
  EXPECT_EQ(apply(command_op({"FLUSHALL"})), Ok());
  EXPECT_EQ(apply(tx_op({{"GET", "f"}}, {{"f", seen}})), Reply::NullArray());
}

TEST_F(Apply, PurgeExpiredRemovesOnlyExpiredKeys) {
  EXPECT_EQ(apply(command_op({"SET", "a", "1", "PX", "10"})), Ok());
  EXPECT_EQ(apply(command_op({"SET", "b", "1", "PX", "1000"})), Ok());
  EXPECT_EQ(apply(command_op({"SET", "c", "1"})), Ok());
  Operation purge;
  purge.kind = Operation::Kind::kPurgeExpired;
  purge.commands = {{"a", "b", "c", "missing"}};
  purge.now_ms = kNow + 10;  // a's expiry time itself: not expired yet
  EXPECT_EQ(apply(purge), Int(0));
  EXPECT_TRUE(ks.raw("a"));
  purge.now_ms = kNow + 11;
  EXPECT_EQ(apply(purge), Int(1));
  EXPECT_FALSE(ks.raw("a"));
  EXPECT_TRUE(ks.raw("b"));
  EXPECT_TRUE(ks.raw("c"));
  EXPECT_EQ(apply(command_op({"DBSIZE"}, kNow + 11)), Int(2));
  // A key rewritten after the purge was proposed is not removed by it.
  EXPECT_EQ(apply(command_op({"SET", "b", "2"}, kNow + 2000)), Ok());
  purge.now_ms = kNow + 2000;
  purge.commands = {{"b"}};
  EXPECT_EQ(apply(purge), Int(0));
  EXPECT_EQ(apply(command_op({"GET", "b"}, kNow + 2000)), Bulk("2"));
}

TEST(Determinism, TwoReplicasReachTheSameStateAndReplies) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    auto ops = random_workload(seed, 400);
    // Replica B's RANDOMKEY seed differs: randomness must not reach the state.
    storage::MemKeyspace a(kNow, 0, 1), b(kNow, 0, 2);
    Limits limits;
    uint64_t index = 0;
    for (const Operation& op : ops) {
      // Each replica decodes the log entry it received.
      auto decoded = decode_operation(encode_operation(op));
      ASSERT_TRUE(decoded);
      ++index;
      a.set_index(index);
      a.set_now_ms(op.now_ms);
      b.set_index(index);
      b.set_now_ms(decoded->now_ms);
      Reply ra = apply_operation(op, a, limits);
      Reply rb = apply_operation(*decoded, b, limits);
      ASSERT_EQ(ra, rb) << "seed " << seed << " entry " << index;
    }
    EXPECT_EQ(a.dump(), b.dump()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace seshat::kv::testing
