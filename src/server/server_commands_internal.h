// Pieces of the server commands that live in their own files (server_commands.cc dispatches to
// them): COMMAND in command_docs.cc, CONFIG in config_command.cc, INFO in info.cc. Internal to
// src/server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kv/command.h"
#include "protocol/reply.h"

namespace seshat::server {

struct ServerContext;

// COMMAND [COUNT | INFO | DOCS | LIST | GETKEYS | GETKEYSANDFLAGS | HELP ...]; argv[0] is
// "command" and the subcommand has already passed subcommand_error().
protocol::Reply command_command(const kv::Argv& argv);

// CONFIG GET | SET | RESETSTAT | REWRITE | HELP; same precondition.
protocol::Reply config_command(ServerContext& ctx, const kv::Argv& argv);

// The INFO text for the requested section names (any case); an empty list means "default".
// Sections appear in Redis's fixed order whatever order they were asked in.
std::string info_sections_text(ServerContext& ctx, const std::vector<std::string>& sections);

// Glob match ignoring ASCII case, as Redis's stringmatchlen(..., nocase=1) does for CONFIG GET
// and COMMAND LIST FILTERBY PATTERN.
bool glob_match_nocase(std::string_view pattern, std::string_view subject);

// The HELP reply of a container: Redis's header line, the given lines, and the HELP entry.
protocol::Reply help_reply(std::string_view container, const std::vector<std::string_view>& lines);

}  // namespace seshat::server
