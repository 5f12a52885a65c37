// What the client-facing server needs from the consensus layer. Single-node today (LocalLog);
// the Raft driver implements the same interface, so nothing above it changes when it arrives.
#pragma once

#include <functional>
#include <string>

#include "protocol/reply.h"

namespace seshat::server {

class Replicator {
 public:
  // Called exactly once, from any thread: with the reply produced by applying the operation, or
  // with a retryable error if it could not be committed (never an OK for an uncommitted write).
  using ProposeCallback = std::function<void(protocol::Reply)>;
  // Called exactly once when a read may be served from local state (an empty string) or with
  // the error line to answer instead.
  using ReadCallback = std::function<void(const std::string& error)>;

  virtual ~Replicator() = default;

  // `operation` is an encoded kv::Operation.
  virtual void propose(std::string operation, ProposeCallback done) = 0;

  // A read that must see writes this caller proposed earlier and that are not applied yet
  // (a pipeline such as SET k v; GET k). It is not logged: it runs against the state machine
  // right after everything proposed before it has been applied, so a pipeline of mixed reads
  // and writes still shares one commit. `operation` is an encoded kv::Operation holding one
  // read-only command; `done` gets its reply, or a retryable error if the writes before it fail.
  virtual void read_after_writes(std::string operation, ProposeCallback done) = 0;

  // Fast path for reads: true when local state may serve a linearizable read right now (single
  // node; a leader whose lease is valid). When false with `error` set, answer with that error;
  // when false with `error` empty, wait with read_barrier().
  virtual bool read_now(std::string& error) = 0;
  // Linearizable read barrier: `ready` runs (on another thread, never inline) once every write
  // acknowledged before this call is visible in local state.
  virtual void read_barrier(ReadCallback ready) = 0;

  // The clock value to stamp on a new Operation: never behind one already stamped, so expiry
  // decisions in the log never go back in time.
  virtual int64_t proposal_time_ms() = 0;
};

}  // namespace seshat::server
