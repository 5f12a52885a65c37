#include "raft/raft.h"

#include <algorithm>

#include "raft/confchange.h"

namespace seshat::raft {

namespace {

// splitmix64's output function: spreads any input over all 64 bits.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

Status Config::validate() const {
  if (id == kNone) return ErrorCode::kInvalidConfig;
  if (heartbeat_tick <= 0 || election_tick <= heartbeat_tick) return ErrorCode::kInvalidConfig;
  if (election_tick_max != 0 && election_tick_max <= election_tick) {
    return ErrorCode::kInvalidConfig;
  }
  if (storage == nullptr) return ErrorCode::kInvalidConfig;
  if (max_inflight_msgs == 0) return ErrorCode::kInvalidConfig;
  if (max_size_per_msg == 0 || max_committed_size_per_ready == 0) {
    return ErrorCode::kInvalidConfig;
  }
  // A lease is only a lease if the leader steps down when it stops hearing from a quorum.
  if ((read_only_option == ReadOnlyOption::kLeaseBased || hold_votes_after_start) &&
      !check_quorum) {
    return ErrorCode::kInvalidConfig;
  }
  return {};
}

Raft::Raft(ConstructionKey, const Config& c)
    : config_(c),
      id_(c.id),
      log_(c.storage, c.max_committed_size_per_ready),
      trk_(c.max_inflight_msgs, c.max_inflight_bytes),
      read_only_(c.read_only_option),
      start_hold_ticks_(c.hold_votes_after_start ? c.election_tick : 0),
      rng_state_(mix64(c.random_seed != 0 ? c.random_seed : c.id)) {}

Result<std::unique_ptr<Raft>> Raft::create(const Config& config) {
  if (auto s = config.validate(); !s.ok()) return s.code();
  auto r = std::make_unique<Raft>(ConstructionKey(), config);
  if (auto s = r->init(); !s.ok()) return s.code();
  return r;
}

Status Raft::init() {
  auto is = config_.storage->initial_state();
  if (!is.ok()) return is.error();
  auto conf = restore_conf_state(is->conf_state, log_.last_index(), trk_.max_inflight(),
                                 trk_.max_inflight_bytes());
  if (!conf.ok()) return conf.error();
  switch_to_config(std::move(conf->first), std::move(conf->second));
  if (!is->hard_state.empty()) {
    const HardState& hs = is->hard_state;
    if (hs.commit < log_.committed() || hs.commit > log_.last_index()) {
      return ErrorCode::kCorrupt;  // the stored commit index is outside the stored log
    }
    load_state(hs);
  }
  durable_term_ = term_;
  if (config_.applied > 0) {
    if (config_.applied > log_.committed()) return ErrorCode::kInvalidConfig;
    log_.applied_to(config_.applied);
  }
  become_follower(term_, kNone);
  return {};
}

void Raft::load_state(const HardState& hs) {
  log_.commit_to(hs.commit);
  term_ = hs.term;
  vote_ = config_.planted_bugs.forget_vote_on_restart ? kNone : hs.vote;
}

// ---- roles ----------------------------------------------------------------------------------

void Raft::reset(Term term) {
  if (term_ != term) {
    term_ = term;
    vote_ = kNone;
  }
  lead_ = kNone;
  election_elapsed_ = 0;
  heartbeat_elapsed_ = 0;
  reset_randomized_election_timeout();
  abort_leader_transfer();
  trk_.reset_votes();
  for (auto& [id, pr] : trk_.progress) {
    Progress fresh(log_.last_index() + 1, trk_.max_inflight(), trk_.max_inflight_bytes());
    fresh.is_learner = pr.is_learner;
    // We count our own log only as far as it is durable (see on_persisted).
    if (id == id_) fresh.match = log_.last_stable_index();
    pr = std::move(fresh);
  }
  pending_conf_index_ = 0;
  uncommitted_size_ = 0;
  read_only_ = ReadOnly(config_.read_only_option);
  pending_read_index_messages_.clear();
}

void Raft::reset_randomized_election_timeout() {
  // splitmix64: tiny, deterministic, and good enough to spread election timeouts. Its state
  // steps by a constant, so nodes' streams are shifted copies of one sequence; the seed is
  // mixed (above) so that no two nodes start a small number of steps apart, which would put
  // them in step for good (ElectionTimeout.NodesNeverFallIntoStep).
  rng_state_ += 0x9E3779B97F4A7C15ull;
  const uint64_t z = mix64(rng_state_);
  const int upper =
      config_.election_tick_max != 0 ? config_.election_tick_max : 2 * config_.election_tick;
  const auto span = static_cast<uint64_t>(upper - config_.election_tick);
  randomized_election_timeout_ = config_.election_tick + static_cast<int>(z % span);
}

void Raft::become_follower(Term term, NodeId lead) {
  reset(term);
  lead_ = lead;
  state_ = StateType::kFollower;
}

void Raft::become_candidate() {
  if (state_ == StateType::kLeader) panic("invalid transition [leader -> candidate]");
  reset(term_ + 1);
  vote_ = id_;
  state_ = StateType::kCandidate;
}

void Raft::become_pre_candidate() {
  if (state_ == StateType::kLeader) panic("invalid transition [leader -> pre-candidate]");
  // A pre-candidate changes neither term nor vote: that is the point of PreVote.
  trk_.reset_votes();
  lead_ = kNone;
  state_ = StateType::kPreCandidate;
}

void Raft::become_leader() {
  if (state_ == StateType::kFollower) panic("invalid transition [follower -> leader]");
  reset(term_);
  lead_ = id_;
  state_ = StateType::kLeader;
  if (auto it = trk_.progress.find(id_); it != trk_.progress.end()) {
    it->second.become_replicate();
    it->second.recent_active = true;
  }
  // Configuration changes in the uncommitted tail may be pending; be conservative and allow a
  // new one only after everything up to here is applied.
  pending_conf_index_ = log_.last_index();
  // The empty entry of the new term (§8): committing it commits everything before it and tells
  // us our commit index, which ReadIndex needs.
  if (!append_entry({Entry{}})) panic("empty entry was dropped");
}

bool Raft::promotable() const {
  auto it = trk_.progress.find(id_);
  return it != trk_.progress.end() && !it->second.is_learner && !log_.unstable_snapshot();
}

bool Raft::past_election_timeout() const {
  return election_elapsed_ >= randomized_election_timeout_;
}

// ---- time ----------------------------------------------------------------------------------

void Raft::tick() {
  if (start_hold_ticks_ > 0) --start_hold_ticks_;
  if (state_ == StateType::kLeader) {
    tick_heartbeat();
  } else {
    tick_election();
  }
}

void Raft::tick_election() {
  ++election_elapsed_;
  if (promotable() && past_election_timeout()) {
    election_elapsed_ = 0;
    (void)step(Message{.type = MessageType::kHup, .from = id_});
  }
}

void Raft::tick_heartbeat() {
  ++heartbeat_elapsed_;
  ++election_elapsed_;
  if (election_elapsed_ >= config_.election_tick) {
    election_elapsed_ = 0;
    if (config_.check_quorum) {
      (void)step(Message{.type = MessageType::kCheckQuorum, .from = id_});
    }
    // A transfer that did not finish within an election timeout is abandoned, so that
    // proposals are accepted again.
    if (state_ == StateType::kLeader && lead_transferee_ != kNone) abort_leader_transfer();
  }
  if (state_ != StateType::kLeader) return;
  if (heartbeat_elapsed_ >= config_.heartbeat_tick) {
    heartbeat_elapsed_ = 0;
    (void)step(Message{.type = MessageType::kBeat, .from = id_});
  }
}

// ---- elections -----------------------------------------------------------------------------

bool Raft::has_unapplied_conf_change() const {
  if (log_.applied() >= log_.committed()) return false;
  auto ents = log_.slice(log_.applied() + 1, log_.committed() + 1, kNoLimit);
  if (!ents.ok()) panic("cannot read unapplied committed entries");
  return std::any_of(ents->begin(), ents->end(),
                     [](const Entry& e) { return e.type == EntryType::kConfChange; });
}

void Raft::hup(CampaignType t) {
  if (state_ == StateType::kLeader) return;
  if (!promotable()) return;
  // A node must not lead under a configuration it has not applied yet: it would count votes
  // and acknowledgements against the wrong membership.
  if (has_unapplied_conf_change()) return;
  campaign(t);
}

void Raft::campaign(CampaignType t) {
  MessageType vote_msg;
  Term vote_term;
  if (t == CampaignType::kPreElection) {
    become_pre_candidate();
    vote_msg = MessageType::kPreVote;
    // PreVote asks "would you vote for me in the next term?" without moving to it.
    vote_term = term_ + 1;
  } else {
    become_candidate();
    vote_msg = MessageType::kVote;
    vote_term = term_;
  }
  if (poll(id_, vote_response_type(vote_msg), true) == VoteResult::kWon) {
    // A single-voter configuration wins on its own vote.
    if (t == CampaignType::kPreElection) {
      campaign(CampaignType::kElection);
    } else {
      become_leader();
    }
    return;
  }
  for (NodeId id : trk_.voter_ids()) {
    if (id == id_) continue;
    Message m{.type = vote_msg, .to = id, .term = vote_term};
    m.index = log_.last_index();
    m.log_term = log_.last_term();
    if (t == CampaignType::kTransfer) m.context = std::string(kCampaignTransfer);
    send(std::move(m));
  }
}

VoteResult Raft::poll(NodeId id, MessageType t, bool granted) {
  trk_.record_vote(id, granted);
  return trk_.tally_votes().result;
}

// ---- step ----------------------------------------------------------------------------------

Status Raft::step(const Message& m) {
  bool stop = false;
  Status s = step_term(m, &stop);
  if (stop) return s;
  switch (m.type) {
    case MessageType::kHup:
      hup(config_.pre_vote ? CampaignType::kPreElection : CampaignType::kElection);
      return {};
    case MessageType::kVote:
    case MessageType::kPreVote: step_vote(m); return {};
    default: break;
  }
  switch (state_) {
    case StateType::kLeader: return step_leader(m);
    case StateType::kCandidate:
    case StateType::kPreCandidate: return step_candidate(m);
    case StateType::kFollower: return step_follower(m);
  }
  return {};
}

Status Raft::step_term(const Message& m, bool* stop) {
  if (m.term == 0) return {};  // local message, or a forwarded proposal / read
  if (m.term > term_) {
    if (m.type == MessageType::kVote || m.type == MessageType::kPreVote) {
      bool force = m.context == kCampaignTransfer;
      bool in_lease =
          config_.check_quorum &&
          ((lead_ != kNone && election_elapsed_ < config_.election_tick) || start_hold_ticks_ > 0);
      if (!force && in_lease) {
        // We heard from a live leader within the minimum election timeout: this candidate
        // (perhaps a node returning from a partition, or a removed one) must not depose it.
        *stop = true;
        return {};
      }
    }
    if (m.type == MessageType::kPreVote) {
      // Never change term for a PreVote.
    } else if (m.type == MessageType::kPreVoteResp && !m.reject) {
      // A granted PreVote carries the term we would move to; we move once we have a quorum.
    } else if (m.type == MessageType::kApp || m.type == MessageType::kHeartbeat ||
               m.type == MessageType::kSnap) {
      become_follower(m.term, m.from);
    } else {
      become_follower(m.term, kNone);
    }
    return {};
  }
  if (m.term < term_) {
    if ((config_.check_quorum || config_.pre_vote) &&
        (m.type == MessageType::kHeartbeat || m.type == MessageType::kApp)) {
      // A stale leader is talking to us. With CheckQuorum or PreVote, our higher term may be
      // the result of an election it could not disrupt; answer so that it learns our term and
      // steps down instead of being stuck.
      send(Message{.type = MessageType::kAppResp, .to = m.from});
    } else if (m.type == MessageType::kPreVote) {
      // Reject explicitly, so a pre-candidate with a stale term learns ours and is not stuck.
      send(Message{.type = MessageType::kPreVoteResp, .to = m.from, .term = term_, .reject = true});
    }
    *stop = true;
  }
  return {};
}

void Raft::step_vote(const Message& m) {
  // We can vote if this is a repeat of a vote we cast, if we have not voted and know no leader
  // in this term, or if this is a PreVote for a future term.
  bool can_vote = vote_ == m.from || (vote_ == kNone && lead_ == kNone) ||
                  (m.type == MessageType::kPreVote && m.term > term_);
  bool up_to_date =
      config_.planted_bugs.vote_without_log_check || log_.is_up_to_date(m.index, m.log_term);
  MessageType resp = vote_response_type(m.type);
  if (can_vote && up_to_date) {
    // The response carries the candidate's term, so that a pre-candidate counts it.
    send(Message{.type = resp, .to = m.from, .term = m.term});
    if (m.type == MessageType::kVote) {
      election_elapsed_ = 0;
      vote_ = m.from;
    }
  } else {
    send(Message{.type = resp, .to = m.from, .term = term_, .reject = true});
  }
}

void Raft::send(Message m) {
  if (m.from == kNone) m.from = id_;
  bool is_vote = m.type == MessageType::kVote || m.type == MessageType::kVoteResp ||
                 m.type == MessageType::kPreVote || m.type == MessageType::kPreVoteResp;
  if (is_vote) {
    // Vote messages carry the term of the election, not necessarily ours.
    if (m.term == 0) panic("vote message without a term");
  } else if (m.type == MessageType::kProp || m.type == MessageType::kReadIndex) {
    // Forwarded to the leader, which treats them as local: no term.
    m.term = 0;
  } else {
    m.term = term_;
  }
  // The persistence contract. A leader's replication traffic may leave before its own write
  // is durable (it counts itself only after on_persisted), but only once its term is durable:
  // otherwise a crash could let it lead the same term again with a different log. Everything
  // else (votes, acknowledgements, forwarded requests) promises something about our durable
  // state and must wait until the Ready that produced it has been persisted.
  bool early = state_ == StateType::kLeader && durable_term_ == term_ &&
               (m.type == MessageType::kApp || m.type == MessageType::kHeartbeat ||
                m.type == MessageType::kSnap || m.type == MessageType::kTimeoutNow ||
                m.type == MessageType::kReadIndexResp);
  (early ? msgs_ : msgs_after_persist_).push_back(std::move(m));
}

// ---- feedback from the application --------------------------------------------------------

void Raft::on_persisted(Index index, Term term) {
  log_.stable_to(index, term);
  if (state_ == StateType::kLeader && log_.match_term(index, term)) self_ack(index);
}

void Raft::on_snapshot_persisted(Index index) { log_.stable_snap_to(index); }

void Raft::applied_to(Index index, uint64_t applied_bytes) {
  log_.applied_to(index);
  reduce_uncommitted_size(applied_bytes);
  if (trk_.config.auto_leave && index >= pending_conf_index_ && state_ == StateType::kLeader) {
    // The joint configuration is applied; leave it. If the proposal is refused (for example
    // during a leader transfer) the next applied_to tries again.
    Message m{.type = MessageType::kProp, .from = id_};
    m.entries.push_back(Entry{.type = EntryType::kConfChange, .data = encode_conf_change({})});
    (void)step(m);
  }
}

Result<ConfState> Raft::apply_conf_change(const ConfChange& cc) {
  Changer ch(trk_.config, trk_.progress, log_.last_index(), trk_.max_inflight(),
             trk_.max_inflight_bytes());
  bool auto_leave = false;
  Changer::Outcome r = cc.leave_joint() ? std::move(ch).leave_joint()
                       : cc.enter_joint(&auto_leave)
                           ? std::move(ch).enter_joint(auto_leave, cc.changes)
                           : std::move(ch).simple(cc.changes);
  if (!r.ok()) return r.error();
  return switch_to_config(std::move(r->first), std::move(r->second));
}

void Raft::report_unreachable(NodeId id) {
  if (state_ != StateType::kLeader) return;
  auto it = trk_.progress.find(id);
  if (it == trk_.progress.end()) return;
  // Messages may have been lost: stop streaming optimistically and probe again.
  if (it->second.state == ProgressState::kReplicate) it->second.become_probe();
}

void Raft::report_snapshot(NodeId id, bool failed) {
  if (state_ != StateType::kLeader) return;
  auto it = trk_.progress.find(id);
  if (it == trk_.progress.end() || it->second.state != ProgressState::kSnapshot) return;
  Progress& pr = it->second;
  if (failed) pr.pending_snapshot = 0;
  pr.become_probe();
  // Wait for a heartbeat response (proof the follower is reachable) before probing again.
  pr.msg_app_flow_paused = true;
}

}  // namespace seshat::raft
