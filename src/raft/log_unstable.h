// The tail of the log that the core holds in memory and the application has not yet reported
// durable: entries received or proposed since the last Ready, and a snapshot being installed.
#pragma once

#include <optional>
#include <vector>

#include "raft/types.h"

namespace seshat::raft {

class Unstable {
 public:
  explicit Unstable(Index offset) : offset_(offset) {}

  // The first index of the log if a pending snapshot defines it.
  std::optional<Index> maybe_first_index() const;
  // The last index held here, if any (entries or snapshot).
  std::optional<Index> maybe_last_index() const;
  // The term of entry i if it is held here (or is the snapshot's last entry).
  std::optional<Term> maybe_term(Index i) const;

  // The application reports entries up to (i, t) durable. Ignored when the entry at i has since
  // been replaced by one of another term, because then what was persisted is obsolete.
  void stable_to(Index i, Term t);
  void stable_snap_to(Index i);
  void restore(const Snapshot& s);
  void truncate_and_append(const std::vector<Entry>& ents);
  std::vector<Entry> slice(Index lo, Index hi) const;

  const std::vector<Entry>& entries() const { return entries_; }
  const std::optional<Snapshot>& snapshot() const { return snapshot_; }
  Index offset() const { return offset_; }

 private:
  std::optional<Snapshot> snapshot_;
  std::vector<Entry> entries_;
  // Index of entries_[0] (or where the next entry would go when entries_ is empty).
  Index offset_;
};

}  // namespace seshat::raft
