// CLIENT LIST and CLIENT KILL: the commands that look at or act on other connections.
//
// A connection's state belongs to its io thread, so these never read another connection from
// the caller's thread: ClientRegistry::for_each_client posts a job to every connection's own
// io thread (describe it, or match and close it) and the gathered answers fill the caller's
// reply slot. CLIENT INFO describes the caller itself, on its own thread, and needs none of this.
//
// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|SLAVE|PUBSUB] [ID id ...] as in Redis 7.0.
// CLIENT KILL ip:port (old form: +OK, or -ERR No such client), and
// CLIENT KILL [ID id] [TYPE type] [USER user] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
// (new form: the number of connections closed; the caller is skipped unless SKIPME no, and if
// it is killed it gets its reply first).
// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of a client blocked in BLPOP and friends.
#pragma once

#include <functional>

#include "kv/command.h"
#include "server/replicator.h"

namespace seshat::server {

class Connection;

// For CLIENT LIST, CLIENT KILL and CLIENT UNBLOCK: starts the command and returns true; the reply (an error
// too) fills the slot `later()` reserves. False for every other command.
bool start_client_command(Connection& conn, const kv::Argv& argv,
                          const std::function<Replicator::Done()>& later);

}  // namespace seshat::server
