// Reading Seshat snapshot data (snapshot_codec.h has the layout): the envelope check and the
// frames, with no database behind them, so that what a peer or a backup file hands us is
// checked in one place and can be fuzzed on its own (tests/fuzz/snapshot_fuzz.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace seshat::storage {

inline constexpr std::string_view kSnapshotMagic = "SESHSNP2";
// Magic, applied index and key count.
inline constexpr size_t kSnapshotHeaderSize = kSnapshotMagic.size() + 16;

// The snapshot checksum (CRC-32) of `bytes`, continued from `crc`; any length.
uint32_t snapshot_crc(uint32_t crc, std::string_view bytes);

// The header of snapshot data whose framing and checksum are right (DataLoss otherwise).
struct SnapshotHeader {
  uint64_t applied_index = 0;
  uint64_t key_count = 0;
};
absl::StatusOr<SnapshotHeader> check_snapshot_data(std::string_view data);

struct SnapshotFrame {
  char tag = 0;  // 'R' record, 'T' tombstone, 'C' collection member, 'M' metadata
  std::string_view key;
  std::string_view value;
};

// Calls `visit` for every frame of data that check_snapshot_data accepted, in order, stopping at
// the first error `visit` returns. DataLoss when a frame has an unknown tag or is cut short, a
// record's key is not a data key of its own user key or its value does not decode, a
// tombstone does not decode, the end mark is missing or bytes follow it. Metadata frames are
// the caller's to check (their formats belong to the engine).
absl::Status read_snapshot_frames(std::string_view data,
                                  const std::function<absl::Status(const SnapshotFrame&)>& visit);

}  // namespace seshat::storage
