// CLIENT: the caller's own connection (ID, INFO, GETNAME, SETNAME, SETINFO, REPLY, NO-EVICT,
// NO-TOUCH, HELP) and the subcommands that look at or act on other connections.
//
// A connection's state belongs to its io thread, so LIST, KILL and UNBLOCK never read another
// connection from the caller's thread: ClientRegistry::for_each_client posts a job to every
// connection's own io thread (describe it, or match and close or unblock it) and the gathered
// answers fill the caller's reply slot. CLIENT INFO describes the caller itself, on its own
// thread, and needs none of this.
//
// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|SLAVE|PUBSUB] [ID id ...] as in Redis 7.0.
// CLIENT KILL ip:port (old form: +OK, or -ERR No such client), and
// CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
// (new form: the number of connections closed; the caller is skipped unless SKIPME no, and if
// it is killed it gets its reply first).
// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of a client blocked in BLPOP and friends.
#pragma once

#include <optional>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/admin_commands.h"

namespace seshat::admin {

// argv[0] is CLIENT and the subcommand has passed kv::subcommand_error(). LIST, KILL and
// UNBLOCK take a reply slot through `later` and return nullopt (an error inside MULTI, where
// `later` is null); the others answer at once.
std::optional<protocol::Reply> client_command(server::Connection& conn, const kv::Argv& argv,
                                              const server::AdminCommands::Later* later);

}  // namespace seshat::admin
