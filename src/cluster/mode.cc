#include "cluster/mode.h"

#include <chrono>

#include "cluster/commands.h"
#include "cluster/leader_proxy.h"
#include "cluster/slots.h"

namespace seshat::cluster {

std::optional<std::string> Mode::redirect(const replication::ClusterView& view,
                                          const kv::CommandSpec& spec, const kv::Argv& argv,
                                          bool readonly, bool is_write) const {
  return redirect_for(view, spec, argv, readonly, is_write);
}

protocol::Reply Mode::cluster_command(const replication::ClusterView& view,
                                      const kv::Argv& argv) const {
  // CLUSTER NODES shows reachable members as having answered a ping just now (wall clock).
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return cluster_subcommand(view, argv, now_ms);
}

std::unique_ptr<server::LeaderForwarder> Mode::make_leader_proxy(
    const server::Config& config, const std::vector<asio::io_context*>& ios) const {
  return std::make_unique<LeaderProxy>(config, ios);
}

}  // namespace seshat::cluster
