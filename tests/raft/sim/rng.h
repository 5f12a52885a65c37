#pragma once

#include <cstdint>

namespace seshat::raft::sim {

// splitmix64: the simulator's only source of randomness, portable across standard libraries
// (std::uniform_int_distribution is not), so a seed means the same run everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x2545F4914F6CDD1Dull + 0x9E3779B97F4A7C15ull) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  // True with probability per_mille / 1000.
  bool chance(uint64_t per_mille) { return below(1000) < per_mille; }

 private:
  uint64_t state_;
};

}  // namespace seshat::raft::sim
