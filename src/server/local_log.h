// The single-node replicator: a durable local log that commits as soon as an entry is synced.
// It has the shape of the Raft driver loop of DESIGN.md so that replacing it changes nothing
// above: one thread owns the log; each turn drains every queued proposal, appends them in one
// synced WriteBatch (group commit), applies them in one WriteBatch that records the applied
// index, then answers the waiting clients.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "kv/command.h"
#include "server/replicator.h"
#include "storage/engine.h"
#include "storage/log_store.h"

namespace seshat::server {

struct LocalLogOptions {
  kv::Limits limits;
  uint64_t active_expire_interval_ms = 100;
  uint64_t tombstone_ttl_ms = 3600 * 1000;
  uint64_t compact_every_entries = 10000;
};

struct LogStats {
  uint64_t last_index = 0;
  uint64_t applied_index = 0;
  uint64_t batches = 0;          // synced log writes
  uint64_t entries = 0;          // entries appended since start
  uint64_t expired_keys = 0;     // keys removed by active expiry
};

class LocalLog final : public Replicator {
 public:
  LocalLog(storage::Engine& engine, LocalLogOptions options);
  ~LocalLog() override;

  // Replays entries that were logged but not applied before the last stop or crash, then starts
  // the driver thread.
  absl::Status start();
  // Finishes every proposal already queued, then stops the thread. Later proposals are refused.
  void stop();

  void propose(std::string operation, ProposeCallback done) override;
  void read_after_writes(std::string operation, ProposeCallback done) override;
  // Every acknowledged write is already applied locally: reads never wait.
  bool read_now(std::string&) override { return true; }
  void read_barrier(ReadCallback ready) override { ready(std::string()); }
  int64_t proposal_time_ms() override;

  LogStats stats() const;

 private:
  struct Pending {
    std::string operation;
    ProposeCallback done;
    bool read_only = false;  // evaluated in queue order but not logged
  };

  void run();
  void process(std::vector<Pending>& batch);
  void enqueue(Pending pending);
  // Applies entries already durable in the log (recovery and normal path). Reads in `batch`
  // (normal path only) are evaluated at their place in the sequence.
  std::vector<protocol::Reply> apply_entries(const std::vector<storage::LogEntry>& entries,
                                             const std::vector<Pending>* batch = nullptr);
  void run_maintenance(int64_t now_ms);

  storage::Engine& engine_;
  storage::LogStore log_;
  LocalLogOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread thread_;

  std::atomic<int64_t> last_proposal_ms_{0};
  uint64_t last_index_ = 0;   // driver thread only
  uint64_t first_index_ = 0;  // driver thread only
  std::string tombstone_cursor_;
  std::atomic<uint64_t> stat_last_index_{0};
  std::atomic<uint64_t> stat_batches_{0};
  std::atomic<uint64_t> stat_entries_{0};
  std::atomic<uint64_t> stat_expired_{0};
};

}  // namespace seshat::server
