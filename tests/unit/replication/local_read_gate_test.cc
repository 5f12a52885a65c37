// When io threads may answer reads without the driver: only under a running lease, and only
// while nothing committed is left unapplied, before and after the read.
#include "replication/local_read_gate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

namespace seshat::replication {
namespace {

using Clock = LocalReadGate::Clock;
using namespace std::chrono_literals;

class LocalReadGateTest : public ::testing::Test {
 protected:
  // A leader with a lease for another second and everything applied up to `index`.
  void lead_at(uint64_t index) {
    gate_.publish_commit(index);
    gate_.publish_applied(index);
    gate_.publish_lease(Clock::now() + 1s);
  }

  LocalReadGate gate_;
  int reads_ = 0;
  std::function<int()> read_ = [this] { return ++reads_; };
};

TEST_F(LocalReadGateTest, ServesUnderTheLeaseWithEverythingApplied) {
  lead_at(7);
  EXPECT_EQ(gate_.try_read(read_), 1);
  EXPECT_EQ(gate_.served(), 1u);
  EXPECT_TRUE(gate_.take_used());
  EXPECT_FALSE(gate_.take_used());  // reported once
}

TEST_F(LocalReadGateTest, NothingWithoutALease) {
  gate_.publish_commit(3);
  gate_.publish_applied(3);
  EXPECT_EQ(gate_.try_read(read_), std::nullopt);
  gate_.publish_lease(Clock::now() - 1ms);  // already over
  EXPECT_EQ(gate_.try_read(read_), std::nullopt);
  gate_.publish_lease(Clock::now() + 1s);
  gate_.end_lease();
  EXPECT_EQ(gate_.try_read(read_), std::nullopt);
  EXPECT_EQ(gate_.served(), 0u);
  EXPECT_FALSE(gate_.take_used());
}

// The chaos run's case: the leader committed entry 8 and told a follower, which served it;
// the leader has applied only 7, so its state would be older than what a client already saw.
TEST_F(LocalReadGateTest, RefusesWhileACommittedEntryIsUnapplied) {
  lead_at(7);
  gate_.publish_commit(8);
  EXPECT_EQ(gate_.try_read(read_), std::nullopt);
  EXPECT_EQ(reads_, 0);  // not even tried
  gate_.publish_applied(8);
  EXPECT_EQ(gate_.try_read(read_), 1);
}

TEST_F(LocalReadGateTest, DropsAReadDuringWhichACommitArrived) {
  lead_at(7);
  // The commit moves on while the read runs: what it saw may miss an entry a client sees.
  auto read = [this] {
    gate_.publish_commit(8);
    return ++reads_;
  };
  EXPECT_EQ(gate_.try_read(read), std::nullopt);
  EXPECT_EQ(reads_, 1);
  EXPECT_EQ(gate_.served(), 0u);
}

TEST_F(LocalReadGateTest, DropsAReadDuringWhichTheLeaseEnded) {
  lead_at(7);
  auto read = [this] {
    gate_.end_lease();  // a transfer or a new term, published by the driver meanwhile
    return ++reads_;
  };
  EXPECT_EQ(gate_.try_read(read), std::nullopt);
  EXPECT_EQ(gate_.served(), 0u);
}

// A group of one (or read_mode = "stale") reads under a lease without end, and the commit
// check still keeps a read from seeing half of an apply batch: an MGET that read one key
// before an MSET's batch went in and the other after.
TEST_F(LocalReadGateTest, AnEndlessLeaseStillRefusesAReadAcrossAnApply) {
  gate_.publish_commit(7);
  gate_.publish_applied(7);
  gate_.publish_lease(Clock::time_point::max());
  EXPECT_EQ(gate_.try_read(read_), 1);
  auto read = [this] {
    gate_.publish_commit(8);   // the driver starts applying entry 8
    gate_.publish_applied(8);  // and finishes, all while the read runs
    return ++reads_;
  };
  EXPECT_EQ(gate_.try_read(read), std::nullopt);
  EXPECT_EQ(gate_.try_read(read_), 3);  // nothing in flight any more
}

}  // namespace
}  // namespace seshat::replication
