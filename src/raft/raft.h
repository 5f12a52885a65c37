// The Raft state machine. It reacts to two inputs, tick() (time passes) and step(message), and
// accumulates outputs (messages, entries to persist, entries to apply, read states) that
// RawNode packages into Ready. No I/O, no threads, no clock: equal inputs give equal outputs.
//
// Safety invariants this file is responsible for, and where they are kept:
//  - Election safety (one leader per term): a node votes at most once per term (step_vote),
//    and the vote is part of the HardState that must be durable before the vote is sent.
//  - Leader completeness: votes only go to candidates whose log is at least as up to date
//    (§5.4.1, step_vote).
//  - Commit only by counting entries of the current term (§5.4.2, maybe_commit).
//  - The leader counts its own log only once the application reports it durable
//    (on_persisted), so "committed" always means "durable on a quorum".
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "raft/config.h"
#include "raft/log.h"
#include "raft/read_only.h"
#include "raft/tracker.h"

namespace seshat::raft {

class Raft {
 public:
  static Result<std::unique_ptr<Raft>> create(const Config& config);
  // Use create(); the key keeps construction (which cannot fail) apart from init (which can).
  struct ConstructionKey {
   private:
    ConstructionKey() = default;
    friend class Raft;
  };
  Raft(ConstructionKey, const Config& config);

  Status step(const Message& m);
  void tick();
  // A follower's ReadIndex request (MsgReadIndex) that the application answers from a leader
  // lease it holds and vouches for: a leader that has committed an entry of its term answers
  // at its commit index at once, without a heartbeat round (the follower learns that index is
  // committed by a heartbeat to it alone, sent once it holds that far). Anything else is
  // stepped as usual.
  Status step_read_index_under_lease(const Message& m);

  // Outputs, drained by RawNode::ready().
  std::vector<Message> take_messages() { return std::exchange(msgs_, {}); }
  std::vector<Message> take_messages_after_persist() {
    return std::exchange(msgs_after_persist_, {});
  }
  std::vector<ReadState> take_read_states() { return std::exchange(read_states_, {}); }
  bool has_messages() const { return !msgs_.empty() || !msgs_after_persist_.empty(); }
  bool has_read_states() const { return !read_states_.empty(); }

  // Persistence feedback from RawNode::advance.
  void on_persisted(Index index, Term term);
  void on_snapshot_persisted(Index index);
  void on_hard_state_persisted(const HardState& hs) { durable_term_ = hs.term; }
  // The application applied entries up to `index`; `applied_bytes` is their payload size.
  void applied_to(Index index, uint64_t applied_bytes);

  // Applies a committed configuration change; returns the resulting membership.
  Result<ConfState> apply_conf_change(const ConfChange& cc);
  void report_unreachable(NodeId id);
  void report_snapshot(NodeId id, bool failed);
  // The leader's record of what `id` holds is no longer to be trusted (it restarted and may
  // hold less than it acknowledged): match drops to 0 and the leader probes from the end of its
  // log, so it learns the follower's real log before sending it entries or a commit index.
  void forget_peer_progress(NodeId id);

  SoftState soft_state() const { return {lead_, state_}; }
  HardState hard_state() const { return {term_, vote_, log_.committed()}; }

  NodeId id() const { return id_; }
  Term term() const { return term_; }
  NodeId vote() const { return vote_; }
  NodeId lead() const { return lead_; }
  StateType state() const { return state_; }
  NodeId lead_transferee() const { return lead_transferee_; }
  // The last term in which this node, as leader, began a leadership transfer (0: never). The
  // target campaigns with votes that ignore CheckQuorum's lease, so once a transfer has begun
  // no time-based lease of this leader can be trusted for the rest of the term, even after the
  // transfer is abandoned: its TimeoutNow may still be on the way.
  Term transfer_term() const { return transfer_term_; }
  // On a leader: the index of the last configuration change it accepted. While it is above the
  // applied index, another change would be refused (replaced by an empty entry).
  Index pending_conf_index() const { return pending_conf_index_; }
  bool is_learner() const { return is_learner_; }
  const RaftLog& log() const { return log_; }
  RaftLog& mutable_log() { return log_; }
  const ProgressTracker& tracker() const { return trk_; }
  ProgressTracker& mutable_tracker() { return trk_; }
  int election_elapsed() const { return election_elapsed_; }
  int randomized_election_timeout() const { return randomized_election_timeout_; }
  void set_randomized_election_timeout(int t) { randomized_election_timeout_ = t; }
  size_t pending_read_count() const { return read_only_.pending(); }
  const Config& config() const { return config_; }

