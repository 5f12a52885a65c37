// Commands the server layer answers itself (connection state, introspection): PING, ECHO, HELLO,
// AUTH, SELECT, QUIT, RESET, CLIENT, COMMAND, INFO, TIME, CONFIG. MULTI/EXEC/DISCARD/WATCH/UNWATCH
// live in the connection because they drive its queue.
#pragma once

#include <string>

#include "kv/command.h"
#include "protocol/reply.h"

namespace seshat::server {

class Connection;
struct ServerContext;

protocol::Reply run_server_command(Connection& conn, const kv::CommandSpec& spec,
                                   const kv::Argv& argv);

// The INFO text for the given section ("" or "default" or "all" or "everything" for all).
std::string info_text(ServerContext& ctx, const std::string& section);

}  // namespace seshat::server
