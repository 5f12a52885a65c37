// The data of a Seshat snapshot: the state machine at its applied index, as bytes.
//
// Layout: magic "SESHSNP1" | applied index (u64 LE) | key count (u64 LE) | record count (u64 LE)
// | records: kv_data key length (u32 LE), key, value length (u32 LE), value | tombstone count
// (u64 LE) | tombstones: same framing | crc32 of everything before (u32 LE).
// The expiry index is not shipped: it is rebuilt from the records' expiry times.
#pragma once

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

// Serialises the applied state machine. Call on the thread that applies (so nothing changes
// under it) or accept that it reflects one consistent RocksDB view.
absl::StatusOr<std::string> serialize_state(Engine& engine);

// Replaces the state machine and the Raft log by the snapshot, atomically (one synced batch):
// a crash leaves the old state or the new one, never a mix.
absl::Status install_snapshot(Engine& engine, RaftLogStorage& log, const raft::Snapshot& snap);

}  // namespace seshat::storage
