// Backups: the state machine of a node, as of one applied index, in one file. The file is the
// snapshot data a leader streams to a lagging follower (snapshot_codec.h: magic, applied index,
// key count, framed records, checksum), so a backup is taken from a RocksDB snapshot view while
// writes go on, and restoring one installs it like a snapshot (node.cc, restore_from).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/engine.h"

namespace seshat::storage {

struct BackupResult {
  uint64_t applied_index = 0;
  uint64_t key_count = 0;
  uint64_t bytes = 0;
};

// Writes the state machine as of now to `path`, which must not exist: through `path`.tmp,
// synced, then renamed, so `path` is either whole or absent. `progress` (may be empty) hears the
// bytes written so far every few megabytes.
absl::StatusOr<BackupResult> write_backup(Engine& engine, const std::string& path,
                                          const std::function<void(uint64_t bytes)>& progress);

// Reads a backup file and checks its header and checksum; returns its data and applied index.
struct BackupData {
  std::string data;
  uint64_t applied_index = 0;
  uint64_t key_count = 0;
};
absl::StatusOr<BackupData> read_backup(const std::string& path);

}  // namespace seshat::storage
