// An Operation is what a write proposes to the log: the commands to apply, the proposer's clock
// and, for EXEC, the WATCHed key versions. Apply interprets it deterministically: it reads no
// clock (relative expiries are resolved against `now_ms`), so every replica computes the same
// state and the proposer the same reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/command.h"

namespace seshat::kv {

struct Operation {
  enum class Kind : uint8_t {
    kCommand = 1,       // one command; the reply is its reply
    kTransaction = 2,   // MULTI/EXEC: reply is an array, or a null array if a WATCH failed
    kPurgeExpired = 3,  // active expiry: remove each listed key that is expired at now_ms
    // Drop the tombstones of the listed keys that are older than now_ms. Tombstones decide what
    // WATCH sees for a deleted key, so every replica must drop the same ones at the same point
    // of the log: collecting them locally would let an EXEC succeed on one replica and abort on
    // another.
    kCollectTombstones = 4,
    // Replace the ACL table (storage::AclTable) with commands[0][0], if its version is still
    // watches[0].second (watches[0].first is empty): the front end computes the new table from
    // the one it read, and a change that raced it makes this one fail rather than be lost.
    kSetAcl = 5,
    // Raise or clear a member's NOSPACE alarm (its disk is below the free-space reserve):
    // commands[0] = {node id in decimal, "raise" or "clear"}. Idempotent.
    kSetSpaceAlarm = 6,
  };
  Kind kind = Kind::kCommand;
  int64_t now_ms = 0;
  std::vector<Argv> commands;  // kPurgeExpired: one argv holding the keys
  std::vector<std::pair<std::string, uint64_t>> watches;  // key, version seen at WATCH

  bool operator==(const Operation&) const = default;
};

// The format is documented in operation.cc. Only well-formed operations decode:
//   kCommand      exactly one non-empty argv, no watches;
//   kTransaction  any number of non-empty argvs (zero for an empty MULTI/EXEC), any watches;
//   kPurgeExpired, kCollectTombstones exactly one argv (the keys, possibly none), no watches;
//   kSetAcl       exactly one argv of one argument, exactly one watch with an empty key;
//   kSetSpaceAlarm exactly one argv of two arguments, no watches.
// Encoding is canonical: decode(encode(op)) == op for a well-formed op, and any bytes that decode
// re-encode to themselves.
std::string encode_operation(const Operation& op);
// nullopt on any malformed input; never crashes, whatever the bytes, and never allocates more
// than a small multiple of the input's size.
std::optional<Operation> decode_operation(std::string_view bytes);

}  // namespace seshat::kv
