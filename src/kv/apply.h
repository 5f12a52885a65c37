// The rule of the state machine: what one Operation does to a keyspace, any keyspace. The
// replicas run it through kv::StateMachine (state_machine.h) over RocksDB; unit tests and the
// fuzzer run it over the in-memory keyspace to compare the two.
#pragma once

#include "kv/command.h"
#include "kv/operation.h"
#include "protocol/reply.h"
#include "storage/keyspace.h"

namespace seshat::kv {

// Applies `op` to `keyspace` (whose now_ms() must be op.now_ms) and returns the reply for the
// client that proposed it. Never crashes on a bad operation: an unknown command, a wrong arity
// or a server-level command (no handler: PING, ECHO, ... inside a transaction must be answered
// by the server, not proposed) becomes an error reply, or an error element inside EXEC's array.
// Counted key lookups (INFO keyspace_hits/misses) are added to `lookups` when it is given.
protocol::Reply apply_operation(const Operation& op, storage::Keyspace& keyspace,
                                const Limits& limits, KeyLookups* lookups = nullptr);

// Runs one command's handler (used by apply and by the read path). Checks the arity again and
// answers "ERR command '<name>' is not executed by the state machine" for server commands.
protocol::Reply execute(const CommandSpec& spec, CommandContext& ctx, const Argv& argv);

}  // namespace seshat::kv
