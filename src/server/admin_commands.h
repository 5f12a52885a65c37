// The seam between the front end and the admin room (src/admin): INFO, CLIENT, CONFIG, COMMAND
// and SESHAT are answered there. The front end owns this interface and calls it; admin
// implements it, and the node plugs the implementation into ServerContext::admin. So admin may
// look at connections and the node's counters, and the front end never depends on admin.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "kv/command.h"
#include "protocol/reply.h"
#include "replication/replicator.h"

namespace seshat::server {

class Connection;

class AdminCommands {
 public:
  // Reserves the connection's next reply slot; the returned callback fills it (any thread).
  using Later = std::function<replication::Replicator::Done()>;

  virtual ~AdminCommands() = default;

  // Whether `argv` (whose name and subcommand have passed the table's checks) is an admin
  // command.
  virtual bool handles(const kv::Argv& argv) const = 0;

  // Runs it for `conn`, on the connection's io thread. A command that must gather answers from
  // elsewhere (CLIENT LIST from every connection, SESHAT MEMBER REMOVE from the log) takes a
  // slot through `later` and returns nullopt; every other one answers at once. Inside a
  // transaction `later` is null (EXEC assembles its reply in one go), and those commands
  // answer with an error instead.
  virtual std::optional<protocol::Reply> run(Connection& conn, const kv::Argv& argv,
                                             const Later* later) = 0;
};

}  // namespace seshat::server
