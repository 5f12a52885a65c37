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
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "kv/command.h"
#include "kv/operation.h"
#include "kv/state_machine.h"
#include "raft/raw_node.h"
#include "replication/local_read_gate.h"
#include "replication/proposal_batch.h"
#include "replication/replicator.h"
#include "replication/write_listener.h"
#include "storage/engine.h"
#include "storage/member_book.h"
#include "storage/raft_log_storage.h"
#include "transport/transport.h"

namespace seshat::replication {

class ClusterViewHolder;

struct RaftDriverOptions {
  uint64_t node_id = 0;
  // Every member's addresses as of the applied index the node starts from (the stored member
  // book, or the initial members of a node that predates it). Applied changes update it.
  storage::MemberBook book;
  std::string client_addr;
  uint32_t client_tls_port = 0;  // tls_port (0: none), on client_addr's host
  std::string internal_addr;
  uint64_t heartbeat_interval_ms = 100;
  uint64_t election_timeout_min_ms = 500;
  uint64_t election_timeout_max_ms = 1000;
  uint64_t snapshot_interval_entries = 10000;
  uint64_t snapshot_interval_bytes = 64ull << 20;
  uint64_t request_timeout_ms = 5000;
  uint64_t active_expire_interval_ms = 100;
  uint64_t tombstone_ttl_ms = 3600 * 1000;
  // Free-space reserve of the data directory's filesystem (0: no alarm). Below it this node
  // raises its NOSPACE alarm through the log; writes that add data are refused everywhere
  // while any member's alarm is raised (raft_driver_disk.cc).
  uint64_t disk_reserve_bytes = 0;
  bool stale_reads = false;
  // Leader reads confirmed by a time lease instead of a ReadIndex round per batch (see
  // raft_driver_reads.cc for what it assumes). Ignored with stale_reads.
  bool lease_reads = false;
  kv::Limits limits;
  // Where the counted key lookups of the commands this node answers go (INFO stats); may be
  // null. Lookups made applying other nodes' writes are not counted.
  KeyspaceStats* keyspace_stats = nullptr;
  // Clients blocked on keys (BLPOP ...): told which keys every applied write touched, and that
  // this node stopped leading. May be null.
  WriteListener* blocking = nullptr;
};

class RaftDriver final : public Replicator {
 public:
  RaftDriver(storage::Engine& engine, storage::RaftLogStorage& log, RaftDriverOptions options,
             ClusterViewHolder* cluster_view);
  ~RaftDriver() override;

  // The transport is created after the driver (its handlers call into the driver). A node with
  // no transport is a group of one that nobody can reach.
  void set_transport(transport::Transport* transport) { transport_ = transport; }
  absl::Status start();
  // Fails what is still waiting, stops the thread. The transport must be stopped after.
  void stop();

  // Transport events; thread-safe, never block.
  void on_message(raft::Message msg);
  void on_unreachable(raft::NodeId peer);
  void on_snapshot_status(raft::NodeId peer, bool ok);
  void on_peer_info(raft::NodeId peer, const std::string& client_addr, uint32_t client_tls_port);

  // Membership (raft_driver_membership.cc). A Join request from a node that wants in: on the
  // leader it is added as a learner (promoted to voter once caught up) and `done` gets the
  // member list once that is committed; elsewhere `done` names the leader. Thread-safe; `done`
  // runs on the driver thread.
  void join(transport::JoinRequest request, std::function<void(transport::JoinReply)> done);
  // SESHAT MEMBER REMOVE <id>: removes a member (the leader hands leadership over first when it
  // is the one removed). `done` gets +OK once the change is applied here, or an error.
  void remove_member(uint64_t id, Done done);
  // Graceful shutdown: on the leader, asks the most caught-up voter to take over (Raft's
  // leadership transfer) so clients do not wait out an election timeout. `started` gets that
  // voter's id and its match index, or kNone when this node does not lead or has nobody to hand
  // over to. Thread-safe; `started` runs on the driver thread (or at once after stop()).
  void hand_over_leadership(std::function<void(raft::NodeId target, uint64_t match)> started);
  // Whether `id` is a member other than this node (for the fault injection hooks).
  bool is_peer(uint64_t id) const;

