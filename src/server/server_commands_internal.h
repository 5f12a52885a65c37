// Pieces of the server commands that live in their own files (server_commands.cc dispatches to
// them): CONFIG in config_command.cc, INFO in info.cc. Internal to src/server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kv/command.h"
#include "protocol/reply.h"

namespace seshat::server {

struct ServerContext;

// CONFIG GET | SET | RESETSTAT | REWRITE | HELP; argv[0] is "config" and the subcommand has
// already passed admin::subcommand_error().
protocol::Reply config_command(ServerContext& ctx, const kv::Argv& argv);

// The INFO text for the requested section names (any case); an empty list means "default".
// Sections appear in Redis's fixed order whatever order they were asked in.
std::string info_sections_text(ServerContext& ctx, const std::vector<std::string>& sections);

}  // namespace seshat::server
