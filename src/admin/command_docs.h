// COMMAND [COUNT | INFO | DOCS | LIST | GETKEYS | GETKEYSANDFLAGS | HELP ...]: what client
// libraries and redis-cli learn about the command table, shaped as Redis 7.0 replies.
#pragma once

#include "kv/command.h"
#include "protocol/reply.h"

namespace seshat::admin {

// argv[0] is "command"; the subcommand has already passed subcommand_error().
protocol::Reply command_command(const kv::Argv& argv);

}  // namespace seshat::admin
