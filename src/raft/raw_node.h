// RawNode: the thread-compatible API of the Raft core, in the style of etcd-raft's RawNode.
// One thread owns it and runs the driver loop: feed inputs (tick, step, propose, read_index),
// then while has_ready(): rd = ready(); follow rd's contract (ready.h); advance(rd).
#pragma once

#include <memory>
#include <string>

#include "raft/raft.h"
#include "raft/ready.h"

namespace seshat::raft {

struct NodeStatus {
  NodeId id = kNone;
  HardState hard_state;
  SoftState soft_state;
  Index applied = 0;
  TrackerConfig config;
  // Filled only on the leader.
  ProgressMap progress;
  NodeId lead_transferee = kNone;
};

class RawNode {
 public:
  // Starts a node from the state in config.storage (a new node's storage holds its initial
  // membership, see MemoryStorage::bootstrap).
  static Result<std::unique_ptr<RawNode>> create(const Config& config);
  explicit RawNode(std::unique_ptr<Raft> raft);

  // Advances the logical clock by one tick (election and heartbeat timeouts count ticks).
  void tick();
  // Starts an election now (tests and operator tools; normally ticks do this).
  Status campaign();
  // Proposes data to be appended to the log. Success means "handed to the leader", not
  // committed: the entry may still be lost, and the caller learns the outcome by applying.
  Status propose(std::string data);
  Status propose_conf_change(const ConfChange& cc);
  // Feeds a message from a peer. Local-only message types are refused.
  Status step(const Message& m);
  // Feeds a follower's MsgReadIndex that the caller answers from its leader lease
  // (Raft::step_read_index_under_lease); any other message as step().
  Status step_read_index_under_lease(const Message& m);
  // Requests a linearizable read; the answer arrives as a ReadState with the same context in a
  // later Ready (or never, if leadership is lost: the caller times out and retries).
  void read_index(std::string context);
  // Asks the leader to hand leadership to `transferee`.
  void transfer_leader(NodeId transferee);
  // Applies a committed configuration change; call when applying its entry.
  Result<ConfState> apply_conf_change(const ConfChange& cc);
  void report_unreachable(NodeId id);
  // On the leader: forgets what it knew of `id`'s log (match back to 0, probing from the end
  // of the log). Call when the peer may have restarted with less than it acknowledged, such as
  // a follower whose data directory was wiped: the leader then finds its real log by probing,
  // sending a snapshot if needed, and never sends it a commit index beyond what it holds.
  // Safe at any time: commit never moves back, and a lower match only delays commits.
  void reset_peer_progress(NodeId id);
  // The outcome of sending a snapshot to `id` (failed=true if it did not arrive).
  void report_snapshot(NodeId id, bool failed);

  bool has_ready() const;
  Ready ready();
  void advance(const Ready& rd);

  NodeStatus status() const;
  const Raft& raft() const { return *raft_; }
  Raft& mutable_raft() { return *raft_; }

 private:
  std::unique_ptr<Raft> raft_;
  SoftState prev_soft_;
  HardState prev_hard_;
};

}  // namespace seshat::raft
