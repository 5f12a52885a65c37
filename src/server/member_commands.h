// SESHAT MEMBERS and SESHAT MEMBER REMOVE <id>: membership administration over RESP.
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
#pragma once

#include <functional>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/replicator.h"

namespace seshat::server {

class Connection;

// True for SESHAT MEMBERS / SESHAT MEMBER ... (argv[0] is SESHAT).
bool is_member_command(const kv::Argv& argv);
// The commands that answer at once: SESHAT MEMBERS, and every syntax or mode error.
protocol::Reply member_command(Connection& conn, const kv::Argv& argv);
// SESHAT MEMBER REMOVE <id> with a valid id in cluster mode: starts it and returns true; its
// reply fills the slot that `later()` reserves. False for anything member_command() answers.
bool start_member_command(Connection& conn, const kv::Argv& argv,
                          const std::function<Replicator::Done()>& later);

}  // namespace seshat::server
