// The payload of one Raft log entry: every proposal a leader's driver collected in one turn.
// Each carries an id so that the node that proposed it can match the applied result back to the
// waiting client; other replicas just apply the operations in order.
//
// Layout: count (u32 LE), then per proposal: id (u64 LE), length (u32 LE), encoded Operation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seshat::replication {

struct Proposal {
  uint64_t id = 0;
  std::string operation;  // encoded kv::Operation
  bool operator==(const Proposal&) const = default;
};

std::string encode_proposal_batch(const std::vector<Proposal>& proposals);
// nullopt on malformed bytes; never crashes whatever the input.
std::optional<std::vector<Proposal>> decode_proposal_batch(std::string_view bytes);

}  // namespace seshat::replication
