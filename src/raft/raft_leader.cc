// The leader's half of the Raft state machine: proposals, replication with flow control,
// commit, ReadIndex and leadership transfer.
#include <algorithm>

#include "raft/raft.h"

namespace seshat::raft {

Status Raft::step_leader(const Message& m) {
  switch (m.type) {
    case MessageType::kBeat: bcast_heartbeat(); return {};
    case MessageType::kCheckQuorum:
      if (!trk_.quorum_active(id_)) {
        // We may be on the minority side of a partition: stop acting as leader so that clients
        // go elsewhere and reads are not served from a stale view.
        become_follower(term_, kNone);
      }
      // Everyone must prove again during the next round that they are alive.
      for (auto& [id, pr] : trk_.progress) pr.recent_active = id == id_;
      return {};
    case MessageType::kProp: return leader_propose(m);
    case MessageType::kReadIndex: leader_read_index(m); return {};
    default: break;
  }
  auto it = trk_.progress.find(m.from);
  if (it == trk_.progress.end()) return ErrorCode::kStepPeerNotFound;
  Progress& pr = it->second;
  switch (m.type) {
    case MessageType::kAppResp: leader_append_resp(m, pr); break;
    case MessageType::kHeartbeatResp: leader_heartbeat_resp(m, pr); break;
    case MessageType::kTransferLeader: leader_transfer(m, pr); break;
    default: break;  // stale responses (votes after winning, ...) need no action
  }
  return {};
}

Status Raft::leader_propose(Message m) {
  if (m.entries.empty()) panic("stepped an empty proposal");
  // A leader removed from the configuration keeps leading until it applies the removal; it
  // must not accept proposals for a group it no longer belongs to.
  if (!trk_.progress.count(id_)) return ErrorCode::kProposalDropped;
  // During a transfer the target must catch up to a fixed point; new entries would delay it.
  if (lead_transferee_ != kNone) return ErrorCode::kProposalDropped;
  for (size_t i = 0; i < m.entries.size(); ++i) {
    Entry& e = m.entries[i];
    if (e.type != EntryType::kConfChange) continue;
    auto cc = decode_conf_change(e.data);
    bool refuse = !cc.ok();
    if (!refuse) {
      bool already_pending = pending_conf_index_ > log_.applied();
      bool already_joint = trk_.config.voters.joint();
      bool wants_leave = cc->leave_joint();
      // One change at a time (its successor must be computed from the applied config), and a
      // joint configuration only accepts the change that leaves it.
      refuse = already_pending || (already_joint != wants_leave);
    }
    if (refuse) {
      // Keep the entry's place (the proposer may be waiting for its index) but neutralise it.
      e = Entry{};
    } else {
      pending_conf_index_ = log_.last_index() + i + 1;
    }
  }
  if (!append_entry(std::move(m.entries))) return ErrorCode::kProposalDropped;
  bcast_append();
  return {};
}

bool Raft::append_entry(std::vector<Entry> ents) {
  Index li = log_.last_index();
  for (size_t i = 0; i < ents.size(); ++i) {
    ents[i].term = term_;
    ents[i].index = li + 1 + i;
  }
  if (!increase_uncommitted_size(ents)) return false;
  log_.append(ents);
  // Our own progress advances only in on_persisted: the leader is one of the quorum only for
  // what it holds durably.
  return true;
}

bool Raft::increase_uncommitted_size(const std::vector<Entry>& ents) {
  uint64_t s = 0;
  for (const auto& e : ents) s += payload_size(e);
  // Always admit a proposal when nothing is uncommitted, so a single large entry can pass.
  if (uncommitted_size_ > 0 && s > 0 &&
      uncommitted_size_ + s > config_.max_uncommitted_entries_size) {
    return false;
  }
  uncommitted_size_ += s;
  return true;
}

void Raft::reduce_uncommitted_size(uint64_t size) {
  uncommitted_size_ = size > uncommitted_size_ ? 0 : uncommitted_size_ - size;
}

bool Raft::maybe_commit() {
  return log_.maybe_commit(trk_.committed(), term_,
                           config_.planted_bugs.commit_old_term_by_counting);
}

void Raft::self_ack(Index index) {
  auto it = trk_.progress.find(id_);
  if (it == trk_.progress.end()) return;
  const Index before = log_.committed();
  if (it->second.maybe_update(index) && maybe_commit()) {
    release_pending_read_index_messages();
    bcast_commit(before);
  }
}

bool Raft::maybe_send_append(NodeId to, bool send_if_empty) {
  auto it = trk_.progress.find(to);
  if (it == trk_.progress.end()) return false;
  Progress& pr = it->second;
  if (pr.is_paused()) return false;
  Index prev = pr.next - 1;
  if (prev > log_.last_index()) return false;
  auto prev_term = log_.term(prev);
  Result<std::vector<Entry>> ents = ErrorCode::kCompacted;
  if (prev_term.ok()) ents = log_.entries(pr.next, config_.max_size_per_msg);
  if (prev_term.ok() && ents.ok()) {
    if (ents->empty() && !send_if_empty) return false;
    Message m{.type = MessageType::kApp, .to = to};
    m.index = prev;
    m.log_term = prev_term.value();
    m.commit = log_.committed();
    if (!ents->empty())
      pr.sent_entries(ents->size(), ents->back().index, entries_size(*ents));
    else
      pr.sent_entries(0, prev, 0);
    m.entries = std::move(ents).value();
    send(std::move(m));
    return true;
  }
  // The entries this follower needs are compacted: send a snapshot instead. Skip followers we
  // have not heard from lately; a snapshot is expensive and they may be down.
  if (!pr.recent_active) return false;
  auto snap = log_.snapshot();
  if (!snap.ok()) {
    if (snap.error() == ErrorCode::kSnapshotTemporarilyUnavailable) return false;
    panic("failed to get a snapshot to send");
  }
  if (snap->empty()) panic("need a non-empty snapshot");
  pr.become_snapshot(snap->metadata.index);
  Message m{.type = MessageType::kSnap, .to = to};
  m.snapshot = std::move(snap).value();
  send(std::move(m));
  return true;
}

void Raft::send_heartbeat(NodeId to, const std::string& ctx) {
  // Never tell a follower to commit beyond what it is known to hold: its log past `match` may
  // still diverge from ours.
  Index commit = std::min(trk_.progress.at(to).match, log_.committed());
  Message m{.type = MessageType::kHeartbeat, .to = to};
  m.commit = commit;
  m.context = ctx;
  send(std::move(m));
}

void Raft::bcast_append() {
  for (const auto& [id, pr] : trk_.progress) {
    if (id != id_) send_append(id);
  }
}

void Raft::bcast_commit(Index before) {
  // A membership change is told to everyone at once: a member it removes hears from us for the
  // last time now, and must learn the commit to apply its own removal.
  const bool membership = pending_conf_index_ > before && pending_conf_index_ <= log_.committed();
  if (!config_.lazy_commit_broadcast || membership) {
    bcast_append();
    return;
  }
  for (const auto& [id, pr] : trk_.progress) {
    if (id != id_) (void)maybe_send_append(id, /*send_if_empty=*/false);
  }
}

void Raft::bcast_heartbeat() { bcast_heartbeat_with_ctx(read_only_.last_pending_request_ctx()); }

void Raft::bcast_heartbeat_with_ctx(const std::string& ctx) {
  for (const auto& [id, pr] : trk_.progress) {
    if (id != id_) send_heartbeat(id, ctx);
  }
}

void Raft::send_timeout_now(NodeId to) {
  send(Message{.type = MessageType::kTimeoutNow, .to = to});
}

void Raft::leader_append_resp(const Message& m, Progress& pr) {
  pr.recent_active = true;
  if (m.reject) {
    // Fast back-off: the follower told us its term at its best guess (reject_hint). Skip every
    // entry of ours whose term is above it; those cannot match.
    Index next_probe = m.reject_hint;
    if (m.log_term > 0) next_probe = log_.find_conflict_by_term(m.reject_hint, m.log_term).first;
    if (pr.maybe_decrease_to(m.index, next_probe)) {
      if (pr.state == ProgressState::kReplicate) pr.become_probe();
      send_append(m.from);
    }
    return;
  }
  bool old_paused = pr.is_paused();
  if (!(pr.maybe_update(m.index) || (pr.match == m.index && pr.state == ProgressState::kProbe))) {
    return;  // stale acknowledgement
  }
  switch (pr.state) {
    case ProgressState::kProbe: pr.become_replicate(); break;
    case ProgressState::kSnapshot:
      // The follower caught up past the snapshot (or from the log): stream again.
      if (pr.match + 1 >= log_.first_index()) {
        pr.become_probe();
        pr.become_replicate();
      }
      break;
    case ProgressState::kReplicate: pr.inflights.free_le(m.index); break;
  }
  if (const Index before = log_.committed(); maybe_commit()) {
    release_pending_read_index_messages();
    bcast_commit(before);
  } else if (old_paused) {
    send_append(m.from);
  }
  // The window may have opened by several messages: fill it.
  while (maybe_send_append(m.from, false)) {
  }
  if (pr.commit_wanted != 0 && pr.match >= pr.commit_wanted) {
    pr.commit_wanted = 0;
    send_heartbeat(m.from, "");
  }
  if (m.from == lead_transferee_ && pr.match == log_.last_index()) send_timeout_now(m.from);
}

void Raft::forget_peer_progress(NodeId id) {
  if (state_ != StateType::kLeader || id == id_) return;
  auto it = trk_.progress.find(id);
  if (it == trk_.progress.end()) return;
  Progress& pr = it->second;
  pr.match = 0;
  pr.become_probe();
  pr.next = log_.last_index() + 1;
}

void Raft::leader_heartbeat_resp(const Message& m, Progress& pr) {
  pr.recent_active = true;
  pr.msg_app_flow_paused = false;
  if (m.reject && m.reject_hint < pr.match) {
    // The follower holds less than it once acknowledged (its log was lost: a wiped data
    // directory). Probe for its real log; send_heartbeat's min(match, committed) then never
    // names an index it lacks.
    forget_peer_progress(m.from);
  }
  // If the window is full, a MsgApp may have been lost; free a slot so the answer to the next
  // one can tell us (a rejection moves us back to probing).
  if (pr.state == ProgressState::kReplicate && pr.inflights.full()) pr.inflights.free_first_one();
  if (pr.match < log_.last_index()) send_append(m.from);
  if (read_only_.option() != ReadOnlyOption::kSafe || m.context.empty()) return;
  const auto* acks = read_only_.recv_ack(m.from, m.context);
  if (acks == nullptr) return;
  if (trk_.config.voters.vote_result(*acks) != VoteResult::kWon) return;
  // A quorum answered a heartbeat sent after these reads arrived: we were still the leader
  // when they arrived, so our commit index then bounds every write acknowledged before them.
  for (auto& rs : read_only_.advance(m.context)) respond_to_read_index(rs.request, rs.index);
}

void Raft::leader_transfer(const Message& m, Progress& pr) {
  if (pr.is_learner) return;  // a learner cannot lead
  NodeId transferee = m.from;
  if (lead_transferee_ != kNone) {
    if (lead_transferee_ == transferee) return;  // already in progress
    abort_leader_transfer();
  }
  if (transferee == id_) return;  // already the leader
  // The transfer must finish within an election timeout (tick_heartbeat aborts it otherwise).
  election_elapsed_ = 0;
  lead_transferee_ = transferee;
  transfer_term_ = term_;
  if (pr.match == log_.last_index()) {
    send_timeout_now(transferee);
  } else {
    send_append(transferee);  // catch it up first; leader_append_resp sends TimeoutNow
  }
}

bool Raft::committed_entry_in_current_term() const {
  return log_.term_or_zero(log_.committed()) == term_;
}

void Raft::leader_read_index(const Message& m) {
  if (config_.planted_bugs.read_index_without_quorum) {
    respond_to_read_index(m, log_.committed());
    return;
  }
  // Until an entry of our term is committed we do not know the true commit index (the
  // previous leader may have committed more than we have marked).
  if (!committed_entry_in_current_term()) {
    pending_read_index_messages_.push_back(m);
    return;
  }
  send_read_index_response(m);
}

Status Raft::step_read_index_under_lease(const Message& m) {
  if (m.type != MessageType::kReadIndex || state_ != StateType::kLeader || m.from == kNone ||
      m.from == id_ || !committed_entry_in_current_term()) {
    return step(m);
  }
  tell_committed(m.from, log_.committed(), /*heartbeat_now=*/true);
  respond_to_read_index(m, log_.committed());
  return {};
}

void Raft::tell_committed(NodeId to, Index index, bool heartbeat_now) {
  if (to == kNone || to == id_) return;
  auto it = trk_.progress.find(to);
  if (it == trk_.progress.end()) return;
  Progress& pr = it->second;
  if (pr.match < index) {
    pr.commit_wanted = std::max(pr.commit_wanted, index);
  } else if (heartbeat_now) {
    send_heartbeat(to, "");
  }
}

void Raft::send_read_index_response(const Message& m) {
  if (trk_.is_singleton()) {
    tell_committed(m.from, log_.committed(), /*heartbeat_now=*/true);
    respond_to_read_index(m, log_.committed());
    return;
  }
  switch (read_only_.option()) {
    case ReadOnlyOption::kSafe:
      // The round's heartbeat tells a follower that holds the read index that it is committed.
      tell_committed(m.from, log_.committed(), /*heartbeat_now=*/false);
      read_only_.add_request(log_.committed(), m);
      // Our own acknowledgement counts: the leader is part of the quorum.
      (void)read_only_.recv_ack(id_, m.context);
      bcast_heartbeat_with_ctx(m.context);
      break;
    case ReadOnlyOption::kLeaseBased:
      tell_committed(m.from, log_.committed(), /*heartbeat_now=*/true);
      respond_to_read_index(m, log_.committed());
      break;
  }
}

void Raft::respond_to_read_index(const Message& req, Index read_index) {
  if (req.from == kNone || req.from == id_) {
    read_states_.push_back({read_index, req.context});
    return;
  }
  Message resp{.type = MessageType::kReadIndexResp, .to = req.from};
  resp.index = read_index;
  resp.context = req.context;
  send(std::move(resp));
}

void Raft::release_pending_read_index_messages() {
  if (pending_read_index_messages_.empty() || !committed_entry_in_current_term()) return;
  auto msgs = std::exchange(pending_read_index_messages_, {});
  for (const auto& m : msgs) send_read_index_response(m);
}

}  // namespace seshat::raft
