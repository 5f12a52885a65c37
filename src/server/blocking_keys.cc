#include "server/blocking_keys.h"

#include <utility>

namespace seshat::server {

uint64_t BlockingKeys::add(std::vector<std::string> keys, Notify wake, Notify lost) {
  std::lock_guard lock(mu_);
  const uint64_t id = ++next_id_;
  for (const std::string& key : keys) by_key_[key].insert(id);
  waiters_.emplace(id, Waiter{std::move(keys), std::move(wake), std::move(lost)});
  count_.store(waiters_.size(), std::memory_order_relaxed);
  return id;
}

bool BlockingKeys::settle(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return false;
  Waiter& w = it->second;
  if (!w.blocked) {
    w.blocked = true;
    blocked_.fetch_add(1, std::memory_order_relaxed);
  }
  if (w.again) {
    w.again = false;
    return true;
  }
  w.trying = false;
  return false;
}

void BlockingKeys::remove(uint64_t id, bool served) {
  std::vector<Notify> wakes;
  {
    std::lock_guard lock(mu_);
    auto it = waiters_.find(id);
    if (it == waiters_.end()) return;
    Waiter w = std::move(it->second);
    waiters_.erase(it);
    for (const std::string& key : w.keys) {
      auto k = by_key_.find(key);
      if (k == by_key_.end()) continue;
      k->second.erase(id);
      if (k->second.empty()) by_key_.erase(k);
    }
    count_.store(waiters_.size(), std::memory_order_relaxed);
    if (w.blocked) blocked_.fetch_sub(1, std::memory_order_relaxed);
    // It held a turn and took nothing: what it was woken for is the next waiter's to try.
    if (w.trying && !served) {
      for (const std::string& key : w.keys) wake_locked(key, wakes);
    }
  }
  for (auto& wake : wakes) wake();
}

void BlockingKeys::keys_written(const std::vector<std::string>& keys) {
  if (empty()) return;
  std::vector<Notify> wakes;
  {
    std::lock_guard lock(mu_);
    for (const std::string& key : keys) wake_locked(key, wakes);
  }
  for (auto& wake : wakes) wake();
}

void BlockingKeys::wake_all() {
  std::vector<Notify> wakes;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, ids] : by_key_) wake_locked(key, wakes);
  }
  for (auto& wake : wakes) wake();
}

void BlockingKeys::wake_locked(std::string_view key, std::vector<Notify>& out) {
  auto k = by_key_.find(key);
  if (k == by_key_.end()) return;
  for (uint64_t id : k->second) {
    Waiter& w = waiters_.at(id);
    if (w.trying) {
      w.again = true;
      continue;
    }
    w.trying = true;
    out.push_back(w.wake);
    return;
  }
}

void BlockingKeys::leadership_lost() {
  std::vector<Notify> lost;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : waiters_) lost.push_back(w.lost);
  }
  for (auto& notify : lost) notify();
}

}  // namespace seshat::server
