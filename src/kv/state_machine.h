// The state machine of DESIGN.md (the seed's StateMachine): the keyspace in RocksDB, changed
// only by committed log entries, applied in order, each at most once.
//
// The replicator hands it each Ready's committed entries through one Batch: every entry's
// Operation is applied with the entry's index (the version of what it writes) and the
// proposer's clock, reads positioned between entries see exactly the writes before them, and
// commit() writes the whole round together with the applied index. A crash before the commit
// loses the round and its applied index alike, so the entries are applied again after the
// restart, to the same state: that is what makes apply idempotent.
//
// Snapshots: a snapshot is this state as a RocksDB view, cut and streamed by the Raft log
// storage when the core asks for one (storage/snapshot_codec.h); restore() puts one in place.
#pragma once

#include <rocksdb/write_batch_base.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "kv/command.h"
#include "kv/operation.h"
#include "protocol/reply.h"
#include "raft/types.h"
#include "storage/engine.h"
#include "storage/raft_log_storage.h"

namespace seshat::storage {
class ApplyBatch;
}

namespace seshat::kv {

class StateMachine {
 public:
  StateMachine(storage::Engine& engine, Limits limits) : engine_(engine), limits_(limits) {}

  // The index of the last entry applied and committed to disk.
  uint64_t applied_index() const { return engine_.applied_index(); }

  // One apply round. Not thread-safe; one at a time (the replicator's thread).
  class Batch {
   public:
    explicit Batch(StateMachine& machine);
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    // Applies the Operation of the entry at `index` and returns its reply. The clock is the
    // operation's, but never goes backwards within the state machine: a key once expired stays
    // expired even if a later leader's clock is behind. Key lookups are counted in `lookups`
    // when it is given (the node's own clients, for INFO).
    protocol::Reply apply(uint64_t index, const Operation& op, KeyLookups* lookups = nullptr);
    // An entry that carries no Operation (a new leader's empty entry, a membership change):
    // only the applied index moves.
    void skip(uint64_t index);
    // A read at the current position: it sees every write applied in this round so far.
    protocol::Reply read(const Operation& op, KeyLookups* lookups = nullptr);
    // Records that belong with the applied index but not to the keyspace (the membership and
    // the member book of an applied change): written by the same commit().
    rocksdb::WriteBatchBase& metadata();
    uint64_t index() const;
    // Writes the round with the applied index, unless it changed nothing. Not synced: the log
    // holds the entries, so a lost round is applied again.
    absl::Status commit();

   private:
    StateMachine& machine_;
    std::unique_ptr<storage::ApplyBatch> apply_;
    uint64_t start_index_;
  };

  // A read of the committed state at the clock `op.now_ms`.
  protocol::Reply read(const Operation& op, KeyLookups* lookups = nullptr);
  // The version WATCH compares: the index of the entry that last wrote or deleted `key`.
  uint64_t version(std::string_view key, int64_t now_ms);
  // Keys whose expiry time is <= now_ms, oldest first, at most `limit` (for active expiry).
  std::vector<std::string> due_expiries(int64_t now_ms, size_t limit);
  // Keys whose tombstones are older than `older_than_ms`, visiting at most `budget` tombstones
  // from `resume_from`, which is updated to where the next call continues.
  std::vector<std::string> old_tombstones(int64_t older_than_ms, size_t budget,
                                          std::string& resume_from);

  // Replaces the whole state (and the Raft log behind it) by a snapshot, atomically. Refuses
  // corrupt data and a snapshot not newer than the applied index, writing nothing.
  absl::Status restore(storage::RaftLogStorage& log, const raft::Snapshot& snapshot);

 private:
  storage::Engine& engine_;
  const Limits limits_;
};

}  // namespace seshat::kv
