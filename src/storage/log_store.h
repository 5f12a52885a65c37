// The replicated log in the raft_log column family: index (big-endian, so RocksDB orders it) ->
// checksummed entry. Appends go into the caller's WriteBatch so that entries and the hard state
// they depend on land in one atomic, synced write.
#pragma once

#include <rocksdb/write_batch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/engine.h"

namespace seshat::storage {

struct LogEntry {
  uint64_t index = 0;
  uint64_t term = 0;
  uint8_t type = 0;  // 0 normal, others defined by the consensus layer
  std::string data;
  bool operator==(const LogEntry&) const = default;
};

std::string encode_log_entry(const LogEntry& e);
// DataLoss when the checksum does not match or the bytes are truncated.
absl::StatusOr<LogEntry> decode_log_entry(uint64_t index, std::string_view bytes);

class LogStore {
 public:
  explicit LogStore(Engine& engine) : engine_(engine) {}

  void append(rocksdb::WriteBatch& batch, const LogEntry& e);
  // Deletes entries with index >= from (a conflicting suffix).
  void truncate_suffix(rocksdb::WriteBatch& batch, uint64_t from);
  // Deletes entries with index <= up_to (compaction behind a snapshot or the applied index).
  void compact_prefix(rocksdb::WriteBatch& batch, uint64_t up_to);

  // Entries in [from, to], stopping early after max_bytes (at least one entry is returned).
  absl::StatusOr<std::vector<LogEntry>> read(uint64_t from, uint64_t to, size_t max_bytes) const;
  // 0 when the log is empty.
  absl::StatusOr<uint64_t> first_index() const;
  absl::StatusOr<uint64_t> last_index() const;

 private:
  Engine& engine_;
};

}  // namespace seshat::storage
