// The data of a Seshat snapshot: the state machine at its applied index, as a stream of bytes.
//
// Layout: magic "SESHSNP2" | applied index (u64 LE) | key count (u64 LE) | frames | 'E' |
// crc32 of everything before it (u32 LE). A frame is a tag ('R' a kv_data record, 'T' a
// tombstone, 'C' a kv_members entry, 'M' a metadata record: the member book (member_book.h),
// the ACL table and the space alarms, first of all frames),
// then key length (u32 LE), key, value length (u32 LE), value. Frames need no
// counts up front, so the data can be produced chunk by chunk from a RocksDB snapshot view
// while the driver goes on writing. The expiry index is not shipped: it is rebuilt from the
// records' expiry times.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "raft/types.h"
#include "storage/engine.h"
#include "storage/snapshot_frames.h"

namespace seshat::storage {

class RaftLogStorage;

std::string encode_conf_state(const raft::ConfState& cs);
std::optional<raft::ConfState> decode_conf_state(std::string_view in);

// Produces the snapshot data from a RocksDB snapshot view, a piece at a time. It owns the view
// and releases it when destroyed. Safe to use from another thread than the one that made it.
class SnapshotStreamWriter {
 public:
  // Takes the view now: the data describes the state machine as of this call. The applied
  // index and key count are read from the view too, so they match the data exactly even while
  // apply batches land concurrently.
  explicit SnapshotStreamWriter(Engine& engine);
  ~SnapshotStreamWriter();
  SnapshotStreamWriter(const SnapshotStreamWriter&) = delete;
  SnapshotStreamWriter& operator=(const SnapshotStreamWriter&) = delete;

  // Not ok when the view's metadata could not be read; next() then returns the same error.
  const absl::Status& status() const { return status_; }
  uint64_t applied_index() const { return applied_; }
  uint64_t key_count() const { return key_count_; }
  // Appends the next piece, at most `max_bytes` (frames may span pieces; only the last piece
  // may be shorter), to `out`; returns true once the last piece (with the checksum) has been
  // produced. A RocksDB read error is returned as a status.
  absl::StatusOr<bool> next(size_t max_bytes, std::string& out);

 private:
  void frame(char tag, std::string_view key, std::string_view value, std::string& out);
  // Encodes about `want` more bytes (at least one frame, or the end) into pending_.
  absl::Status produce(size_t want);

  Engine& engine_;
  const rocksdb::Snapshot* view_;
  absl::Status status_;
  uint64_t applied_ = 0;
  uint64_t key_count_ = 0;
  int phase_ = 0;  // 0 header, 1 records, 2 tombstones, 3 collection members, 4 end mark, 5 done
  std::unique_ptr<rocksdb::Iterator> it_;
  // kv_members, opened with the view: the compaction filter that reclaims dead collections
  // (members_gc.h) ignores snapshots, but never removes what an open iterator reads.
  std::unique_ptr<rocksdb::Iterator> members_it_;
  uint32_t crc_ = 0;
  // Encoded but not yet handed out: pending_[pending_pos_..].
  std::string pending_;
  size_t pending_pos_ = 0;
};

// The whole snapshot data at once (tests, small states).
absl::StatusOr<std::string> serialize_state(Engine& engine);

// Replaces the state machine and the Raft log by the snapshot, atomically (one synced batch):
// a crash leaves the old state or the new one, never a mix. The old kv_data, expiry and
// tombstones go as one DeleteRange each, the new contents are Puts in the same batch, so the
// batch (and the assembled data before it) must fit in memory: about twice the data size.
// Refuses (DataLoss) data whose checksum, framing (read_snapshot_frames) or applied index (which
// must equal the metadata's) is wrong, and (FailedPrecondition) a snapshot not newer than the
// applied index. Nothing is written when it refuses.
absl::Status install_snapshot(Engine& engine, RaftLogStorage& log, const raft::Snapshot& snap);

}  // namespace seshat::storage
