#include "raft/confchange.h"

#include <algorithm>

namespace seshat::raft {

Changer::Outcome Changer::enter_joint(bool auto_leave,
                                      const std::vector<ConfChangeSingle>& changes) && {
  if (config_.voters.joint()) return ErrorCode::kInvalidConfChange;  // already joint
  // A joint config with an empty outgoing half is indistinguishable from a non-joint one.
  if (config_.voters.incoming.empty()) return ErrorCode::kInvalidConfChange;
  config_.voters.outgoing = config_.voters.incoming;
  if (auto s = apply(changes); !s.ok()) return s.code();
  config_.auto_leave = auto_leave;
  if (auto s = check_invariants(); !s.ok()) return s.code();
  return std::make_pair(std::move(config_), std::move(progress_));
}

Changer::Outcome Changer::leave_joint() && {
  if (!config_.voters.joint()) return ErrorCode::kInvalidConfChange;
  for (NodeId id : config_.learners_next) {
    config_.learners.insert(id);
    progress_.at(id).is_learner = true;
  }
  config_.learners_next.clear();
  for (NodeId id : config_.voters.outgoing) {
    bool still_member = config_.voters.incoming.count(id) || config_.learners.count(id);
    if (!still_member) progress_.erase(id);
  }
  config_.voters.outgoing.clear();
  config_.auto_leave = false;
  if (auto s = check_invariants(); !s.ok()) return s.code();
  return std::make_pair(std::move(config_), std::move(progress_));
}

Changer::Outcome Changer::simple(const std::vector<ConfChangeSingle>& changes) && {
  if (config_.voters.joint()) return ErrorCode::kInvalidConfChange;
  MajorityConfig before = config_.voters.incoming;
  if (auto s = apply(changes); !s.ok()) return s.code();
  // Safety of a direct change rests on old and new majorities overlapping, which holds only
  // when at most one voter is added or removed.
  size_t diff = 0;
  for (NodeId id : before) diff += config_.voters.incoming.count(id) ? 0 : 1;
  for (NodeId id : config_.voters.incoming) diff += before.count(id) ? 0 : 1;
  if (diff > 1) return ErrorCode::kInvalidConfChange;
  if (auto s = check_invariants(); !s.ok()) return s.code();
  return std::make_pair(std::move(config_), std::move(progress_));
}

Status Changer::apply(const std::vector<ConfChangeSingle>& changes) {
  for (const auto& c : changes) {
    if (c.node_id == kNone) continue;  // etcd-compatible: id 0 is a no-op
    switch (c.type) {
      case ConfChangeType::kAddNode: make_voter(c.node_id); break;
      case ConfChangeType::kAddLearnerNode: make_learner(c.node_id); break;
      case ConfChangeType::kRemoveNode: remove(c.node_id); break;
    }
  }
  if (config_.voters.incoming.empty()) return ErrorCode::kInvalidConfChange;  // no voters left
  return {};
}

void Changer::make_voter(NodeId id) {
  auto it = progress_.find(id);
  if (it == progress_.end()) {
    init_progress(id, false);
    return;
  }
  it->second.is_learner = false;
  config_.learners.erase(id);
  config_.learners_next.erase(id);
  config_.voters.incoming.insert(id);
}

void Changer::make_learner(NodeId id) {
  auto it = progress_.find(id);
  if (it == progress_.end()) {
    init_progress(id, true);
    return;
  }
  if (it->second.is_learner) return;
  // Drop it as a voter of the incoming half, but keep its progress: it stays a member.
  config_.voters.incoming.erase(id);
  config_.learners.erase(id);
  config_.learners_next.erase(id);
  if (config_.voters.outgoing.count(id)) {
    // Still a voter of the outgoing half: it becomes a learner only when the joint state ends.
    config_.learners_next.insert(id);
  } else {
    it->second.is_learner = true;
    config_.learners.insert(id);
  }
}

void Changer::remove(NodeId id) {
  if (!progress_.count(id)) return;
  config_.voters.incoming.erase(id);
  config_.learners.erase(id);
  config_.learners_next.erase(id);
  // A voter of the outgoing half keeps its progress until the joint state is left.
  if (!config_.voters.outgoing.count(id)) progress_.erase(id);
}

void Changer::init_progress(NodeId id, bool is_learner) {
  if (is_learner) {
    config_.learners.insert(id);
  } else {
    config_.voters.incoming.insert(id);
  }
  // Start probing at the last index: cheap if the node is caught up, and the fast back-off
  // finds the right place otherwise. Count it active so that CheckQuorum does not depose the
  // leader before the newcomer had a chance to answer.
  Progress pr(std::max<Index>(last_index_, 1), max_inflight_, max_inflight_bytes_);
  pr.is_learner = is_learner;
  pr.recent_active = true;
  progress_.insert_or_assign(id, std::move(pr));
}

Status Changer::check_invariants() const {
  for (NodeId id : config_.voters.ids()) {
    if (!progress_.count(id)) return ErrorCode::kInvalidConfChange;
  }
  for (NodeId id : config_.learners) {
    auto it = progress_.find(id);
    if (it == progress_.end() || !it->second.is_learner) return ErrorCode::kInvalidConfChange;
    if (config_.voters.contains(id)) return ErrorCode::kInvalidConfChange;
  }
  for (NodeId id : config_.learners_next) {
    auto it = progress_.find(id);
    if (it == progress_.end() || it->second.is_learner) return ErrorCode::kInvalidConfChange;
    if (!config_.voters.outgoing.count(id)) return ErrorCode::kInvalidConfChange;
  }
  if (!config_.voters.joint() && (!config_.learners_next.empty() || config_.auto_leave)) {
    return ErrorCode::kInvalidConfChange;
  }
  return {};
}

Changer::Outcome restore_conf_state(const ConfState& cs, Index last_index, size_t max_inflight,
                                    uint64_t max_inflight_bytes) {
  std::pair<TrackerConfig, ProgressMap> state;
  auto step = [&](auto&& fn) -> Status {
    Changer ch(state.first, state.second, last_index, max_inflight, max_inflight_bytes);
    auto r = fn(std::move(ch));
    if (!r.ok()) return r.error();
    state = std::move(r).value();
    return {};
  };
  auto add_one = [&](ConfChangeType type, NodeId id) {
    return step([&](Changer&& ch) { return std::move(ch).simple({ConfChangeSingle{type, id}}); });
  };
  if (cs.voters.empty() && cs.voters_outgoing.empty()) {
    // No configuration yet (a fresh node awaiting a snapshot): learners alone are not valid.
    if (!cs.learners.empty() || !cs.learners_next.empty()) return ErrorCode::kInvalidConfChange;
    return state;
  }
  if (cs.voters_outgoing.empty()) {
    for (NodeId id : cs.voters) {
      if (auto s = add_one(ConfChangeType::kAddNode, id); !s.ok()) return s.code();
    }
    for (NodeId id : cs.learners) {
      if (auto s = add_one(ConfChangeType::kAddLearnerNode, id); !s.ok()) return s.code();
    }
    if (!cs.learners_next.empty() || cs.auto_leave) return ErrorCode::kInvalidConfChange;
    return state;
  }
  // Joint: first build the outgoing configuration one voter at a time, then enter the joint
  // state with changes that turn it into the incoming one.
  for (NodeId id : cs.voters_outgoing) {
    if (auto s = add_one(ConfChangeType::kAddNode, id); !s.ok()) return s.code();
  }
  std::vector<ConfChangeSingle> incoming;
  for (NodeId id : cs.voters_outgoing) incoming.push_back({ConfChangeType::kRemoveNode, id});
  for (NodeId id : cs.voters) incoming.push_back({ConfChangeType::kAddNode, id});
  for (NodeId id : cs.learners) incoming.push_back({ConfChangeType::kAddLearnerNode, id});
  // learners_next are outgoing voters: adding them as learners parks them in learners_next.
  for (NodeId id : cs.learners_next) incoming.push_back({ConfChangeType::kAddLearnerNode, id});
  auto s = step([&](Changer&& ch) { return std::move(ch).enter_joint(cs.auto_leave, incoming); });
  if (!s.ok()) return s.code();
  return state;
}

}  // namespace seshat::raft
