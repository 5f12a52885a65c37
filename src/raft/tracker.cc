#include "raft/tracker.h"

namespace seshat::raft {

namespace {
std::string join_ids(const std::set<NodeId>& ids) {
  std::string s;
  for (NodeId id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}
}  // namespace

std::string TrackerConfig::to_string() const {
  std::string s = "voters=" + voters.to_string();
  if (!learners.empty()) s += " learners=(" + join_ids(learners) + ")";
  if (!learners_next.empty()) s += " learners_next=(" + join_ids(learners_next) + ")";
  if (auto_leave) s += " autoleave";
  return s;
}

ConfState ProgressTracker::conf_state() const {
  ConfState cs;
  cs.voters.assign(config.voters.incoming.begin(), config.voters.incoming.end());
  cs.voters_outgoing.assign(config.voters.outgoing.begin(), config.voters.outgoing.end());
  cs.learners.assign(config.learners.begin(), config.learners.end());
  cs.learners_next.assign(config.learners_next.begin(), config.learners_next.end());
  cs.auto_leave = config.auto_leave;
  return cs;
}

bool ProgressTracker::is_singleton() const {
  return config.voters.incoming.size() == 1 && config.voters.outgoing.empty();
}

Index ProgressTracker::committed() const {
  return config.voters.committed_index([this](NodeId id) -> std::optional<Index> {
    auto it = progress.find(id);
    if (it == progress.end()) return std::nullopt;
    return it->second.match;
  });
}

bool ProgressTracker::quorum_active(NodeId self) const {
  std::map<NodeId, bool> active;
  for (const auto& [id, pr] : progress) {
    if (pr.is_learner) continue;
    active[id] = id == self || pr.recent_active;
  }
  return config.voters.vote_result(active) == VoteResult::kWon;
}

std::vector<NodeId> ProgressTracker::voter_ids() const {
  auto ids = config.voters.ids();
  return {ids.begin(), ids.end()};
}

std::vector<NodeId> ProgressTracker::learner_ids() const {
  return {config.learners.begin(), config.learners.end()};
}

void ProgressTracker::record_vote(NodeId id, bool granted) { votes_.emplace(id, granted); }

ProgressTracker::Tally ProgressTracker::tally_votes() const {
  Tally t;
  for (const auto& [id, pr] : progress) {
    if (pr.is_learner) continue;
    auto it = votes_.find(id);
    if (it == votes_.end()) continue;
    if (it->second) {
      ++t.granted;
    } else {
      ++t.rejected;
    }
  }
  t.result = config.voters.vote_result(votes_);
  return t;
}

}  // namespace seshat::raft
