// SESHAT: Seshat's own administration over RESP.
//
// SESHAT MEMBERS lists every member from this node's cluster view, as an array of maps (flat
// arrays in RESP2): id, internal_addr, client_addr, role (voter or learner) and leader (1 for
// the member this node follows). Any member answers it.
//
// SESHAT MEMBER REMOVE <id> removes a member and answers +OK once the removal is applied on
// the node asked. Any member takes it: a follower hands the change to the leader through Raft
// (as it forwards proposals), so operators need not find the leader first. Removing the leader
// moves leadership to another voter first. Errors: -ERR for an id that is not a member or the
// last voter, -CLUSTERDOWN without a leader, -TRYAGAIN while another change is in flight.
//
// SESHAT LINK BLOCK|UNBLOCK <peer-id> and SESHAT LINK DROP <peer-id> <percent>: fault
// injection for tests (enable_fault_injection only).
//
// SESHAT PROXY-LINK belongs to the front end's follower proxy and never reaches here.
#pragma once

#include <optional>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/admin_commands.h"

namespace seshat::admin {

// MEMBER REMOVE takes a reply slot through `later` and returns nullopt (inside MULTI, where
// `later` is null, it is refused); the others answer at once.
std::optional<protocol::Reply> seshat_command(server::Connection& conn, const kv::Argv& argv,
                                              const server::AdminCommands::Later* later);

}  // namespace seshat::admin
