#include "sim/invariants.h"

#include <algorithm>

namespace seshat::raft::sim {

namespace {
std::string s(uint64_t v) { return std::to_string(v); }
}  // namespace

std::string InvariantChecker::check_leader(NodeId id, Term term) {
  auto [it, inserted] = leaders_.emplace(term, id);
  if (!inserted && it->second != id) {
    return "election safety: nodes " + s(it->second) + " and " + s(id) + " both lead term " +
           s(term);
  }
  return {};
}

std::string InvariantChecker::record_applied(NodeId id, const Entry& e, Term observer_term) {
  auto it = history_.find(e.index);
  if (it == history_.end()) {
    history_.emplace(e.index, Committed{e, observer_term});
    return {};
  }
  const Entry& c = it->second.entry;
  if (c.term != e.term || c.type != e.type || c.data != e.data) {
    return "state machine safety: node " + s(id) + " applied " + s(e.term) + "/" + s(e.index) +
           " but " + s(c.term) + "/" + s(c.index) + " was applied before";
  }
  return {};
}

const Entry* InvariantChecker::history_at(Index i) const {
  auto it = history_.find(i);
  return it == history_.end() ? nullptr : &it->second.entry;
}

std::string InvariantChecker::check_leader_completeness(const Raft& leader) const {
  const RaftLog& log = leader.log();
  Index first = log.first_index();
  // Walk back from the newest committed entry; checking a few entries committed before the
  // leader's term is enough because log matching (checked separately) covers the rest.
  int checked = 0;
  for (auto it = history_.rbegin(); it != history_.rend() && checked < 4; ++it) {
    const Committed& c = it->second;
    if (c.observed_term >= leader.term()) continue;
    if (c.entry.index + 1 < first) break;  // compacted into the leader's snapshot
    ++checked;
    auto t = log.term(c.entry.index);
    if (!t.ok() || t.value() != c.entry.term) {
      return "leader completeness: leader " + s(leader.id()) + " of term " + s(leader.term()) +
             " lacks committed entry " + s(c.entry.term) + "/" + s(c.entry.index) +
             " (its term there: " + (t.ok() ? s(t.value()) : std::string("none")) + ")";
    }
  }
  return {};
}

std::string InvariantChecker::check_committed_prefix(const Raft& r) const {
  const RaftLog& log = r.log();
  Index commit = log.committed();
  Index lo = std::max(log.first_index(), commit > 8 ? commit - 8 : 1);
  if (commit < lo) return {};
  auto ents = log.slice(lo, commit + 1, kNoLimit);
  if (!ents.ok()) return {};
  for (const Entry& e : *ents) {
    const Entry* c = history_at(e.index);
    if (c != nullptr && (c->term != e.term || c->data != e.data)) {
      return "committed entry changed: node " + s(r.id()) + " holds " + s(e.term) + "/" +
             s(e.index) + " at or below its commit index " + s(commit) + " but " + s(c->term) +
             "/" + s(c->index) + " was applied";
    }
  }
  return {};
}

std::string InvariantChecker::check_log_matching(const std::vector<const Raft*>& rafts,
                                                 bool full) const {
  for (size_t a = 0; a < rafts.size(); ++a) {
    for (size_t b = a + 1; b < rafts.size(); ++b) {
      const RaftLog& la = rafts[a]->log();
      const RaftLog& lb = rafts[b]->log();
      Index lo = std::max(la.first_index(), lb.first_index());
      Index hi = std::min(la.last_index(), lb.last_index());
      if (hi < lo) continue;
      // Find the highest index where both hold an entry of the same term.
      Index match = 0;
      for (Index i = hi; i >= lo; --i) {
        if (la.term_or_zero(i) == lb.term_or_zero(i)) {
          match = i;
          break;
        }
        if (i == lo) break;
      }
      if (match == 0) continue;
      Index from = full ? lo : std::max(lo, match > 16 ? match - 16 : 1);
      auto ea = la.slice(from, match + 1, kNoLimit);
      auto eb = lb.slice(from, match + 1, kNoLimit);
      if (!ea.ok() || !eb.ok()) continue;
      for (size_t i = 0; i < ea->size(); ++i) {
        const Entry& x = (*ea)[i];
        const Entry& y = (*eb)[i];
        if (x.term != y.term || x.data != y.data || x.type != y.type) {
          return "log matching: nodes " + s(rafts[a]->id()) + " and " + s(rafts[b]->id()) +
                 " agree on term " + s(la.term_or_zero(match)) + " at index " + s(match) +
                 " but differ at index " + s(x.index) + " (" + s(x.term) + " vs " + s(y.term) + ")";
        }
      }
    }
  }
  return {};
}

}  // namespace seshat::raft::sim
