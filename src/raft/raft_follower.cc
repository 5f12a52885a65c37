// The follower's and candidate's half of the Raft state machine, plus what happens when a
// configuration is switched or a snapshot restored.
#include <algorithm>

#include "raft/confchange.h"
#include "raft/raft.h"

namespace seshat::raft {

Status Raft::step_candidate(const Message& m) {
  MessageType my_resp =
      state_ == StateType::kPreCandidate ? MessageType::kPreVoteResp : MessageType::kVoteResp;
  switch (m.type) {
    case MessageType::kProp: return ErrorCode::kProposalDropped;  // no leader to forward to
    case MessageType::kApp:
      // A leader of our term exists (the term check already passed): it won this election.
      become_follower(m.term, m.from);
      handle_append_entries(m);
      return {};
    case MessageType::kHeartbeat:
      become_follower(m.term, m.from);
      handle_heartbeat(m);
      return {};
    case MessageType::kSnap:
      become_follower(m.term, m.from);
      handle_snapshot(m);
      return {};
    default: break;
  }
  if (m.type != my_resp) return {};  // stale votes of another kind, TimeoutNow, reads: ignore
  switch (poll(m.from, m.type, !m.reject)) {
    case VoteResult::kWon:
      if (state_ == StateType::kPreCandidate) {
        campaign(CampaignType::kElection);
      } else {
        become_leader();
        bcast_append();
      }
      break;
    case VoteResult::kLost:
      // A rejection at a higher term has already moved us to follower in step_term.
      become_follower(term_, kNone);
      break;
    case VoteResult::kPending: break;
  }
  return {};
}

Status Raft::step_follower(const Message& m) {
  switch (m.type) {
    case MessageType::kProp: {
      if (lead_ == kNone || config_.disable_proposal_forwarding) {
        return ErrorCode::kProposalDropped;
      }
      Message fwd = m;
      fwd.to = lead_;
      send(std::move(fwd));
      return {};
    }
    case MessageType::kApp:
      election_elapsed_ = 0;
      lead_ = m.from;
      handle_append_entries(m);
      return {};
    case MessageType::kHeartbeat:
      election_elapsed_ = 0;
      lead_ = m.from;
      handle_heartbeat(m);
      return {};
    case MessageType::kSnap:
      election_elapsed_ = 0;
      lead_ = m.from;
      handle_snapshot(m);
      return {};
    case MessageType::kTransferLeader: {
      if (lead_ == kNone) return {};  // nobody to forward to; the caller may retry
      Message fwd = m;
      fwd.to = lead_;
      send(std::move(fwd));
      return {};
    }
    case MessageType::kTimeoutNow:
      // Leadership transfers skip PreVote: the leader itself asked us, so we are not a node
      // returning from a partition.
      hup(CampaignType::kTransfer);
      return {};
    case MessageType::kReadIndex: {
      if (lead_ == kNone) return {};  // dropped; the caller retries after its timeout
      Message fwd = m;
      fwd.to = lead_;
      send(std::move(fwd));
      return {};
    }
    case MessageType::kReadIndexResp: read_states_.push_back({m.index, m.context}); return {};
    default: return {};
  }
}

void Raft::handle_append_entries(const Message& m) {
  if (m.index < log_.committed()) {
    // Everything up to our commit index is settled; tell the leader where we are.
    Message r{.type = MessageType::kAppResp, .to = m.from};
    r.index = log_.committed();
    send(std::move(r));
    return;
  }
  if (auto last_new = log_.maybe_append(m.index, m.log_term, m.commit, m.entries)) {
    Message r{.type = MessageType::kAppResp, .to = m.from};
    r.index = *last_new;
    send(std::move(r));
    return;
  }
  // Reject with a hint: the largest index <= the probed one whose term is <= the leader's term
  // there. The leader skips all entries in between in one round trip instead of one per entry.
  Index hint = std::min(m.index, log_.last_index());
  auto [hint_index, hint_term] = log_.find_conflict_by_term(hint, m.log_term);
  Message r{.type = MessageType::kAppResp, .to = m.from};
  r.index = m.index;
  r.reject = true;
  r.reject_hint = hint_index;
  r.log_term = hint_term;
  send(std::move(r));
}

void Raft::handle_heartbeat(const Message& m) {
  // The leader sends min(match, committed), so a commit index beyond our log means its match
  // for us is stale: we lost entries we had acknowledged. Commit nothing on its word and tell
  // it how far our log goes; it forgets our progress and probes (leader_heartbeat_resp).
  // The answer still acknowledges its leadership for ReadIndex.
  Message r{.type = MessageType::kHeartbeatResp, .to = m.from};
  if (m.commit > log_.last_index()) {
    r.reject = true;
    r.reject_hint = log_.last_index();
  } else {
    log_.commit_to(m.commit);
  }
  r.context = m.context;
  send(std::move(r));
}

void Raft::handle_snapshot(const Message& m) {
  if (!m.snapshot) return;
  Message r{.type = MessageType::kAppResp, .to = m.from};
  r.index = restore(*m.snapshot) ? log_.last_index() : log_.committed();
  send(std::move(r));
}

bool Raft::restore(const Snapshot& s) {
  if (s.metadata.index <= log_.committed()) return false;
  if (state_ != StateType::kFollower) {
    // Only a leader of our term sends snapshots, and it made us a follower on arrival; being
    // anything else here means two leaders. Step into a new term defensively.
    become_follower(term_ + 1, kNone);
    return false;
  }
  const ConfState& cs = s.metadata.conf_state;
  auto has = [&](const std::vector<NodeId>& v) {
    return std::find(v.begin(), v.end(), id_) != v.end();
  };
  // A snapshot that does not include us is from a configuration we are not part of (for
  // example taken before we were added): installing it would leave us without a role.
  if (!has(cs.voters) && !has(cs.learners) && !has(cs.voters_outgoing)) return false;
  if (log_.match_term(s.metadata.index, s.metadata.term)) {
    // We already hold the snapshot's last entry, hence (log matching) everything before it:
    // just move the commit index.
    log_.commit_to(s.metadata.index);
    return false;
  }
  log_.restore(s);
  auto conf =
      restore_conf_state(cs, log_.last_index(), trk_.max_inflight(), trk_.max_inflight_bytes());
  if (!conf.ok()) panic("unable to restore the configuration of a snapshot");
  switch_to_config(std::move(conf->first), std::move(conf->second));
  return true;
}

ConfState Raft::switch_to_config(TrackerConfig cfg, ProgressMap prs) {
  trk_.config = std::move(cfg);
  trk_.progress = std::move(prs);
  ConfState cs = trk_.conf_state();
  auto self = trk_.progress.find(id_);
  is_learner_ = self != trk_.progress.end() && self->second.is_learner;
  if ((self == trk_.progress.end() || is_learner_) && state_ == StateType::kLeader) {
    // The change that removed (or demoted) us is committed, so the remaining members can elect
    // a leader among themselves; leading a group we are not a voter of would be confusing.
    become_follower(term_, kNone);
    return cs;
  }
  if (state_ != StateType::kLeader || cs.voters.empty()) return cs;
  // The quorum changed: the commit index may move, and new members need the log.
  if (maybe_commit()) {
    release_pending_read_index_messages();
    bcast_append();
  } else {
    for (const auto& [id, pr] : trk_.progress) {
      if (id != id_) maybe_send_append(id, false);
    }
  }
  if (lead_transferee_ != kNone && !trk_.config.voters.contains(lead_transferee_)) {
    abort_leader_transfer();
  }
  return cs;
}

}  // namespace seshat::raft
