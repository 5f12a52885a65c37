// Replication's interface to the rest of the node. Every node, a single one included, runs the
// Raft driver behind it: a single node is a Raft group of one. The replicator picks the point of
// the log at which each read runs, so a pipeline of mixed reads and writes still shares one
// commit (the ordering contract is kv::OperationLog's, kv/service.h).
#pragma once

#include <atomic>
#include <cstdint>

#include "kv/command.h"
#include "kv/service.h"

namespace seshat::replication {

// INFO's keyspace_hits and keyspace_misses: counted key lookups of the commands this node
// answered, whichever thread ran them (io threads for local reads, the driver for the rest).
struct KeyspaceStats {
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
  void add(const kv::KeyLookups& l) {
    if (l.hits != 0) hits.fetch_add(l.hits, std::memory_order_relaxed);
    if (l.misses != 0) misses.fetch_add(l.misses, std::memory_order_relaxed);
  }
};

// What replication offers the rest of the node: the OperationLog that kv::Service hands its
// operations to (kv/service.h has the contract). Every node runs the Raft driver behind it.
class Replicator : public kv::OperationLog {};

}  // namespace seshat::replication
