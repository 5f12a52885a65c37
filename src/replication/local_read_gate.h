// When an io thread may answer a read from this node's applied state without the Raft driver.
//
// The driver publishes three facts; io threads read them around the read itself:
// - the commit index, before any message carrying it leaves this node: no client anywhere can
//   have seen an entry beyond the published commit (a follower serves a READONLY read only up
//   to a commit index it was sent; a write is acknowledged after its apply here);
// - the applied index, after the apply batch is in the store;
// - until when a leader lease holds (monotonic clock, 0 for "not now").
//
// A read is served when, loaded in this order: the applied index A is read, the read runs (it
// sees state at A or later), then the lease is still valid, then the published commit is at
// most A. At the read's moment nobody else could lead (the lease held later still, and it
// covers all earlier times in its term: no other leader was elected since the round that
// started it), so every write anyone had seen by then is at or below the commit loaded after
// it, hence below A, hence in what the read saw. A commit ahead of the applied index means a
// client may already have seen a write this state lacks (a chaos run caught exactly that, a
// follower returning a committed entry the leader had not applied): the read goes back to the
// driver, which positions it in the log.
//
// A group of one, and read_mode = "stale", publish a lease without end: nobody else can lead,
// or leadership does not matter. The commit check still applies to them: a read that ran while
// an apply batch went into RocksDB may have seen part of it (an MGET half before and half after
// an MSET), and goes to the driver instead.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace seshat::replication {

class LocalReadGate {
 public:
  using Clock = std::chrono::steady_clock;

  // Driver side.
  void publish_commit(uint64_t index) { commit_.store(index, std::memory_order_release); }
  void publish_applied(uint64_t index) { applied_.store(index, std::memory_order_release); }
  void publish_lease(Clock::time_point until) {
    const int64_t ns = until.time_since_epoch().count();
    if (lease_until_ns_.load(std::memory_order_relaxed) != ns) {
      lease_until_ns_.store(ns, std::memory_order_release);
    }
  }
  void end_lease() { lease_until_ns_.store(0, std::memory_order_release); }
  // True once since the last call if a read used the lease (the driver then renews it early).
  bool take_used() { return used_.exchange(false, std::memory_order_relaxed); }
  uint64_t served() const { return served_.load(std::memory_order_relaxed); }

  // Io-thread side: the read's result if it may be answered here, else nullopt (ask the
  // driver). `read` may run and have its result dropped; it must not have side effects that a
  // second run through the driver would repeat.
  template <typename Read>
  auto try_read(Read&& read) -> std::optional<decltype(read())> {
    if (!lease_valid()) return std::nullopt;
    const uint64_t applied = applied_.load(std::memory_order_acquire);
    if (commit_.load(std::memory_order_acquire) > applied) return std::nullopt;
    auto result = read();
    if (!lease_valid()) return std::nullopt;
    if (commit_.load(std::memory_order_acquire) > applied) return std::nullopt;
    used_.store(true, std::memory_order_relaxed);
    served_.fetch_add(1, std::memory_order_relaxed);
    return result;
  }

 private:
  bool lease_valid() const {
    const int64_t until = lease_until_ns_.load(std::memory_order_acquire);
    return until != 0 && Clock::now().time_since_epoch().count() < until;
  }

  std::atomic<int64_t> lease_until_ns_{0};
  std::atomic<uint64_t> commit_{0};
  std::atomic<uint64_t> applied_{0};
  std::atomic<bool> used_{false};
  std::atomic<uint64_t> served_{0};
};

}  // namespace seshat::replication
