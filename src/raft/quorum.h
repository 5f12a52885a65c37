// Quorum arithmetic, kept apart from everything else so that the two rules Raft's safety rests
// on are easy to audit: what index a set of voters has committed, and whether an election is
// won. A joint configuration needs a majority of each of its two halves.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "raft/types.h"

namespace seshat::raft {

using MajorityConfig = std::set<NodeId>;

// Returns the index acknowledged by `id`, or nullopt if it has acknowledged nothing.
using AckedIndexer = std::function<std::optional<Index>(NodeId)>;

enum class VoteResult { kPending, kLost, kWon };

// The largest index acknowledged by a majority of `voters`. An empty config commits everything
// (returns kNoLimit) so that it never holds back the other half of a joint configuration.
Index committed_index(const MajorityConfig& voters, const AckedIndexer& acked);
// votes maps voter -> granted; voters absent from the map have not answered yet.
VoteResult vote_result(const MajorityConfig& voters, const std::map<NodeId, bool>& votes);

struct JointConfig {
  MajorityConfig incoming;
  // Empty unless a joint configuration is in force.
  MajorityConfig outgoing;

  bool joint() const { return !outgoing.empty(); }
  std::set<NodeId> ids() const;
  Index committed_index(const AckedIndexer& acked) const;
  VoteResult vote_result(const std::map<NodeId, bool>& votes) const;
  bool contains(NodeId id) const { return incoming.count(id) || outgoing.count(id); }
  std::string to_string() const;
};

}  // namespace seshat::raft
