// Configuration of one Raft node.
#pragma once

#include <cstddef>
#include <cstdint>

#include "raft/read_only.h"
#include "raft/storage.h"

namespace seshat::raft {

// Known bugs that the simulator must be able to find. Never enable outside tests: each one
// breaks a safety property on purpose.
struct PlantedBugs {
  // Commit an entry of an earlier term by counting replicas (Raft paper Figure 8).
  bool commit_old_term_by_counting = false;
  // Grant votes without checking that the candidate's log is at least as up to date (§5.4.1).
  bool vote_without_log_check = false;
  // Answer ReadIndex at once, without a heartbeat round proving we still lead.
  bool read_index_without_quorum = false;
  // Drop the persisted vote when restarting (the vote must survive crashes, §5.2).
  bool forget_vote_on_restart = false;
  bool any() const {
    return commit_old_term_by_counting || vote_without_log_check || read_index_without_quorum ||
           forget_vote_on_restart;
  }
};

struct Config {
  NodeId id = kNone;
  // Ticks without hearing from a leader before a follower campaigns; the actual timeout is
  // drawn uniformly from [election_tick, election_tick_max) at each reset, so that split votes
  // are unlikely. election_tick_max 0 means 2 * election_tick (etcd's range).
  int election_tick = 10;
  int election_tick_max = 0;
  // Ticks between leader heartbeats. Must be smaller than election_tick.
  int heartbeat_tick = 1;
  // Read-only view of the durable state. Not owned; must outlive the node.
  const Storage* storage = nullptr;
  // The last index the application applied before a restart (0 for a new node).
  Index applied = 0;
  // Upper bound on the entry bytes in one MsgApp (at least one entry is always sent).
  uint64_t max_size_per_msg = 1 << 20;
  // Upper bound on the bytes of committed entries handed out in one Ready.
  uint64_t max_committed_size_per_ready = kNoLimit;
  // Upper bound on the payload bytes of entries appended by the leader but not yet committed;
  // proposals beyond it are dropped so a stalled quorum cannot grow the log without limit.
  uint64_t max_uncommitted_entries_size = kNoLimit;
  // In-flight window per follower in replicate state: messages, and bytes (0: no byte limit).
  size_t max_inflight_msgs = 256;
  uint64_t max_inflight_bytes = 0;
  // A leader that has not heard from a quorum for an election timeout steps down, and a
  // follower that has heard from its leader within the timeout ignores vote requests.
  bool check_quorum = false;
  // Run a pre-election (which changes no term) before a real one, so that a node that was
  // partitioned away cannot force the healthy majority into a new term when it returns.
  bool pre_vote = false;
  ReadOnlyOption read_only_option = ReadOnlyOption::kSafe;
  // For the first election_tick ticks after start, ignore vote requests as a follower that has
  // just heard from its leader does (needs check_quorum). An application whose leader serves
  // reads from a time lease counts on every node that acknowledged the leader not to help
  // elect anyone else for an election timeout; a node that restarts has forgotten whom it
  // heard, so it must hold its vote that long anyway.
  bool hold_votes_after_start = false;
  // When the leader's commit index moves, send appends only to followers with entries to
  // receive; the others learn the new commit index with their next append or heartbeat. Saves
  // a message each way and a follower turn per commit when writes come one at a time; when
  // writes stop, followers apply the last of them up to a heartbeat interval later. Commit on
  // the leader, and so acknowledgements, are unaffected.
  bool lazy_commit_broadcast = false;
  // Followers drop proposals instead of forwarding them to the leader.
  bool disable_proposal_forwarding = false;
  // Seeds the randomised election timeout; 0 derives a seed from the node id. The core holds
  // no other source of randomness, so equal seeds and inputs give equal outputs.
  uint64_t random_seed = 0;
  PlantedBugs planted_bugs;

  Status validate() const;
};

}  // namespace seshat::raft
