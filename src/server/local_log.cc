#include "server/local_log.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>

#include "kv/operation.h"
#include "kv/state_machine.h"
#include "server/maintenance.h"
#include "storage/rocks_keyspace.h"

namespace seshat::server {

namespace {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A failed sync or apply write leaves the node unsure what is durable. Carrying on could
// acknowledge lost writes, so the node stops; on restart it recovers from what the log holds.
[[noreturn]] void fatal_storage(const absl::Status& st, const char* what) {
  spdlog::critical("storage failure while {}: {}; stopping the node", what, st.ToString());
  spdlog::shutdown();
  std::abort();
}


}  // namespace

LocalLog::LocalLog(storage::Engine& engine, LocalLogOptions options)
    : engine_(engine), log_(engine), options_(options) {}

LocalLog::~LocalLog() { stop(); }

absl::Status LocalLog::start() {
  auto first = log_.first_index();
  if (!first.ok()) return first.status();
  auto last = log_.last_index();
  if (!last.ok()) return last.status();
  uint64_t applied = engine_.applied_index();
  first_index_ = *first;
  last_index_ = std::max(*last, applied);
  if (*last > applied) {
    if (*first > applied + 1) {
      return absl::DataLossError("log starts at " + std::to_string(*first) +
                                 " but the state machine has applied only up to " +
                                 std::to_string(applied));
    }
    spdlog::info("recovering: replaying log entries {}..{}", applied + 1, *last);
    uint64_t next = applied + 1;
    while (next <= *last) {
      auto entries = log_.read(next, *last, 16 << 20);
      if (!entries.ok()) return entries.status();
      if (entries->empty()) break;
      apply_entries(*entries);
      next = entries->back().index + 1;
    }
    spdlog::info("recovered: applied index {}", engine_.applied_index());
  }
  stat_last_index_ = last_index_;
  thread_ = std::thread([this] { run(); });
  return absl::OkStatus();
}

void LocalLog::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t LocalLog::proposal_time_ms() {
  int64_t now = wall_clock_ms();
  int64_t prev = last_proposal_ms_.load(std::memory_order_relaxed);
  while (prev < now && !last_proposal_ms_.compare_exchange_weak(prev, now)) {
  }
  return std::max(prev, now);
}

void LocalLog::propose(std::string operation, ProposeCallback done) {
  enqueue(Pending{std::move(operation), std::move(done), false});
}

void LocalLog::read_after_writes(std::string operation, ProposeCallback done) {
  enqueue(Pending{std::move(operation), std::move(done), true});
}

void LocalLog::enqueue(Pending pending) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      if (queue_.size() == 1) cv_.notify_one();
      return;
    }
  }
  pending.done(protocol::Reply::Error("TRYAGAIN the node is shutting down"));
}

LogStats LocalLog::stats() const {
  LogStats s;
  s.last_index = stat_last_index_.load();
  s.applied_index = engine_.applied_index();
  s.batches = stat_batches_.load();
  s.entries = stat_entries_.load();
  s.expired_keys = stat_expired_.load();
  return s;
}

void LocalLog::run() {
  const auto interval = std::chrono::milliseconds(std::max<uint64_t>(1, options_.active_expire_interval_ms));
  auto next_maintenance = std::chrono::steady_clock::now() + interval;
  std::vector<Pending> batch;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, next_maintenance, [this] { return !queue_.empty() || stopping_; });
      batch.swap(queue_);
      stopping = stopping_;
    }
    if (!batch.empty()) {
      // Everything that queued while the previous batch was syncing is committed together.
      process(batch);
      batch.clear();
    } else if (stopping) {
      break;
    }
    // Maintenance runs on time even under constant load, between two batches.
    if (std::chrono::steady_clock::now() >= next_maintenance) {
      run_maintenance(proposal_time_ms());
      next_maintenance = std::chrono::steady_clock::now() + interval;
    }
  }
}

void LocalLog::process(std::vector<Pending>& batch) {
  rocksdb::WriteBatch wb;
  std::vector<storage::LogEntry> entries;
  entries.reserve(batch.size());
  for (auto& p : batch) {
    if (p.read_only) continue;
    storage::LogEntry e;
    e.index = ++last_index_;
    e.term = 1;
    e.data = std::move(p.operation);
    log_.append(wb, e);
    entries.push_back(std::move(e));
  }
  // The state machine keeps what it applied, so the log behind the applied index is not needed
  // for recovery. The apply write that recorded that index precedes this synced write in the
  // WAL, so it is durable before the entries it covers are deleted.
  uint64_t applied = engine_.applied_index();
  if (applied > first_index_ + options_.compact_every_entries) {
    log_.compact_prefix(wb, applied);
    first_index_ = applied + 1;
  }
  if (!entries.empty()) {
    if (auto st = engine_.write(&wb, /*sync=*/true); !st.ok()) fatal_storage(st, "syncing the log");
  }
  stat_batches_.fetch_add(1, std::memory_order_relaxed);
  stat_entries_.fetch_add(entries.size(), std::memory_order_relaxed);
  stat_last_index_.store(last_index_, std::memory_order_relaxed);

  std::vector<protocol::Reply> replies = apply_entries(entries, &batch);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(std::move(replies[i]));
  }
}

std::vector<protocol::Reply> LocalLog::apply_entries(const std::vector<storage::LogEntry>& entries,
                                                     const std::vector<Pending>* batch) {
  storage::ApplyBatch apply(engine_);
  std::vector<protocol::Reply> replies;
  size_t total = batch != nullptr ? batch->size() : entries.size();
  replies.reserve(total);
  size_t next_entry = 0;
  for (size_t i = 0; i < total; ++i) {
    if (batch != nullptr && (*batch)[i].read_only) {
      auto op = kv::decode_operation((*batch)[i].operation);
      if (!op) {
        replies.push_back(protocol::Reply::Error("ERR internal error: undecodable read"));
        continue;
      }
      apply.begin_entry(apply.index(), op->now_ms);
      replies.push_back(kv::apply_operation(*op, apply, options_.limits));
      continue;
    }
    const storage::LogEntry& e = entries[next_entry++];
    auto op = kv::decode_operation(e.data);
    if (!op) {
      // Entries are checksummed and were encoded by us: an undecodable one is a bug or
      // corruption that must not be silently skipped on one replica.
      spdlog::critical("log entry {} holds an undecodable operation; stopping", e.index);
      spdlog::shutdown();
      std::abort();
    }
    apply.begin_entry(e.index, op->now_ms);
    replies.push_back(kv::apply_operation(*op, apply, options_.limits));
  }
  if (!entries.empty()) {
    if (auto st = apply.commit(/*sync=*/false); !st.ok()) fatal_storage(st, "applying entries");
  }
  return replies;
}

void LocalLog::run_maintenance(int64_t now_ms) {
  auto work = plan_maintenance(engine_, now_ms, options_.tombstone_ttl_ms, tombstone_cursor_);
  if (work.operations.empty()) return;
  std::vector<Pending> batch;
  for (auto& op : work.operations) batch.push_back(Pending{std::move(op), nullptr});
  process(batch);
  stat_expired_.fetch_add(work.expired_keys, std::memory_order_relaxed);
}

}  // namespace seshat::server
