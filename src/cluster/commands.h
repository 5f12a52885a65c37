// CLUSTER on a node in cluster mode. A standalone node never gets here: it answers CLUSTER,
// READONLY, READWRITE and ASKING with Redis's "cluster support disabled", as a standalone
// redis-server does; READONLY, READWRITE and ASKING on a cluster node only set connection state
// (server/server_commands.cc).
//
// The replies describe the Raft group as one Redis Cluster shard (docs/cluster-compat.md): the
// leader is the master of slots 0-16383, every other member its replica. Formats follow Redis
// 7.0.15 as read from a live cluster, because client libraries parse them field by field.
#pragma once

#include <cstdint>
#include <string>

#include "kv/command.h"
#include "protocol/reply.h"
#include "replication/cluster_view.h"

namespace seshat::cluster {

using replication::ClusterView;

// CLUSTER <subcommand> ... against a view; argv[0] is "cluster" and argv has passed the arity
// and subcommand checks. `now_ms` (wall clock) is the
// pong time CLUSTER NODES shows for reachable members.
protocol::Reply cluster_subcommand(const ClusterView& view, const kv::Argv& argv, int64_t now_ms);

// The pieces, for tests and for anyone who needs one reply alone.
protocol::Reply cluster_slots_reply(const ClusterView& view);
protocol::Reply cluster_shards_reply(const ClusterView& view);
std::string cluster_nodes_text(const ClusterView& view, int64_t now_ms);
std::string cluster_info_text(const ClusterView& view);

}  // namespace seshat::cluster
