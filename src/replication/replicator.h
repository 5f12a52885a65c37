// What the client-facing server needs from the replication layer. Every node, a single one
// included, runs the Raft driver behind this interface: a single node is a Raft group of one.
//
// Ordering contract: operations handed to propose() and read() by one caller take effect in
// the order of the calls. A read observes every write the caller proposed before it and none
// it proposed after, whatever the pipeline depth; the replicator picks the point of the log at
// which the read runs, so a pipeline of mixed reads and writes still shares one commit.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "kv/command.h"
#include "kv/operation.h"
#include "protocol/reply.h"

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

class Replicator {
 public:
  // Called exactly once, from any thread: with the reply the state machine produced for the
  // operation, or with an error status if it could not be done (replication/errors.h: the code
  // says whether to retry; a write that failed was never acknowledged, though it may still be
  // applied later).
  using Done = std::function<void(absl::StatusOr<protocol::Reply>)>;

  virtual ~Replicator() = default;

  // A write: `op` is logged, committed by a majority and applied; `done` gets its reply.
  virtual void propose(kv::Operation op, Done done) = 0;

  // A linearizable read (`op` holds one read-only command). It is not logged: it runs against
  // the state machine at a point that follows every write acknowledged before the call and
  // every write this caller proposed before it, and precedes what this caller proposes after.
  virtual void read(kv::Operation op, Done done) = 0;

  // Fast path: runs the read on the caller's thread and returns its reply when local state may
  // serve it right now, because nothing can have been acknowledged that this node has not
  // applied (the sole voter of its group; stale reads when configured); nullopt otherwise.
  // Only for a caller with nothing in flight: otherwise read() keeps the order.
  virtual std::optional<protocol::Reply> read_locally(const kv::Operation& op) = 0;

  // The clock value to stamp on a new Operation: never behind one already stamped, so expiry
  // decisions in the log never go back in time.
  virtual int64_t proposal_time_ms() = 0;

  // WATCH: the version of `key` in this node's applied state at `now_ms` (an expired key reads
  // as absent). EXEC's apply compares it with the version the log has then, so a transaction
  // runs only if nothing wrote the key in between. Any thread.
  virtual uint64_t watch_version(std::string_view key, int64_t now_ms) = 0;
};

}  // namespace seshat::replication
