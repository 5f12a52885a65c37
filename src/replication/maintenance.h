// The background work every replicator does the same way: propose the removal of expired
// keys, and the collection of old tombstones, as ordinary log entries, so that every replica
// applies the same decisions at the same point of the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kv/state_machine.h"

namespace seshat::replication {

struct MaintenanceWork {
  std::vector<std::string> operations;  // encoded kv::Operations to propose
  size_t expired_keys = 0;              // keys the purge operation names
};

// At most 200 due keys and 1000 visited tombstones per call; `tombstone_cursor` carries the
// tombstone sweep from one call to the next.
MaintenanceWork plan_maintenance(kv::StateMachine& state, int64_t now_ms, uint64_t tombstone_ttl_ms,
                                 std::string& tombstone_cursor);

}  // namespace seshat::replication
