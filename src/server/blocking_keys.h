// Clients blocked by BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN and BZPOPMAX, by the keys they
// wait on.
//
// A blocking command is a loop of tries: each try is the command's non-blocking form, proposed
// through the log like any write (or sent to the leader by the follower proxy). A try that finds
// nothing answers null; the client then waits here until the driver applies a write to one of
// its keys, and tries again. Waking and trying never decide what a client gets: the log does, so
// every replica agrees on who popped what.
//
// Wake-ups go to one waiter per written key, oldest first, as Redis serves its blocked clients.
// A try that takes something is itself a write to the key, so it wakes the next waiter in turn
// (a push of three elements serves three clients, one after the other, in order); a waiter that
// was woken and leaves without taking anything passes its turn on. A write that lands while a
// waiter is trying marks it to try again, so a push can never fall between a try that found
// nothing and the wait after it.
//
// Thread safety: every method may be called from any thread. Callbacks run on the caller's
// thread (the driver's, for keys_written and leadership_lost) and must only post work.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "replication/write_listener.h"

namespace seshat::server {

class BlockingKeys final : public replication::WriteListener {
 public:
  using Notify = std::function<void()>;

  // A client starts blocking on `keys`; it counts as trying (its first try is on its way).
  // `wake`: try again. `lost`: this node stopped being the leader. Returns the waiter's id.
  uint64_t add(std::vector<std::string> keys, Notify wake, Notify lost);
  // A try found nothing. True: a key was written since the try began, try again now (the
  // waiter still counts as trying). False: the waiter now waits for a write.
  bool settle(uint64_t id);
  // The client stops waiting. `served`: its try took something; that write, once applied,
  // already woke the next waiter. Otherwise (timed out, disconnected, failed) a waiter that was
  // woken or trying passes its turn on.
  void remove(uint64_t id, bool served);

  // The driver applied writes to `keys`.
  void keys_written(const std::vector<std::string>& keys) override;
  // Every key may have changed (a snapshot was installed): wakes a waiter on every key.
  void wake_all() override;
  // The node stopped being the leader: every waiter's `lost` runs.
  void leadership_lost() override;

  // Cheap check for the apply path: nobody waits.
  bool empty() const override { return count_.load(std::memory_order_relaxed) == 0; }
  // INFO blocked_clients: the waiters whose first try found nothing (the clients really
  // blocked, as Redis counts them).
  size_t blocked() const { return blocked_.load(std::memory_order_relaxed); }

 private:
  struct Waiter {
    std::vector<std::string> keys;
    Notify wake;
    Notify lost;
    bool trying = true;
    bool again = false;    // written while trying
    bool blocked = false;  // a try found nothing: counted in blocked_
  };
  // For each key: marks the trying waiters to try again and wakes the oldest waiting one.
  // Appends the wake-ups to run once mu_ is released.
  void wake_locked(std::string_view key, std::vector<Notify>& out);

  mutable std::mutex mu_;
  uint64_t next_id_ = 0;                                           // guarded by mu_
  std::map<uint64_t, Waiter> waiters_;                             // guarded by mu_
  std::map<std::string, std::set<uint64_t>, std::less<>> by_key_;  // ids in blocking order
  std::atomic<size_t> count_{0};                                   // waiters_.size()
  std::atomic<size_t> blocked_{0};                                 // waiters with `blocked`
};

}  // namespace seshat::server
