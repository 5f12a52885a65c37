// The safety properties the simulator checks after every step. Each check returns an empty
// string when the property holds and a description of the violation otherwise.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "raft/raft.h"

namespace seshat::raft::sim {

class InvariantChecker {
 public:
  // Election safety: at most one leader per term.
  std::string check_leader(NodeId id, Term term);
  // State machine safety: the entry applied at an index is the same on every node, forever.
  // `observer_term` is the applying node's term, an upper bound on the term that committed it.
  std::string record_applied(NodeId id, const Entry& e, Term observer_term);
  // Leader completeness: a leader of term T holds every entry committed in a term before T.
  std::string check_leader_completeness(const Raft& leader) const;
  // Committed entries never change: what a node's log holds at or below its commit index is
  // what was applied there.
  std::string check_committed_prefix(const Raft& r) const;
  // Log matching: two logs with an entry of the same index and term are identical up to it.
  // `full` compares whole logs; otherwise a window below the highest common-term index.
  std::string check_log_matching(const std::vector<const Raft*>& rafts, bool full) const;

  // A ReadIndex read must observe every write acknowledged (applied anywhere) before it began.
  Index acknowledged_index() const { return history_.empty() ? 0 : history_.rbegin()->first; }
  bool history_has(Index i) const { return history_.count(i) > 0; }
  const Entry* history_at(Index i) const;
  size_t committed_count() const { return history_.size(); }

 private:
  struct Committed {
    Entry entry;
    Term observed_term;
  };
  std::map<Index, Committed> history_;
  std::map<Term, NodeId> leaders_;
};

}  // namespace seshat::raft::sim
