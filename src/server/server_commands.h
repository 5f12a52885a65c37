// Commands the front end answers itself (connection state): PING, ECHO, HELLO, AUTH, SELECT,
// QUIT, RESET, TIME, SESHAT PROXY-LINK, and the cluster commands (or their refusal on a
// standalone node). INFO, CLIENT, CONFIG, COMMAND and the other SESHAT commands go through
// ServerContext::admin (server/admin_commands.h). MULTI/EXEC/DISCARD/WATCH/UNWATCH live in the
// connection because they drive its queue.
#pragma once

#include <optional>
#include <string_view>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/admin_commands.h"
#include "server/server_context.h"

namespace seshat::server {

class Connection;

// The version Seshat reports as Redis's (HELLO, INFO): the one whose behaviour it matches.
inline constexpr std::string_view kRedisVersion = "7.0.15";

// Runs a server command (kFlagServer). Answers at once, or returns nullopt when an admin
// command took a reply slot through `later` (null inside a transaction: see AdminCommands).
std::optional<protocol::Reply> run_server_command(Connection& conn, const kv::CommandSpec& spec,
                                                  const kv::Argv& argv,
                                                  const AdminCommands::Later* later);

// Client names and library attributes appear space-separated in CLIENT LIST, so Redis accepts
// only printable ASCII without spaces (HELLO SETNAME, CLIENT SETNAME, CLIENT SETINFO).
bool valid_client_attr(std::string_view s);

// A new connection starts authenticated as "default" when that user is on and needs no password
// (no requirepass, no ACL password), as in Redis.
bool default_user_open(ServerContext& ctx);

}  // namespace seshat::server
