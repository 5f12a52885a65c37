// kv::StateMachine: an apply round is written with its applied index or not at all, reads inside
// a round see its writes, a lost round applied again gives the same replies, and a snapshot of
// one state machine restores another.
#include "kv/state_machine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/snapshot_codec.h"
#include "unit/kv/kv_test_util.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::kv::testing {
namespace {

using protocol::Reply;
using seshat::testing::TempDir;
using storage::testing::open_engine;
using storage::testing::open_log;

// A state machine on an empty database of its own.
class StateMachineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = open_engine(dir_.path());
    ASSERT_NE(engine_, nullptr);
    machine_ = std::make_unique<StateMachine>(*engine_, Limits{});
  }

  TempDir dir_;
  std::unique_ptr<storage::Engine> engine_;
  std::unique_ptr<StateMachine> machine_;
};

TEST_F(StateMachineTest, RoundIsWrittenWithItsAppliedIndex) {
  EXPECT_EQ(machine_->applied_index(), 0u);
  {
    StateMachine::Batch batch(*machine_);
    EXPECT_EQ(batch.apply(1, command_op({"SET", "k", "v"})), Reply::Ok());
    batch.skip(2);  // an entry without operations still counts
    EXPECT_EQ(batch.index(), 2u);
    // Not committed yet: neither the write nor the index is visible outside the round.
    EXPECT_EQ(machine_->read(command_op({"GET", "k"})), Reply::Null());
    EXPECT_EQ(machine_->applied_index(), 0u);
    ASSERT_TRUE(batch.commit().ok());
  }
  EXPECT_EQ(machine_->applied_index(), 2u);
  EXPECT_EQ(machine_->read(command_op({"GET", "k"})), Reply::Bulk("v"));
  // WATCH's version is the index of the entry that wrote the key.
  EXPECT_EQ(machine_->version("k", kNow), 1u);
  {
    StateMachine::Batch empty_entries(*machine_);
    empty_entries.skip(3);
    ASSERT_TRUE(empty_entries.commit().ok());
  }
  EXPECT_EQ(machine_->applied_index(), 3u);
}

TEST_F(StateMachineTest, ReadsInsideARoundSeeItsWrites) {
  StateMachine::Batch batch(*machine_);
  EXPECT_EQ(batch.read(command_op({"GET", "n"})), Reply::Null());
  EXPECT_EQ(batch.apply(1, command_op({"INCR", "n"})), Reply::Integer(1));
  EXPECT_EQ(batch.read(command_op({"GET", "n"})), Reply::Bulk("1"));
  EXPECT_EQ(batch.apply(2, command_op({"INCR", "n"})), Reply::Integer(2));
  EXPECT_EQ(batch.read(command_op({"GET", "n"})), Reply::Bulk("2"));
}

TEST_F(StateMachineTest, LostRoundAppliesAgainToTheSameReplies) {
  auto run_round = [&](bool commit) {
    StateMachine::Batch batch(*machine_);
    std::vector<Reply> replies;
    replies.push_back(batch.apply(1, command_op({"INCR", "n"})));
    replies.push_back(batch.apply(2, command_op({"SADD", "s", "a", "b"})));
    replies.push_back(batch.apply(2, command_op({"INCR", "n"})));  // two proposals in one entry
    if (commit) {
      EXPECT_TRUE(batch.commit().ok());
    }
    return replies;
  };
  const std::vector<Reply> first = run_round(/*commit=*/false);  // a crash before the write
  EXPECT_EQ(machine_->applied_index(), 0u);
  EXPECT_EQ(machine_->read(command_op({"EXISTS", "n", "s"})), Reply::Integer(0));
  EXPECT_EQ(run_round(/*commit=*/true), first);
  EXPECT_EQ(first.back(), Reply::Integer(2));
  EXPECT_EQ(machine_->applied_index(), 2u);
  EXPECT_EQ(machine_->read(command_op({"SCARD", "s"})), Reply::Integer(2));
}

TEST_F(StateMachineTest, ClockNeverGoesBackwardsWithinARound) {
  StateMachine::Batch batch(*machine_);
  EXPECT_EQ(batch.apply(1, command_op({"SET", "k", "v", "PX", "100"}, kNow)), Reply::Ok());
  EXPECT_EQ(batch.apply(2, command_op({"EXISTS", "k"}, kNow + 200)), Reply::Integer(0));
  // A later entry stamped by a leader whose clock is behind still sees the key expired.
  EXPECT_EQ(batch.apply(3, command_op({"EXISTS", "k"}, kNow + 50)), Reply::Integer(0));
}

TEST(StateMachine, RestoresAnotherMachinesSnapshot) {
  TempDir src_dir, dst_dir;
  auto src_engine = open_engine(src_dir.path(), 1);
  auto dst_engine = open_engine(dst_dir.path(), 2);
  ASSERT_NE(src_engine, nullptr);
  ASSERT_NE(dst_engine, nullptr);
  auto dst_log = open_log(*dst_engine);
  ASSERT_NE(dst_log, nullptr);
  StateMachine src(*src_engine, Limits{});
  StateMachine dst(*dst_engine, Limits{});
  {
    StateMachine::Batch batch(src);
    batch.apply(1, command_op({"SET", "k", "from-src"}));
    batch.apply(2, command_op({"RPUSH", "l", "x", "y"}));
    ASSERT_TRUE(batch.commit().ok());
  }
  {
    StateMachine::Batch batch(dst);
    batch.apply(1, command_op({"SET", "only-dst", "gone after restore"}));
    ASSERT_TRUE(batch.commit().ok());
  }
  auto data = storage::serialize_state(*src_engine);
  ASSERT_TRUE(data.ok()) << data.status();
  raft::SnapshotMetadata meta{raft::ConfState{{1, 2}, {}, {}, {}, false}, 2, 1};
  ASSERT_TRUE(dst.restore(*dst_log, raft::Snapshot{*data, meta}).ok());
  EXPECT_EQ(dst.applied_index(), 2u);
  EXPECT_EQ(dst.read(command_op({"GET", "k"})), Reply::Bulk("from-src"));
  EXPECT_EQ(dst.read(command_op({"LRANGE", "l", "0", "-1"})),
            Reply::Array({Reply::Bulk("x"), Reply::Bulk("y")}));
  EXPECT_EQ(dst.read(command_op({"EXISTS", "only-dst"})), Reply::Integer(0));
  // The same snapshot again is not newer than what is applied: refused, nothing written.
  EXPECT_EQ(dst.restore(*dst_log, raft::Snapshot{*data, meta}).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(dst.read(command_op({"GET", "k"})), Reply::Bulk("from-src"));
}

}  // namespace
}  // namespace seshat::kv::testing
