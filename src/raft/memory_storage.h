// Storage kept in memory: the reference implementation for tests, the simulator and the
// benchmark. It models what is durable: whatever the application wrote into it survives a
// simulated crash; whatever lived only inside the RawNode does not.
#pragma once

#include <vector>

#include "raft/storage.h"

namespace seshat::raft {

class MemoryStorage final : public Storage {
 public:
  MemoryStorage();

  Result<InitialState> initial_state() const override;
  Result<std::vector<Entry>> entries(Index lo, Index hi, uint64_t max_size) const override;
  Result<Term> term(Index i) const override;
  Result<Index> first_index() const override;
  Result<Index> last_index() const override;
  Result<Snapshot> snapshot() const override;

  void set_hard_state(const HardState& hs) { hard_state_ = hs; }
  const HardState& hard_state() const { return hard_state_; }
  // Sets the membership of a brand-new node (the snapshot at index 0 describes it).
  void bootstrap(const ConfState& cs) { snapshot_.metadata.conf_state = cs; }
  // Replaces everything by the snapshot; kSnapOutOfDate if it is older than the one held.
  Status apply_snapshot(const Snapshot& snap);
  // Records a snapshot of the state machine at applied index i (which must be <= last index).
  Result<Snapshot> create_snapshot(Index i, const ConfState* cs, std::string data);
  // Drops entries before compact_index (the entry at compact_index stays as the new dummy).
  Status compact(Index compact_index);
  // Appends entries, truncating any conflicting suffix. Entries must be contiguous with the log.
  Status append(const std::vector<Entry>& entries);

 private:
  Index first() const { return ents_.front().index + 1; }
  Index last() const { return ents_.front().index + ents_.size() - 1; }

  HardState hard_state_;
  Snapshot snapshot_;
  // ents_[0] is a dummy entry holding the index and term of the last compacted entry (the
  // snapshot point), so that term(first_index()-1) always has an answer.
  std::vector<Entry> ents_;
};

}  // namespace seshat::raft
