// The seed's KVService: a client's command from its name to the Operation that replication
// orders and applies. It looks the command up, refuses what Redis would refuse before running
// anything (unknown command, wrong arity, unknown subcommand, a write over the size limits),
// stamps the Operation with the log's clock and hands it on: a write is proposed, a read runs
// at its place among the caller's commands, a transaction that writes nothing runs as a read.
//
// What it hands operations to is an OperationLog: replication implements it (a single node is a
// Raft group of one), so kv knows nothing of Raft. The front end keeps what depends on the
// connection: reply order, MULTI's queue, authentication, cluster redirects.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "kv/command.h"
#include "kv/operation.h"
#include "protocol/reply.h"
#include "storage/acl_table.h"

namespace seshat::kv {

// Ordering contract: operations handed to propose() and read() by one caller take effect in the
// order of the calls. A read observes every write the caller proposed before it and none it
// proposed after, whatever the pipeline depth.
class OperationLog {
 public:
  // Called exactly once, from any thread: the state machine's reply, or why the operation could
  // not be done (replication/errors.h).
  using Done = std::function<void(absl::StatusOr<protocol::Reply>)>;

  virtual ~OperationLog() = default;

  // A write: `op` is logged, committed by a majority and applied; `done` gets its reply.
  virtual void propose(Operation op, Done done) = 0;
  // A linearizable read (`op` holds read-only commands). It is not logged: it runs against the
  // state at a point that follows every write acknowledged before the call and every write this
  // caller proposed before it, and precedes what this caller proposes after.
  virtual void read(Operation op, Done done) = 0;
  // Runs the read on the caller's thread when local state may serve it right now (the sole
  // voter of its group; stale reads when configured); nullopt otherwise. Only for a caller with
  // nothing in flight: otherwise read() keeps the order.
  virtual std::optional<protocol::Reply> read_locally(const Operation& op) = 0;
  // The clock value to stamp on a new Operation: never behind one already stamped, so expiry
  // decisions in the log never go back in time.
  virtual int64_t proposal_time_ms() = 0;
  // WATCH: the version of `key` in the applied state at `now_ms` (an expired key reads as
  // absent). EXEC's apply compares it with the version the log has then. Any thread.
  virtual uint64_t watch_version(std::string_view key, int64_t now_ms) = 0;
  // The ACL table as last applied here, and a counter that moves whenever it changes (a reader
  // keeping a parsed copy compares it). Any thread.
  virtual std::shared_ptr<const storage::AclTable> acl_table() = 0;
  virtual uint64_t acl_generation() = 0;
  // The members whose NOSPACE alarm is raised (their disk is below the free-space reserve), as
  // this node knows them, ascending; almost always empty, and cheap then. Any thread.
  virtual std::vector<uint64_t> space_alarms() = 0;
};

class Service {
 public:
  using Done = OperationLog::Done;
  // Reserves the caller's reply slot only when the answer will come later.
  using Later = std::function<Done()>;

  Service(OperationLog& log, Limits limits) : log_(log), limits_(limits) {}

  // The table entry of argv's command; nullptr for an unknown name.
  const CommandSpec* find(const Argv& argv) const;
  // Redis's error for a command it refuses before running it ("ERR unknown command ...", wrong
  // arity, unknown subcommand or its arity); "" when argv may run. `spec` is find(argv).
  std::string refusal(const CommandSpec* spec, const Argv& argv) const;
  // A write refused before it is proposed: a key or value over max_key_size_bytes /
  // max_value_size_bytes, or a command that may add data (Redis's denyoom flag) while a NOSPACE
  // alarm is raised; the error, or nullopt for anything else.
  std::optional<std::string> over_limits(const CommandSpec& spec, const Argv& argv) const;

  // One write (passed over_limits): proposed; `done` gets the reply.
  void write(Argv argv, Done done);
  // One read: answered at once (returned, `later` not called) when `nothing_in_flight` and the
  // local state may serve it; otherwise it runs in order and the slot from `later()` gets it.
  std::optional<protocol::Reply> read(Argv argv, bool nothing_in_flight, const Later& later);
  // EXEC: the queued keyspace commands in one Operation with the WATCHed versions; proposed if
  // any command writes, else run as one read (no log entry).
  void transaction(std::vector<Argv> commands,
                   std::vector<std::pair<std::string, uint64_t>> watches, Done done);
  // WATCH: the key's version now, to be checked when EXEC applies.
  uint64_t watch_version(std::string_view key);

  // ACL users (storage/acl_table.h): the table as applied here, and a change proposed against
  // the version it was computed from. `done` gets +OK, or kv::err::kAclChanged's error when
  // another change was applied first (read the table again and retry).
  std::shared_ptr<const storage::AclTable> acl_table() { return log_.acl_table(); }
  uint64_t acl_generation() { return log_.acl_generation(); }
  void set_acl(uint64_t expected_version, std::string text, Done done);

  const Limits& limits() const { return limits_; }

 private:
  Operation single(Argv argv);

  OperationLog& log_;
  Limits limits_;
};

}  // namespace seshat::kv
