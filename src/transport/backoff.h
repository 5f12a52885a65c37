// Exponential backoff with jitter for reconnect attempts: after a failure wait `initial`, then
// twice as long per further failure up to `max`, each wait drawn from [50%, 100%] of its
// nominal value so that the nodes of a cluster that lost a peer together do not retry in step.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace seshat::transport {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(std::max(initial, std::chrono::milliseconds(1))),
        max_(std::max(max, initial_)),
        next_(initial_),
        rng_(std::random_device{}()) {}

  // The wait before the next attempt; each call doubles the following one.
  std::chrono::milliseconds next() {
    const std::chrono::milliseconds nominal = next_;
    next_ = std::min(next_ * 2, max_);
    std::uniform_int_distribution<long> jitter(nominal.count() / 2, nominal.count());
    return std::chrono::milliseconds(jitter(rng_));
  }

  // After a success: the next failure waits `initial` again.
  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
  std::mt19937_64 rng_;
};

}  // namespace seshat::transport
