// The seam between the front end and the Redis Cluster emulation (src/cluster). The front end
// owns this interface and asks it two things: whether a command must be turned away from this
// node (MOVED to the leader, or CLUSTERDOWN), and what CLUSTER <subcommand> answers. The node
// plugs cluster::Mode into ServerContext::cluster_mode on a cluster node; a standalone node has
// none and never redirects. Both read the group as replication publishes it (ClusterView).
#pragma once

#include <optional>
#include <string>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/cluster_view.h"

namespace seshat::server {

class ClusterMode {
 public:
  virtual ~ClusterMode() = default;

  // The error line (without '-') that sends the command elsewhere, or nullopt to run it here.
  // Keyless commands are never turned away; `readonly` is the connection's READONLY.
  virtual std::optional<std::string> redirect(const ClusterView& view,
                                              const kv::CommandSpec& spec, const kv::Argv& argv,
                                              bool readonly, bool is_write) const = 0;

  // CLUSTER <subcommand> ...: argv[0] is "cluster" and argv has passed the subcommand checks.
  virtual protocol::Reply cluster_command(const ClusterView& view, const kv::Argv& argv) const = 0;
};

}  // namespace seshat::server
