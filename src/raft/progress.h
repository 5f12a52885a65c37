// What the leader knows about one follower: how much of the log it holds (match), what to send
// next, and how hard to push (probe one message at a time, stream within an in-flight window,
// or wait for a snapshot to land).
#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "raft/types.h"

namespace seshat::raft {

// The window of MsgApp messages sent but not yet acknowledged, bounded both by count and by
// bytes so that a follower on a slow link cannot make the leader buffer without limit.
class Inflights {
 public:
  Inflights(size_t max_count, uint64_t max_bytes) : max_count_(max_count), max_bytes_(max_bytes) {}

  // Records a message whose last entry is `index` and whose entries weigh `bytes`.
  void add(Index index, uint64_t bytes);
  // Frees every message whose last index is <= to (they were acknowledged).
  void free_le(Index to);
  void free_first_one();
  bool full() const;
  size_t count() const { return window_.size(); }
  uint64_t bytes() const { return bytes_; }
  void reset();

 private:
  struct Flight {
    Index index;
    uint64_t bytes;
  };
  std::deque<Flight> window_;
  uint64_t bytes_ = 0;
  size_t max_count_;
  uint64_t max_bytes_;  // 0 means no byte limit
};

enum class ProgressState : uint8_t {
  // Not known where the follower's log ends: send one message, wait for the answer.
  kProbe = 0,
  // The follower is known to accept our entries: stream them optimistically.
  kReplicate,
  // The entries it needs are compacted: a snapshot is on its way; send nothing else.
  kSnapshot,
};
std::string_view to_string(ProgressState s);

struct Progress {
  Progress(Index next, size_t max_inflight, uint64_t max_inflight_bytes)
      : next(next), inflights(max_inflight, max_inflight_bytes) {}

  Index match = 0;
  Index next = 1;
  ProgressState state = ProgressState::kProbe;
  // In kSnapshot: the index of the snapshot being sent.
  Index pending_snapshot = 0;
  // Heard from it since the last CheckQuorum round (or since it joined).
  bool recent_active = false;
  // In kProbe: a message was sent and we wait for its answer (or a heartbeat response).
  bool msg_app_flow_paused = false;
  Inflights inflights;
  bool is_learner = false;
  // With lazy_commit_broadcast: a read index this follower was told and may not know to be
  // committed yet (it held less at the time); once it acknowledges that far, a heartbeat
  // tells it the commit (0: none).
  Index commit_wanted = 0;

  void become_probe();
  void become_replicate();
  void become_snapshot(Index snapshot_index);
  // Bookkeeping after sending a MsgApp of `count` entries (last index `last`, weight bytes).
  void sent_entries(size_t count, Index last, uint64_t bytes);
  // An acknowledgement of index n: returns false if it is stale (not news).
  bool maybe_update(Index n);
  // A rejection of the MsgApp at `rejected`; match_hint is where the follower suggests we go.
  // Returns false if the rejection is stale (answers an older probe).
  bool maybe_decrease_to(Index rejected, Index match_hint);
  bool is_paused() const;
  std::string to_string() const;

 private:
  void reset_state(ProgressState s);
};

}  // namespace seshat::raft
