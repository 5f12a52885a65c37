// The ACL users, replicated with the keyspace (FLUSHALL leaves them): text the front end writes
// and reads, and the index of the log entry that last set it (0: never set). A change is
// proposed against the version it read, so two concurrent changes cannot lose one another.
#pragma once

#include <cstdint>
#include <string>

namespace seshat::storage {

struct AclTable {
  uint64_t version = 0;
  std::string text;
  bool operator==(const AclTable&) const = default;
};

}  // namespace seshat::storage