  void propose(kv::Operation op, Done done) override;
  void read(kv::Operation op, Done done) override;
  std::optional<protocol::Reply> read_locally(const kv::Operation& op) override;
  int64_t proposal_time_ms() override;
  uint64_t watch_version(std::string_view key, int64_t now_ms) override;
  std::shared_ptr<const storage::AclTable> acl_table() override;
  uint64_t acl_generation() override;
  std::vector<uint64_t> space_alarms() override;

  // Brings what INFO and CLUSTER NODES report (the status text below, the published cluster
  // view) up to the driver's state at the time of the call: the driver thread refreshes them
  // in its next turn. Waits up to `wait` for that; false if it did not come (a driver stuck
  // in a long disk write), in which case the last published status stays.
  bool refresh_status(std::chrono::milliseconds wait);
  // The INFO "raft" section (with header), as of the last refresh or maintenance interval.
  std::string info_raft() const;
  bool is_leader() const { return leader_id_.load() == options_.node_id; }
  uint64_t leader_id() const { return leader_id_.load(); }

 private:
  using Clock = std::chrono::steady_clock;

  // The driver's inputs, one type per kind.
  struct ProposeInput {
    kv::Operation op;
    Done done;
    Clock::time_point arrived;
  };
  struct ReadInput {
    kv::Operation op;
    Done done;
    Clock::time_point arrived;
  };
  struct StepInput {
    raft::Message msg;
  };
  struct UnreachableInput {
    raft::NodeId peer = 0;
  };
  struct SnapshotStatusInput {
    raft::NodeId peer = 0;
    bool ok = false;
  };
  struct PeerInfoInput {
    raft::NodeId peer = 0;
    std::string client_addr;
    uint32_t client_tls_port = 0;
  };
  struct JoinInput {
    transport::JoinRequest request;
    std::function<void(transport::JoinReply)> done;
  };
  struct RemoveInput {
    raft::NodeId id = 0;
    Done done;
  };
  // refresh_status(): `refreshed` runs on the driver thread once the status is published (or
  // is dropped unrun at shutdown).
  struct RefreshInput {
    std::function<void()> refreshed;
  };
  struct HandOverInput {
    std::function<void(raft::NodeId, uint64_t)> started;
  };
  using Input =
      std::variant<ProposeInput, ReadInput, StepInput, UnreachableInput, SnapshotStatusInput,
                   PeerInfoInput, JoinInput, RemoveInput, RefreshInput, HandOverInput>;

  // A read waiting for its turn (raft_driver_reads.cc). On the leader it is positioned: it runs
  // right after the last entry (or proposal) that came before it, so it sees what was proposed
  // before and nothing proposed after; its reply leaves once the leader's lease covers it or a
  // ReadIndex round that started after the read arrived confirms the leadership. On a follower
  // it runs once the state machine reaches the commit index the leader gave for it.
  struct PendingRead {
    kv::Operation op;
    Done done;
    Clock::time_point deadline;
    bool positioned = false;  // leader read (else: follower read, runs at the round's index)
    bool confirmed = false;   // leadership confirmed after arrival (lease or round), or stale
    bool answered = false;
    std::optional<protocol::Reply> result;  // ran, waiting for confirmation
  };
  using ReadPtr = std::shared_ptr<PendingRead>;
  // A ReadIndex round in flight: its readers, when its request was first and last sent, and
  // the term it was sent in. A round with no readers renews the leader's lease.
  struct ReadRound {
    std::vector<ReadPtr> readers;
    Clock::time_point started;
    Clock::time_point sent;
    raft::Term term = 0;
  };
  struct PendingProposal {
    Done done;
    Clock::time_point deadline = {};
    // Reads that came after this proposal and before the next: run right after it is applied.
    std::vector<ReadPtr> reads_after;
  };

  void enqueue(Input input);
  // Answers an input that will not be handled (shutting down) with `error`.
  static void refuse(Input& input, const absl::Status& error);
  void run();
  void handle_inputs(std::vector<Input>& inputs);
  void handle_ready();
  // The leader changed (soft state): log it, publish it, and fail the leader's reads when this
  // node stops leading (their confirmation can no longer come).
  void on_leader_change(raft::NodeId before);
  void apply_committed(const std::vector<raft::Entry>& entries);
  // Adds the keys `op` wrote to `written` while clients block on keys (BLPOP ...).
  void note_written_keys(const kv::Operation& op, const protocol::Reply& reply,
                         std::vector<std::string>& written) const;
  // `written` collects the keys of the applied write commands while clients block on keys.
  void apply_normal_entry(const raft::Entry& e, kv::StateMachine::Batch& batch,
                          std::vector<std::string>& written,
                          std::vector<std::pair<Done, protocol::Reply>>& answers);
  void expire_requests(Clock::time_point now);
  void maybe_snapshot();
  void run_maintenance();
  void propose_internal(std::string operation);
  // Once a second (raft_driver_disk.cc): measures the free space, raises or clears this node's
  // NOSPACE alarm through the log until the applied alarms agree, and on the leader clears the
  // alarms of nodes that are no longer members.
  void check_disk_space(Clock::time_point now);
  void fail_all(const absl::Status& error);
  void send(std::vector<raft::Message> msgs);

