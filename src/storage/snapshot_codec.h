// The data of a Seshat snapshot: the state machine at its applied index, as a stream of bytes.
//
// Layout: magic "SESHSNP2" | applied index (u64 LE) | key count (u64 LE) | frames | 'E' |
// crc32 of everything before it (u32 LE). A frame is a tag ('R' a kv_data record, 'T' a
// tombstone), then key length (u32 LE), key, value length (u32 LE), value. Frames need no
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

namespace seshat::storage {

class RaftLogStorage;

std::string encode_conf_state(const raft::ConfState& cs);
std::optional<raft::ConfState> decode_conf_state(std::string_view in);

// Produces the snapshot data from a RocksDB snapshot view, a piece at a time. It owns the view
// and releases it when destroyed. Safe to use from another thread than the one that made it.
class SnapshotStreamWriter {
 public:
  // Takes the view now: the data describes the state machine as of this call.
  explicit SnapshotStreamWriter(Engine& engine);
  ~SnapshotStreamWriter();
  SnapshotStreamWriter(const SnapshotStreamWriter&) = delete;
  SnapshotStreamWriter& operator=(const SnapshotStreamWriter&) = delete;

  uint64_t applied_index() const { return applied_; }
  // Appends about `max_bytes` (at least one frame) to `out`; returns true once the last piece
  // (with the checksum) has been produced. A RocksDB read error is returned as a status.
  absl::StatusOr<bool> next(size_t max_bytes, std::string& out);

 private:
  void frame(char tag, std::string_view key, std::string_view value, std::string& out);

  Engine& engine_;
  const rocksdb::Snapshot* view_;
  uint64_t applied_;
  uint64_t key_count_;
  int phase_ = 0;  // 0 header, 1 records, 2 tombstones, 3 done
  std::unique_ptr<rocksdb::Iterator> it_;
  uint32_t crc_ = 0;
};

// The whole snapshot data at once (tests, small states).
absl::StatusOr<std::string> serialize_state(Engine& engine);

// Replaces the state machine and the Raft log by the snapshot, atomically (one synced batch):
// a crash leaves the old state or the new one, never a mix.
absl::Status install_snapshot(Engine& engine, RaftLogStorage& log, const raft::Snapshot& snap);

}  // namespace seshat::storage
