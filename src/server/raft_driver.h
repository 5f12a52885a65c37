// The Raft replicator: the driver loop of DESIGN.md around the Raft core.
//
// One thread owns the RawNode. Inputs (proposals, reads, peer messages, transport events)
// arrive on a queue from any thread; each turn drains the queue, ticks when due, feeds the core,
// then handles every Ready in the order its persistence contract demands:
//   send `messages` (a leader replicates before its own disk write) -> persist snapshot, entries
//   and hard state in one RocksDB batch (synced when the core says so) -> send
//   `messages_after_persist` -> apply committed entries in one batch with the applied index ->
//   answer proposers and ReadIndex readers -> advance.
// Everything queued while a sync runs joins the next turn: that is the group commit. All
// proposals of one turn travel in one log entry.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "kv/command.h"
#include "raft/raw_node.h"
#include "server/config.h"
#include "server/proposal_batch.h"
#include "server/replicator.h"
#include "storage/engine.h"
#include "storage/member_book.h"
#include "storage/raft_log_storage.h"
#include "storage/rocks_keyspace.h"
#include "transport/transport.h"

namespace seshat::server {

class ClusterViewHolder;

struct RaftDriverOptions {
  uint64_t node_id = 0;
  // Every member's addresses as of the applied index the node starts from (the stored member
  // book, or the initial members of a node that predates it). Applied changes update it.
  storage::MemberBook book;
  std::string client_addr;
  std::string internal_addr;
  uint64_t heartbeat_interval_ms = 100;
  uint64_t election_timeout_min_ms = 500;
  uint64_t snapshot_interval_entries = 10000;
  uint64_t snapshot_interval_bytes = 64ull << 20;
  uint64_t request_timeout_ms = 5000;
  uint64_t active_expire_interval_ms = 100;
  uint64_t tombstone_ttl_ms = 3600 * 1000;
  bool stale_reads = false;
  kv::Limits limits;
};

class RaftDriver final : public Replicator {
 public:
  RaftDriver(storage::Engine& engine, storage::RaftLogStorage& log, RaftDriverOptions options,
             ClusterViewHolder* cluster_view);
  ~RaftDriver() override;

  // The transport is created after the driver (its handlers call into the driver).
  void set_transport(transport::Transport* transport) { transport_ = transport; }
  absl::Status start();
  // Fails what is still waiting, stops the thread. The transport must be stopped after.
  void stop();

  // Transport events; thread-safe, never block.
  void on_message(raft::Message msg);
  void on_unreachable(raft::NodeId peer);
  void on_snapshot_status(raft::NodeId peer, bool ok);
  void on_peer_info(raft::NodeId peer, const std::string& client_addr);

  // Membership (raft_driver_membership.cc). A Join request from a node that wants in: on the
  // leader it is added as a learner (promoted to voter once caught up) and `done` gets the
  // member list once that is committed; elsewhere `done` names the leader. Thread-safe; `done`
  // runs on the driver thread.
  void join(transport::JoinRequest request, std::function<void(transport::JoinReply)> done);
  // SESHAT MEMBER REMOVE <id>: removes a member (the leader hands leadership over first when it
  // is the one removed). `done` gets +OK once the change is applied here, or an error.
  void remove_member(uint64_t id, ProposeCallback done);
  // Whether `id` is a member other than this node (for the fault injection hooks).
  bool is_peer(uint64_t id) const;

  void propose(std::string operation, ProposeCallback done) override;
  void read_after_writes(std::string operation, ProposeCallback done) override;
  bool read_now(std::string& error) override;
  void read_barrier(ReadCallback ready) override;
  int64_t proposal_time_ms() override;

  // The INFO "raft" section (with header), and the replication section's lines.
  std::string info_raft() const;
  bool is_leader() const { return leader_id_.load() == options_.node_id; }
  uint64_t leader_id() const { return leader_id_.load(); }

 private:
  enum class InputKind {
    kPropose, kReadAfter, kRead, kStep, kUnreachable, kSnapStatus, kPeerInfo, kJoin, kRemove
  };
  struct Input {
    InputKind kind = InputKind::kStep;
    std::string data;
    ProposeCallback done;
    ReadCallback read_done;
    raft::Message msg;
    raft::NodeId peer = 0;
    bool ok = false;
    transport::JoinRequest join;
    std::function<void(transport::JoinReply)> join_done;
    std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now();
  };
  struct PendingProposal {
    ProposeCallback done;
    std::chrono::steady_clock::time_point deadline = {};
    // Reads a client pipelined after this write: run right after it is applied.
    std::vector<std::pair<std::string, ProposeCallback>> reads_after;
  };
  struct PendingRead {
    ReadCallback done;
    std::chrono::steady_clock::time_point deadline = {};
  };

  void enqueue(Input input);
  void run();
  void handle_inputs(std::vector<Input>& inputs);
  void handle_ready();
  void apply_committed(const std::vector<raft::Entry>& entries);
  void apply_normal_entry(const raft::Entry& e, storage::ApplyBatch& apply,
                          std::vector<std::pair<ProposeCallback, protocol::Reply>>& answers);
  void serve_reads();
  void expire_requests(std::chrono::steady_clock::time_point now);
  // Sends again the ReadIndex requests unanswered for a while: the request or its answer may
  // have been lost on the way (the core answers one context once, so a repeat is harmless).
  void resend_read_index(std::chrono::steady_clock::time_point now);
  void maybe_snapshot();
  void run_maintenance();
  void propose_internal(std::string operation);
  void publish_view();
  void fail_all(const std::string& error);
  void send(std::vector<raft::Message> msgs);

