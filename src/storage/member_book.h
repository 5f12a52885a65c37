// The member book: where every member of the Raft group can be reached. The Raft core knows the
// members only as ids (raft::ConfState); the book adds each one's internal (gRPC) and client
// (RESP) address. It lives in the `metadata` family under kMetaMembers and moves with the state
// machine: the apply batch that applies a membership change rewrites it (together with the
// ConfState and the applied index), and snapshots carry it (snapshot_codec.h), so a node that
// installs a snapshot knows every member's address.
#pragma once

#include <rocksdb/write_batch_base.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/engine.h"

namespace seshat::storage {

inline constexpr std::string_view kMetaMembers = "members";

struct MemberAddress {
  uint64_t id = 0;
  std::string internal_addr;  // host:port of the peer (gRPC) service
  std::string client_addr;    // host:port for Redis clients; empty while unknown
  bool operator==(const MemberAddress&) const = default;
};

using MemberBook = std::map<uint64_t, MemberAddress>;

// Format: version byte 1, count (u32 LE), then per member: id (u64 LE), internal address and
// client address as (u32 LE length, bytes).
std::string encode_member_book(const MemberBook& book);
std::optional<MemberBook> decode_member_book(std::string_view bytes);
// One member alone, in the same framing (a membership change's context carries it).
std::string encode_member(const MemberAddress& m);
std::optional<MemberAddress> decode_member(std::string_view& bytes);

// The stored book; nullopt when the directory has none (a standalone node, or data written
// before membership changes existed). DataLoss when it is corrupt.
absl::StatusOr<std::optional<MemberBook>> load_member_book(Engine& engine);
// Adds the book to `batch` (an apply batch, or the batch that records a new node's identity).
void stage_member_book(rocksdb::WriteBatchBase& batch, Engine& engine, const MemberBook& book);

}  // namespace seshat::storage