  // Role changes, public for tests that set up a state directly.
  void become_follower(Term term, NodeId lead);
  void become_candidate();
  void become_pre_candidate();
  void become_leader();

 private:
  Status init();

  // raft.cc: roles, elections, the top of step().
  void reset(Term term);
  void reset_randomized_election_timeout();
  bool promotable() const;
  bool past_election_timeout() const;
  void tick_election();
  void tick_heartbeat();
  enum class CampaignType { kPreElection, kElection, kTransfer };
  void hup(CampaignType t);
  void campaign(CampaignType t);
  VoteResult poll(NodeId id, MessageType t, bool granted);
  Status step_term(const Message& m, bool* stop);
  void step_vote(const Message& m);
  void send(Message m);
  void load_state(const HardState& hs);
  bool has_unapplied_conf_change() const;

  // raft_leader.cc: replication, commit, reads, transfer.
  Status step_leader(const Message& m);
  Status leader_propose(Message m);
  void leader_read_index(const Message& m);
  void leader_append_resp(const Message& m, Progress& pr);
  void leader_heartbeat_resp(const Message& m, Progress& pr);
  void leader_transfer(const Message& m, Progress& pr);
  bool append_entry(std::vector<Entry> ents);
  void send_append(NodeId to) { maybe_send_append(to, true); }
  bool maybe_send_append(NodeId to, bool send_if_empty);
  void send_heartbeat(NodeId to, const std::string& ctx);
  // After the commit index moved from `before`: bcast_append, or with lazy_commit_broadcast
  // only to followers with entries to receive (unless a membership change was committed).
  void bcast_commit(Index before);
  void bcast_append();
  void bcast_heartbeat();
  void bcast_heartbeat_with_ctx(const std::string& ctx);
  void send_timeout_now(NodeId to);
  void send_read_index_response(const Message& m);
  // A follower (`to`) told read index `index` waits until it has applied that far, so it must
  // learn at once that `index` is committed (with lazy_commit_broadcast nothing else would tell
  // it before the next heartbeat): a heartbeat now if it holds that much and `heartbeat_now`,
  // else one as soon as it acknowledges holding it (Progress::commit_wanted).
  void tell_committed(NodeId to, Index index, bool heartbeat_now);
  bool maybe_commit();
  void self_ack(Index index);
  void abort_leader_transfer() { lead_transferee_ = kNone; }
  bool committed_entry_in_current_term() const;
  void respond_to_read_index(const Message& req, Index read_index);
  void release_pending_read_index_messages();

  // raft_follower.cc: candidate and follower steps, handling what a leader sends.
  Status step_candidate(const Message& m);
  Status step_follower(const Message& m);
  void handle_append_entries(const Message& m);
  void handle_heartbeat(const Message& m);
  void handle_snapshot(const Message& m);
  bool restore(const Snapshot& s);
  ConfState switch_to_config(TrackerConfig cfg, ProgressMap prs);
  bool increase_uncommitted_size(const std::vector<Entry>& ents);
  void reduce_uncommitted_size(uint64_t size);

  Config config_;
  NodeId id_;
  Term term_ = 0;
  NodeId vote_ = kNone;
  // The term the application has reported durable. A leader's messages may leave before its
  // entries are durable, but never before its term is: see send().
  Term durable_term_ = 0;
  RaftLog log_;
  ProgressTracker trk_;
  StateType state_ = StateType::kFollower;
  bool is_learner_ = false;
  NodeId lead_ = kNone;
  NodeId lead_transferee_ = kNone;
  Term transfer_term_ = 0;
  // Index of the latest configuration change proposed by this leader; a new one is accepted
  // only once it is applied (one change in flight at a time).
  Index pending_conf_index_ = 0;
  uint64_t uncommitted_size_ = 0;
  ReadOnly read_only_;
  // ReadIndex requests that arrived before this leader committed an entry of its term: it
  // cannot know the commit index until then.
  std::vector<Message> pending_read_index_messages_;
  std::vector<ReadState> read_states_;
  int election_elapsed_ = 0;
  // Ticks left during which votes are held after start (Config::hold_votes_after_start).
  int start_hold_ticks_ = 0;
  int heartbeat_elapsed_ = 0;
  int randomized_election_timeout_ = 0;
  uint64_t rng_state_;
  std::vector<Message> msgs_;
  std::vector<Message> msgs_after_persist_;
};

}  // namespace seshat::raft
