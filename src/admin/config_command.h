// CONFIG GET | SET | RESETSTAT | REWRITE | HELP, for the parameters clients and tools read.
#pragma once

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/server_context.h"

namespace seshat::admin {

// argv[0] is "config" and the subcommand has passed kv::subcommand_error().
protocol::Reply config_command(server::ServerContext& ctx, const kv::Argv& argv);

}  // namespace seshat::admin
