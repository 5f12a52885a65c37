// The leader's view of the cluster: the configuration in force (possibly joint), a Progress per
// member, and the votes of the current election.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "raft/progress.h"
#include "raft/quorum.h"

namespace seshat::raft {

struct TrackerConfig {
  JointConfig voters;
  // Learners receive the log but never vote. Disjoint from both halves of `voters`.
  std::set<NodeId> learners;
  // Voters of the outgoing half that turn into learners when the joint state is left. They
  // cannot be learners yet because they still vote in the outgoing half.
  std::set<NodeId> learners_next;
  // Leave the joint configuration as soon as it is applied (etcd's "auto leave").
  bool auto_leave = false;
  bool operator==(const TrackerConfig& o) const {
    return voters.incoming == o.voters.incoming && voters.outgoing == o.voters.outgoing &&
           learners == o.learners && learners_next == o.learners_next && auto_leave == o.auto_leave;
  }
  std::string to_string() const;
};

using ProgressMap = std::map<NodeId, Progress>;

class ProgressTracker {
 public:
  ProgressTracker(size_t max_inflight, uint64_t max_inflight_bytes)
      : max_inflight_(max_inflight), max_inflight_bytes_(max_inflight_bytes) {}

  ConfState conf_state() const;
  // True if the only voter is one node (it commits alone).
  bool is_singleton() const;
  // The largest index replicated on a quorum (by the `match` of each voter's progress).
  Index committed() const;
  // True if a quorum of voters was recently active (the leader always counts itself).
  bool quorum_active(NodeId self) const;
  std::vector<NodeId> voter_ids() const;
  std::vector<NodeId> learner_ids() const;

  void reset_votes() { votes_.clear(); }
  // Records a vote; the first answer from each node is the one that counts.
  void record_vote(NodeId id, bool granted);
  struct Tally {
    size_t granted = 0;
    size_t rejected = 0;
    VoteResult result = VoteResult::kPending;
  };
  Tally tally_votes() const;

  TrackerConfig config;
  ProgressMap progress;
  size_t max_inflight() const { return max_inflight_; }
  uint64_t max_inflight_bytes() const { return max_inflight_bytes_; }

 private:
  std::map<NodeId, bool> votes_;
  size_t max_inflight_;
  uint64_t max_inflight_bytes_;
};

}  // namespace seshat::raft
