// The millisecond settings of [raft] become ticks that keep their meaning.
#include "replication/raft_timing.h"

#include <gtest/gtest.h>

namespace seshat::replication {
namespace {

TEST(RaftTiming, DefaultsTickEveryTenMilliseconds) {
  const RaftTiming t = raft_timing(100, 500, 1000);
  EXPECT_EQ(t.tick_ms, 10u);
  EXPECT_EQ(t.heartbeat_tick, 10);
  EXPECT_EQ(t.election_tick, 50);       // 500 ms
  EXPECT_EQ(t.election_tick_max, 100);  // 1000 ms, exclusive
}

TEST(RaftTiming, ElectionTimeoutMaxIsHonoured) {
  // The maximum used to be ignored (the core drew from [min, 2*min)).
  const RaftTiming t = raft_timing(100, 500, 3000);
  EXPECT_EQ(t.election_tick * static_cast<int>(t.tick_ms), 500);
  EXPECT_EQ(t.election_tick_max * static_cast<int>(t.tick_ms), 3000);
  const RaftTiming narrow = raft_timing(50, 300, 320);
  EXPECT_EQ(narrow.election_tick, 30);
  EXPECT_EQ(narrow.election_tick_max, 32);
}

TEST(RaftTiming, FastHeartbeatsTickFaster) {
  const RaftTiming t = raft_timing(5, 40, 80);
  EXPECT_EQ(t.tick_ms, 5u);
  EXPECT_EQ(t.heartbeat_tick, 1);
  EXPECT_EQ(t.election_tick, 8);
  EXPECT_EQ(t.election_tick_max, 16);
}

TEST(RaftTiming, RoundingKeepsTheCoresOrder) {
  // 105 ms heartbeats and a 109 ms minimum are both 10 ticks; the core needs hb < min < max.
  const RaftTiming t = raft_timing(105, 109, 110);
  EXPECT_LT(t.heartbeat_tick, t.election_tick);
  EXPECT_LT(t.election_tick, t.election_tick_max);
  // A maximum that is not a whole number of ticks keeps its last whole tick in the range.
  const RaftTiming r = raft_timing(100, 500, 995);
  EXPECT_EQ(r.election_tick_max, 100);
}

}  // namespace
}  // namespace seshat::replication
