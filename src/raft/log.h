// The Raft log as the core sees it: the durable part (through Storage) followed by the unstable
// tail (in memory), plus the commit and applied indexes.
//
// Invariants kept here: applied <= committed <= last_index(); committed entries are never
// truncated (an attempt is a broken invariant and panics).
#pragma once

#include <optional>
#include <vector>

#include "raft/log_unstable.h"
#include "raft/storage.h"

namespace seshat::raft {

class RaftLog {
 public:
  RaftLog(const Storage* storage, uint64_t max_applying_size);

  // Appends ents after the entry (index, log_term) if the log matches there, truncating any
  // conflicting suffix. Returns the index of the last new entry, or nullopt on mismatch.
  std::optional<Index> maybe_append(Index index, Term log_term, Index committed,
                                    const std::vector<Entry>& ents);
  Index append(const std::vector<Entry>& ents);
  // The first index whose entry conflicts with ents (or is missing), 0 if all match.
  Index find_conflict(const std::vector<Entry>& ents) const;
  // The largest index <= index whose term is <= term, with that term. The basis of the fast
  // back-off: the leader and follower both jump over whole terms that cannot match.
  std::pair<Index, Term> find_conflict_by_term(Index index, Term term) const;

  std::vector<Entry> unstable_entries() const { return unstable_.entries(); }
  const std::optional<Snapshot>& unstable_snapshot() const { return unstable_.snapshot(); }
  // Committed entries not yet handed out for application, bounded by max_applying_size.
  std::vector<Entry> next_committed_entries() const;
  bool has_next_committed_entries() const;
  Result<Snapshot> snapshot() const;

  Index first_index() const;
  Index last_index() const;
  Term last_term() const;
  // The highest index known to be durable and matching this log (0 if unknown).
  Index last_stable_index() const;
  Result<Term> term(Index i) const;
  // Term of i, or 0 if i is compacted or unavailable: for callers that only compare terms.
  Term term_or_zero(Index i) const;
  bool match_term(Index i, Term t) const;
  Result<std::vector<Entry>> entries(Index i, uint64_t max_size) const;
  Result<std::vector<Entry>> slice(Index lo, Index hi, uint64_t max_size) const;
  std::vector<Entry> all_entries() const;

  // §5.4.1: a candidate's log (last_index, term) is at least as up to date as ours.
  bool is_up_to_date(Index last_index, Term term) const;

  void commit_to(Index to);
  // Commits max_index if its entry has term `term` (Raft §5.4.2: only entries of the current
  // term are committed by counting replicas). `ignore_term` exists only for the planted bug.
  bool maybe_commit(Index max_index, Term term, bool ignore_term = false);
  void applied_to(Index i);
  void stable_to(Index i, Term t) { unstable_.stable_to(i, t); }
  void stable_snap_to(Index i) { unstable_.stable_snap_to(i); }
  void restore(const Snapshot& s);

  Index committed() const { return committed_; }
  Index applied() const { return applied_; }

 private:
  Status check_out_of_bounds(Index lo, Index hi) const;

  const Storage* storage_;
  Unstable unstable_;
  Index committed_ = 0;
  Index applied_ = 0;
  uint64_t max_applying_size_;
};

}  // namespace seshat::raft
