// The read side of the durable Raft state. The application (RocksDB in Seshat, memory in tests)
// writes what each Ready asks it to persist; the core only reads through this interface.
#pragma once

#include <vector>

#include "raft/result.h"
#include "raft/types.h"

namespace seshat::raft {

struct InitialState {
  HardState hard_state;
  ConfState conf_state;
};

class Storage {
 public:
  virtual ~Storage() = default;

  // The hard state and membership to start from after a (re)start.
  virtual Result<InitialState> initial_state() const = 0;
  // Entries in [lo, hi), at least one entry if any is in range, then stopping before the total
  // entry_size would exceed max_size. kCompacted if lo is below first_index().
  virtual Result<std::vector<Entry>> entries(Index lo, Index hi, uint64_t max_size) const = 0;
  // Term of entry i, valid for i in [first_index()-1, last_index()]: the entry just before the
  // first one is the last entry covered by the snapshot and its term must stay known.
  virtual Result<Term> term(Index i) const = 0;
  virtual Result<Index> first_index() const = 0;
  virtual Result<Index> last_index() const = 0;
  // The most recent snapshot. kSnapshotTemporarilyUnavailable makes the leader retry later.
  virtual Result<Snapshot> snapshot() const = 0;
};

}  // namespace seshat::raft
