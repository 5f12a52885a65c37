// ACL: Redis's user commands over the replicated ACL table (server/acl_users.h). SETUSER and
// DELUSER compute the new table here and propose it through the log against the version they
// read (kv::Service::set_acl), retrying when another change came first; the rest read the table
// as this node has applied it.
#pragma once

#include <optional>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/admin_commands.h"

namespace seshat::server {
class Connection;
}

namespace seshat::admin {

std::optional<protocol::Reply> acl_command(server::Connection& conn, const kv::Argv& argv,
                                           const server::AdminCommands::Later* later);

}  // namespace seshat::admin