  // Reads (raft_driver_reads.cc), driver thread only. `batch` holds the proposals collected
  // so far in this turn (not yet in the log).
  void handle_read(ReadInput& in, const std::vector<Proposal>& batch);
  // Runs a positioned read inside the apply batch (or, with `batch` null, against committed
  // state) and answers it if confirmed; otherwise keeps the result until the confirmation
  // comes.
  void run_positioned_read(const ReadPtr& r, kv::StateMachine::Batch* batch,
                           std::vector<std::pair<Done, protocol::Reply>>& answers);
  // Reads positioned after entry `index` (within an apply batch).
  void run_reads_at(raft::Index index, kv::StateMachine::Batch& batch,
                    std::vector<std::pair<Done, protocol::Reply>>& answers);
  // Starts this turn's ReadIndex round for the reads collected in it.
  void send_read_round();
  void on_read_state(const raft::ReadState& rs);
  // Whether this leader's lease covers a read arriving now; asks for a renewal round when it
  // is half spent.
  bool lease_covers_read();
  // A round confirmed leadership at commit index `index`: the lease runs from the round's
  // first sending.
  void renew_lease(const ReadRound& round, raft::Index index);
  void drop_lease(Clock::time_point floor);
  // Tells io threads until when the lease lets them serve reads (LocalReadGate).
  void publish_local_lease();
  // Io threads served reads from the lease: renew it in the background once half spent.
  void renew_lease_if_used();
  // Follower reads whose index is applied.
  void serve_follower_reads();
  // Sends again the ReadIndex requests unanswered for a while: the request or its answer may
  // have been lost on the way (the core answers one context once, so a repeat is harmless).
  void resend_read_index(Clock::time_point now);
  void expire_reads(Clock::time_point now);
  void fail_reads(const absl::Status& error, bool leader_reads_only);
  static void answer(PendingRead& r, absl::StatusOr<protocol::Reply> outcome);
  // Runs a command of a client of this node, counting its key lookups in INFO stats.
  protocol::Reply for_client(absl::FunctionRef<protocol::Reply(kv::KeyLookups*)> run) const;
  // Whether this node is its group's only voter (it then reads under a lease without end).
  void update_local_reads();
  void publish_view();

  // Membership (raft_driver_membership.cc), driver thread only.
  // A membership change some caller waits for, by the request id in its context.
  struct PendingChange {
    Done done;                                                         // SESHAT MEMBER REMOVE
    std::vector<std::function<void(transport::JoinReply)>> join_done;  // Join
    raft::NodeId node = 0;
    Clock::time_point deadline = {};
    // Proposed on a follower (the core forwards it): proposed again now and then, since a
    // leader that is busy with another change replaces it by an empty entry. Conf changes are
    // idempotent, so a duplicate does no harm.
    std::optional<raft::ConfChange> resend;
    Clock::time_point next_resend = {};
  };
  void handle_join(transport::JoinRequest& request,
                   std::function<void(transport::JoinReply)>& done);
  void handle_remove(raft::NodeId id, Done& done);
  transport::JoinReply join_ok() const;
  bool conf_change_pending() const;
  uint64_t new_request_id() { return next_proposal_id_++; }
  // Applies a committed conf change entry: the core's config, then the ConfState and the
  // member book staged in `batch` (written with the applied index).
  void apply_conf_change_entry(const raft::Entry& e, kv::StateMachine::Batch& batch,
                               std::vector<uint64_t>& finished);
  // Once the apply batch holding membership changes is written: the transport's peers, the
  // published view, the waiting callers.
  void after_membership_change(const std::vector<uint64_t>& finished);
  // The transport's peer set follows the membership (removed peers linger for a grace period,
  // so the last messages telling them of their removal still go out).
  void sync_peers();
  void membership_maintenance(Clock::time_point now);
  void promote_caught_up_learners();
  void advance_self_removal(Clock::time_point now);
  void fail_membership_waiters(const absl::Status& error);

