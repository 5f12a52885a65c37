// The cluster room's entry point for the front end (server/cluster_mode.h): redirects decided
// by cluster/slots.h, CLUSTER replies built by cluster/commands.h, the follower proxy of
// cluster/leader_proxy.h.
#pragma once

#include "server/cluster_mode.h"

namespace seshat::cluster {

class Mode final : public server::ClusterMode {
 public:
  std::optional<std::string> redirect(const replication::ClusterView& view,
                                      const kv::CommandSpec& spec, const kv::Argv& argv,
                                      bool readonly, bool is_write) const override;
  protocol::Reply cluster_command(const replication::ClusterView& view,
                                  const kv::Argv& argv) const override;
  std::unique_ptr<server::LeaderForwarder> make_leader_proxy(
      const server::Config& config, const std::vector<asio::io_context*>& ios) const override;
};

}  // namespace seshat::cluster