  // Membership (raft_driver_membership.cc), driver thread only.
  // A membership change some caller waits for, by the request id in its context.
  struct PendingChange {
    ProposeCallback done;                                   // SESHAT MEMBER REMOVE
    std::vector<std::function<void(transport::JoinReply)>> join_done;  // Join
    raft::NodeId node = 0;
    std::chrono::steady_clock::time_point deadline = {};
    // Proposed on a follower (the core forwards it): proposed again now and then, since a
    // leader that is busy with another change replaces it by an empty entry. Conf changes are
    // idempotent, so a duplicate does no harm.
    std::optional<raft::ConfChange> resend;
    std::chrono::steady_clock::time_point next_resend = {};
  };
  void handle_join(transport::JoinRequest& request, std::function<void(transport::JoinReply)>& done);
  void handle_remove(raft::NodeId id, ProposeCallback& done);
  transport::JoinReply join_ok() const;
  bool conf_change_pending() const;
  uint64_t new_request_id() { return next_proposal_id_++; }
  // Applies a committed conf change entry: the core's config, then the ConfState and the
  // member book staged in `apply` (the same batch as the applied index).
  void apply_conf_change_entry(const raft::Entry& e, storage::ApplyBatch& apply,
                               std::vector<uint64_t>& finished);
  // Once the apply batch holding membership changes is written: the transport's peers, the
  // published view, the waiting callers.
  void after_membership_change(const std::vector<uint64_t>& finished);
  // The transport's peer set follows the membership (removed peers linger for a grace period,
  // so the last messages telling them of their removal still go out).
  void sync_peers();
  void membership_maintenance(std::chrono::steady_clock::time_point now);
  void promote_caught_up_learners();
  void advance_self_removal(std::chrono::steady_clock::time_point now);
  void fail_membership_waiters(const std::string& error);

  storage::Engine& engine_;
  storage::RaftLogStorage& log_;
  RaftDriverOptions options_;
  ClusterViewHolder* cluster_view_;
  transport::Transport* transport_ = nullptr;
  std::unique_ptr<raft::RawNode> node_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Input> queue_;  // guarded by mu_
  bool stopping_ = false;     // guarded by mu_
  std::thread thread_;

  // Driver thread only.
  uint64_t next_proposal_id_;
  uint64_t last_proposal_id_ = 0;
  std::unordered_map<uint64_t, PendingProposal> proposals_;
  std::vector<Proposal> unproposed_;  // collected this turn, proposed as one entry
  std::vector<std::pair<uint64_t, ProposeCallback>> unproposed_callbacks_;
  uint64_t next_read_ctx_ = 1;
  // A ReadIndex round in flight: its readers, and when its request was last sent.
  struct ReadRound {
    std::vector<PendingRead> readers;
    std::chrono::steady_clock::time_point sent;
  };
  std::map<std::string, ReadRound> reads_waiting_index_;  // ctx -> round
  std::multimap<raft::Index, PendingRead> reads_waiting_apply_;
  std::vector<PendingRead> reads_unsent_;
  raft::Index applied_ = 0;
  raft::Index last_snapshot_index_ = 0;
  uint64_t bytes_since_snapshot_ = 0;
  std::map<raft::NodeId, std::string> client_addrs_;  // announced through Hello
  raft::ConfState conf_;                              // the applied membership
  storage::MemberBook book_;                          // its addresses
  std::map<raft::NodeId, std::string> peers_;         // the transport's peers: id -> address
  std::map<raft::NodeId, std::chrono::steady_clock::time_point> peers_leaving_;
  std::map<uint64_t, PendingChange> changes_;
  // SESHAT MEMBER REMOVE of this node while it leads: leadership goes to another voter first,
  // then the removal is proposed (forwarded to the new leader).
  struct SelfRemoval {
    uint64_t request_id = 0;
    std::chrono::steady_clock::time_point transfer_deadline = {};
  };
  std::optional<SelfRemoval> self_removal_;
  bool removed_ = false;  // this node applied its own removal
  std::chrono::steady_clock::time_point next_promotion_check_ = {};
  std::string tombstone_cursor_;
  std::chrono::steady_clock::time_point next_tick_;
  std::chrono::steady_clock::time_point next_maintenance_;

  // Published for other threads.
  std::atomic<uint64_t> leader_id_{0};
  std::atomic<uint64_t> term_{0};
  std::atomic<uint64_t> commit_index_{0};
  std::atomic<uint64_t> applied_index_{0};
  std::atomic<int64_t> last_proposal_ms_{0};
  std::atomic<int64_t> last_election_ms_{0};
  mutable std::mutex status_mu_;
  std::string status_text_;  // refreshed by the driver for INFO
  std::vector<uint64_t> peer_ids_;  // guarded by status_mu_: members other than this node
};

}  // namespace seshat::server
