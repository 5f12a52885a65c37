#include "raft/quorum.h"

#include <algorithm>
#include <vector>

namespace seshat::raft {

Index committed_index(const MajorityConfig& voters, const AckedIndexer& acked) {
  if (voters.empty()) return kNoLimit;
  std::vector<Index> idx;
  idx.reserve(voters.size());
  for (NodeId id : voters) idx.push_back(acked(id).value_or(0));
  // Sorted descending, the (n/2+1)-th largest is held by a majority.
  std::sort(idx.begin(), idx.end(), std::greater<>());
  return idx[voters.size() / 2];
}

VoteResult vote_result(const MajorityConfig& voters, const std::map<NodeId, bool>& votes) {
  if (voters.empty()) return VoteResult::kWon;  // joint configs: the empty half never objects
  size_t granted = 0, missing = 0;
  for (NodeId id : voters) {
    auto it = votes.find(id);
    if (it == votes.end()) {
      ++missing;
    } else if (it->second) {
      ++granted;
    }
  }
  size_t q = voters.size() / 2 + 1;
  if (granted >= q) return VoteResult::kWon;
  if (granted + missing >= q) return VoteResult::kPending;
  return VoteResult::kLost;
}

std::set<NodeId> JointConfig::ids() const {
  std::set<NodeId> out = incoming;
  out.insert(outgoing.begin(), outgoing.end());
  return out;
}

Index JointConfig::committed_index(const AckedIndexer& acked) const {
  return std::min(seshat::raft::committed_index(incoming, acked),
                  seshat::raft::committed_index(outgoing, acked));
}

VoteResult JointConfig::vote_result(const std::map<NodeId, bool>& votes) const {
  VoteResult r1 = seshat::raft::vote_result(incoming, votes);
  VoteResult r2 = seshat::raft::vote_result(outgoing, votes);
  if (r1 == r2) return r1;
  if (r1 == VoteResult::kLost || r2 == VoteResult::kLost) return VoteResult::kLost;
  return VoteResult::kPending;  // one won, the other is pending
}

std::string JointConfig::to_string() const {
  auto join = [](const MajorityConfig& c) {
    std::string s = "(";
    bool first = true;
    for (NodeId id : c) {
      if (!first) s += " ";
      s += std::to_string(id);
      first = false;
    }
    return s + ")";
  };
  std::string s = join(incoming);
  if (joint()) s += "&&" + join(outgoing);
  return s;
}

}  // namespace seshat::raft
