// The Raft core's durable state on RocksDB: entries in raft_log (checksummed, via LogStore),
// the hard state and the log's compaction point in raft_state, the membership in snapshots.
//
// Everything one Ready asks to persist goes into one WriteBatch (persist()), so a crash leaves
// either all of it or none. The core reads term() and last_index() constantly: both come from
// memory, and so do recently appended entries (the leader sends them to followers right away).
//
// A snapshot is the state machine itself at its applied index (snapshot_codec.h). snapshot()
// only takes a RocksDB view (cheap, on the driver thread between two apply batches, so data and
// metadata describe the same index) and returns a small token as its data; the driver claims
// the token's stream writer and hands it to the transport, which reads the view chunk by chunk
// on its own thread while the driver keeps going.
#pragma once

#include <rocksdb/write_batch_base.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "raft/storage.h"
#include "storage/engine.h"
#include "storage/log_store.h"
#include "storage/snapshot_codec.h"

namespace seshat::storage {

class RaftLogStorage final : public raft::Storage {
 public:
  // Loads and checks what is on disk (DataLoss naming the inconsistency otherwise).
  static absl::StatusOr<std::unique_ptr<RaftLogStorage>> open(Engine& engine);

  // True for a node that has never run: no hard state, no entries, no membership.
  bool is_new() const;
  // Records the initial membership of a brand-new node, with whatever `with` holds (the member
  // book) in the same synced batch.
  absl::Status bootstrap(const raft::ConfState& cs, rocksdb::WriteBatch* with = nullptr);
  // Persists one Ready: entries (replacing any stored suffix from the first one on) and the
  // hard state, in one batch; synced when `sync`.
  absl::Status persist(const std::optional<raft::HardState>& hs,
                       const std::vector<raft::Entry>& entries, bool sync) {
    return persist(hs, entries, nullptr, sync);
  }
  // The same with a snapshot point first, all in one batch: the log is emptied up to
  // `snapshot_meta->index`, which becomes the compaction point, and the membership is recorded.
  // Only the log's side: the state machine must already be at that index (install_snapshot()
  // puts both in one batch), otherwise FailedPrecondition, because a log reset ahead of the
  // state machine would skip entries it never applied. A snapshot at the current compaction
  // point with the same term is already in place and only its membership is recorded.
  absl::Status persist(const std::optional<raft::HardState>& hs,
                       const std::vector<raft::Entry>& entries,
                       const raft::SnapshotMetadata* snapshot_meta, bool sync);
  // Drops entries up to and including `up_to`, which must be applied (FailedPrecondition
  // otherwise: the state machine is the snapshot that covers them); its term is remembered.
  absl::Status compact(raft::Index up_to);
  // Records a newer membership (applied conf changes), so a restart starts from it.
  absl::Status set_conf_state(const raft::ConfState& cs);
  // The same, staged in the caller's batch: the apply batch of the conf change entry, so that
  // the membership and the applied index move together (a crash leaves both or neither, and
  // re-applying the entry after a restart starts from the membership it was applied to). Call
  // note_conf_state() once that batch is written.
  void stage_conf_state(rocksdb::WriteBatchBase& batch, const raft::ConfState& cs);
  void note_conf_state(const raft::ConfState& cs);
  // True once a membership is recorded (bootstrap, a join, a snapshot): the directory belongs
  // to a Raft group.
  bool has_membership() const { return has_conf_state_; }
  // After a snapshot install rewrote the state machine and reset the log in `batch`: adds this
  // storage's part (log emptied up to the snapshot point, membership) to the same batch. Call
  // reset_after_snapshot() once the batch is written.
  void stage_snapshot(rocksdb::WriteBatch& batch, const raft::SnapshotMetadata& meta);
  void reset_after_snapshot(const raft::SnapshotMetadata& meta);

  raft::Result<raft::InitialState> initial_state() const override;
  raft::Result<std::vector<raft::Entry>> entries(raft::Index lo, raft::Index hi,
                                                 uint64_t max_size) const override;
  raft::Result<raft::Term> term(raft::Index i) const override;
  raft::Result<raft::Index> first_index() const override { return offset_index_ + 1; }
  raft::Result<raft::Index> last_index() const override { return offset_index_ + terms_.size(); }
  raft::Result<raft::Snapshot> snapshot() const override;

  // The stream behind a token that snapshot() returned, or null if `data` is no token (or was
  // claimed already). The caller owns it from then on.
  std::shared_ptr<SnapshotStreamWriter> claim_snapshot_stream(std::string_view data);
  // Releases views whose token nobody claimed for a while (a snapshot message the core dropped).
  void drop_unclaimed_snapshot_streams(std::chrono::seconds older_than);

  const raft::HardState& hard_state() const { return hard_state_; }
  const raft::ConfState& conf_state() const { return conf_state_; }

 private:
  explicit RaftLogStorage(Engine& engine) : engine_(engine), log_(engine) {}
  absl::Status load();
  void put_offset(rocksdb::WriteBatch& batch, raft::Index index, raft::Term term);
  void put_hard_state(rocksdb::WriteBatch& batch, const raft::HardState& hs);
  // Drops the cached entries and terms after the log was reset to a snapshot point.
  void reset_caches(const raft::SnapshotMetadata& meta);
  void put_conf_state(rocksdb::WriteBatchBase& batch, const raft::ConfState& cs);
  void trim_tail_cache();

  Engine& engine_;
  LogStore log_;
  raft::HardState hard_state_;
  raft::ConfState conf_state_;
  bool has_conf_state_ = false;
  // The last compacted entry (the snapshot point): entries start at offset_index_ + 1.
  raft::Index offset_index_ = 0;
  raft::Term offset_term_ = 0;
  // Terms of every stored entry, offset_index_+1 .. last, so term() never reads the disk.
  std::deque<raft::Term> terms_;
  // The most recent entries, whole, up to kTailCacheBytes.
  std::deque<raft::Entry> tail_;
  uint64_t tail_bytes_ = 0;
  // Snapshot views taken by snapshot() (a const method the core calls) until claimed.
  struct PendingStream {
    std::shared_ptr<SnapshotStreamWriter> writer;
    std::chrono::steady_clock::time_point taken;
  };
  mutable std::mutex streams_mu_;
  mutable std::map<uint64_t, PendingStream> streams_;
  mutable uint64_t next_stream_id_ = 1;
};

}  // namespace seshat::storage