  storage::Engine& engine_;
  storage::RaftLogStorage& log_;
  RaftDriverOptions options_;
  kv::StateMachine state_;
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
  std::unordered_map<uint64_t, PendingProposal> proposals_;
  uint64_t last_proposal_id_ = 0;  // the last client proposal put into the log
  uint64_t next_read_ctx_ = 1;
  std::vector<ReadPtr> reads_unsent_;                        // this turn's, for the next round
  std::map<std::string, ReadRound> reads_waiting_index_;     // ctx -> round
  std::multimap<raft::Index, ReadPtr> reads_at_index_;       // leader: run right after the entry
  std::multimap<raft::Index, ReadPtr> reads_waiting_apply_;  // follower: run once applied
  // The leader lease (raft_driver_reads.cc): valid in lease_term_ until lease_until_; rounds
  // first sent before lease_floor_ (the last applied membership change) do not renew it.
  Clock::duration lease_duration_{};
  Clock::time_point lease_until_{};
  raft::Term lease_term_ = 0;
  Clock::time_point lease_floor_{};
  bool lease_round_wanted_ = false;   // a lease read found the lease half spent
  bool sole_voter_leader_ = false;    // the only voter, and leading
  uint64_t read_rounds_ = 0;          // ReadIndex rounds this node started (INFO)
  uint64_t leader_changes_ = 0;       // times the leader this node knows of changed (INFO)
  uint64_t snapshots_installed_ = 0;  // snapshots from a leader put in place here (INFO)
  uint64_t snapshot_install_ms_ = 0;  // time those installs took, in total (INFO)
  uint64_t log_compactions_ = 0;      // times the log was cut behind the applied index (INFO)
  uint64_t applies_before_sync_ = 0;  // apply batches answered ahead of their turn's sync (INFO)
  raft::Index lease_index_ = 0;       // the commit index the lease's round confirmed
  int64_t lease_expiry_ms_ = 0;       // wall-clock end of the latest lease (INFO)
  raft::Index applied_ = 0;
  raft::Index last_snapshot_index_ = 0;
  uint64_t bytes_since_snapshot_ = 0;
  std::map<raft::NodeId, std::string> client_addrs_;   // announced through Hello
  std::map<raft::NodeId, uint32_t> client_tls_ports_;  // likewise (0: none)
  raft::ConfState conf_;                               // the applied membership
  storage::MemberBook book_;                           // its addresses
  std::map<raft::NodeId, std::string> peers_;          // the transport's peers: id -> address
  std::map<raft::NodeId, Clock::time_point> peers_leaving_;
  std::map<uint64_t, PendingChange> changes_;
  // SESHAT MEMBER REMOVE of this node while it leads: leadership goes to another voter first,
  // then the removal is proposed (forwarded to the new leader).
  struct SelfRemoval {
    uint64_t request_id = 0;
    Clock::time_point transfer_deadline = {};
  };
  std::optional<SelfRemoval> self_removal_;
  bool removed_ = false;  // this node applied its own removal
  Clock::time_point next_promotion_check_ = {};
  std::string tombstone_cursor_;
  Clock::time_point next_tick_;
  Clock::time_point next_maintenance_;
  Clock::time_point next_disk_check_ = {};
  // This node's filesystem is below the reserve (set by the driver thread, read by any).
  std::atomic<bool> disk_low_{false};
  std::atomic<uint64_t> disk_free_bytes_{0};

  // Published for other threads.
  std::atomic<uint64_t> leader_id_{0};
  std::atomic<uint64_t> term_{0};
  std::atomic<uint64_t> commit_index_{0};
  std::atomic<uint64_t> applied_index_{0};
  std::atomic<int64_t> last_proposal_ms_{0};
  std::atomic<int64_t> last_election_ms_{0};
  LocalReadGate local_reads_;             // when read_locally() may serve
  std::atomic<uint64_t> lease_reads_{0};  // reads the lease confirmed in the driver (INFO)
  mutable std::mutex status_mu_;
  std::string status_text_;         // refreshed by the driver for INFO
  std::vector<uint64_t> peer_ids_;  // guarded by status_mu_: members other than this node
};

}  // namespace seshat::replication
