#include "raft/progress.h"

#include <algorithm>

namespace seshat::raft {

void Inflights::add(Index index, uint64_t bytes) {
  window_.push_back({index, bytes});
  bytes_ += bytes;
}

void Inflights::free_le(Index to) {
  while (!window_.empty() && window_.front().index <= to) {
    bytes_ -= window_.front().bytes;
    window_.pop_front();
  }
}

void Inflights::free_first_one() {
  if (!window_.empty()) free_le(window_.front().index);
}

bool Inflights::full() const {
  return window_.size() >= max_count_ || (max_bytes_ != 0 && bytes_ >= max_bytes_);
}

void Inflights::reset() {
  window_.clear();
  bytes_ = 0;
}

std::string_view to_string(ProgressState s) {
  switch (s) {
    case ProgressState::kProbe: return "StateProbe";
    case ProgressState::kReplicate: return "StateReplicate";
    case ProgressState::kSnapshot: return "StateSnapshot";
  }
  return "StateUnknown";
}

void Progress::reset_state(ProgressState s) {
  msg_app_flow_paused = false;
  pending_snapshot = 0;
  state = s;
  inflights.reset();
}

void Progress::become_probe() {
  // Coming back from a snapshot, the follower holds at least the snapshot: resume after it.
  if (state == ProgressState::kSnapshot) {
    Index pending = pending_snapshot;
    reset_state(ProgressState::kProbe);
    next = std::max(match + 1, pending + 1);
  } else {
    reset_state(ProgressState::kProbe);
    next = match + 1;
  }
}

void Progress::become_replicate() {
  reset_state(ProgressState::kReplicate);
  next = match + 1;
}

void Progress::become_snapshot(Index snapshot_index) {
  reset_state(ProgressState::kSnapshot);
  pending_snapshot = snapshot_index;
}

void Progress::sent_entries(size_t count, Index last, uint64_t bytes) {
  switch (state) {
    case ProgressState::kReplicate:
      if (count > 0) {
        next = last + 1;
        inflights.add(last, bytes);
      }
      break;
    case ProgressState::kProbe:
      // One message per round trip while probing, empty or not.
      msg_app_flow_paused = true;
      break;
    case ProgressState::kSnapshot: panic("sending entries to a follower in snapshot state");
  }
}

bool Progress::maybe_update(Index n) {
  bool updated = false;
  if (match < n) {
    match = n;
    updated = true;
    msg_app_flow_paused = false;
  }
  next = std::max(next, n + 1);
  return updated;
}

bool Progress::maybe_decrease_to(Index rejected, Index match_hint) {
  if (state == ProgressState::kReplicate) {
    // A rejection of something already acknowledged is a stale, reordered message.
    if (rejected <= match) return false;
    next = match + 1;
    return true;
  }
  // While probing, only the answer to the latest probe counts.
  if (next - 1 != rejected) return false;
  next = std::max(std::min(rejected, match_hint + 1), match + 1);
  msg_app_flow_paused = false;
  return true;
}

bool Progress::is_paused() const {
  switch (state) {
    case ProgressState::kProbe: return msg_app_flow_paused;
    case ProgressState::kReplicate: return inflights.full();
    case ProgressState::kSnapshot: return true;
  }
  return true;
}

std::string Progress::to_string() const {
  std::string s = std::string(seshat::raft::to_string(state)) + " match=" + std::to_string(match) +
                  " next=" + std::to_string(next);
  if (is_learner) s += " learner";
  if (state == ProgressState::kSnapshot) s += " pending_snap=" + std::to_string(pending_snapshot);
  if (!recent_active) s += " inactive";
  if (inflights.count() > 0) s += " inflight=" + std::to_string(inflights.count());
  if (msg_app_flow_paused) s += " paused";
  return s;
}

}  // namespace seshat::raft
