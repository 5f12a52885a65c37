// How the node's millisecond settings become the Raft core's ticks.
//
// The core counts time in ticks. The driver ticks every kTickMs (or every heartbeat, when
// heartbeats come faster than that), so the election timeout the core draws from
// [election_tick, election_tick_max) is the configured [election_timeout_min_ms,
// election_timeout_max_ms) at a resolution of one tick.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace seshat::replication {

struct RaftTiming {
  uint64_t tick_ms = 10;
  int heartbeat_tick = 10;
  int election_tick = 50;
  int election_tick_max = 100;  // exclusive
};

inline constexpr uint64_t kTickMs = 10;

// Expects what Config validation guarantees: 0 < heartbeat < min < max.
inline RaftTiming raft_timing(uint64_t heartbeat_ms, uint64_t election_min_ms,
                              uint64_t election_max_ms) {
  RaftTiming t;
  t.tick_ms = std::clamp<uint64_t>(heartbeat_ms, 1, kTickMs);
  auto ticks = [&](uint64_t ms) { return static_cast<int>(std::max<uint64_t>(1, ms / t.tick_ms)); };
  t.heartbeat_tick = ticks(heartbeat_ms);
  // The core needs heartbeat < election < election_max; rounding to ticks must not break that.
  t.election_tick = std::max(ticks(election_min_ms), t.heartbeat_tick + 1);
  // The upper end is exclusive: round up, so a max that is not a whole number of ticks still
  // leaves its last whole tick below it in the range.
  const auto max_ticks = static_cast<int>((election_max_ms + t.tick_ms - 1) / t.tick_ms);
  t.election_tick_max = std::max(max_ticks, t.election_tick + 1);
  return t;
}

// How long a confirmed ReadIndex round lets a leader serve reads without another
// (raft_driver_reads.cc): no other leader can be elected until every voter that acknowledged
// the round has gone election_tick ticks without hearing from us, which takes at least
// election_tick - 1 tick intervals (the first may fire at once). A tenth of that is kept back
// for clocks that run at different rates.
inline std::chrono::milliseconds lease_duration(const RaftTiming& t) {
  const auto safe_ms = static_cast<uint64_t>(t.election_tick - 1) * t.tick_ms;
  return std::chrono::milliseconds(safe_ms * 9 / 10);
}

inline int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace seshat::replication
