// Membership changes: computes the configuration (and progress map) that results from applying
// a ConfChange to the current one, without touching the live tracker, so that an invalid change
// is refused as a value and the caller swaps the result in atomically.
#pragma once

#include <utility>
#include <vector>

#include "raft/tracker.h"

namespace seshat::raft {

class Changer {
 public:
  Changer(TrackerConfig config, ProgressMap progress, Index last_index, size_t max_inflight,
          uint64_t max_inflight_bytes)
      : config_(std::move(config)),
        progress_(std::move(progress)),
        last_index_(last_index),
        max_inflight_(max_inflight),
        max_inflight_bytes_(max_inflight_bytes) {}

  using Outcome = Result<std::pair<TrackerConfig, ProgressMap>>;

  // Enters a joint configuration: the current voters become the outgoing half and `changes`
  // are applied to the incoming half.
  Outcome enter_joint(bool auto_leave, const std::vector<ConfChangeSingle>& changes) &&;
  // Leaves the joint configuration: the outgoing half is dropped, learners_next become learners.
  Outcome leave_joint() &&;
  // Applies changes that alter the set of voters by at most one (no joint state needed).
  Outcome simple(const std::vector<ConfChangeSingle>& changes) &&;

 private:
  Status apply(const std::vector<ConfChangeSingle>& changes);
  void make_voter(NodeId id);
  void make_learner(NodeId id);
  void remove(NodeId id);
  void init_progress(NodeId id, bool is_learner);
  Status check_invariants() const;

  TrackerConfig config_;
  ProgressMap progress_;
  Index last_index_;
  size_t max_inflight_;
  uint64_t max_inflight_bytes_;
};

// Rebuilds the configuration a ConfState describes (after a restart or a snapshot), by replaying
// it as a sequence of changes from an empty configuration.
Changer::Outcome restore_conf_state(const ConfState& cs, Index last_index, size_t max_inflight,
                                    uint64_t max_inflight_bytes);

}  // namespace seshat::raft
