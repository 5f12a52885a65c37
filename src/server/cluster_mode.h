// The seam between the front end and the Redis Cluster emulation (src/cluster). The front end
// owns these interfaces and asks through them whether a command must be turned away from this
// node (MOVED to the leader, or CLUSTERDOWN), what CLUSTER <subcommand> answers, and (with
// follower_proxy) to carry a command to the leader instead. The node plugs cluster::Mode into
// ServerContext::cluster_mode on a cluster node; a standalone node has none and never
// redirects. Both sides read the group as replication publishes it (ClusterView).
#pragma once

#include <asio.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kv/command.h"
#include "protocol/reply.h"
#include "protocol/resp_writer.h"
#include "replication/cluster_view.h"
#include "server/config.h"

namespace seshat::server {

// follower_proxy: sends commands this node would answer with MOVED to the leader, and brings
// the leader's replies back (cluster/leader_proxy.h has the rules).
class LeaderForwarder {
 public:
  // What a forwarded request produced: the leader's reply as raw bytes in the client's protocol
  // (a single command), or a reply built here (an error, or a transaction's parsed EXEC reply).
  struct Result {
    std::optional<std::string> raw;
    protocol::Reply reply;
  };
  using Callback = std::function<void(Result)>;

  virtual ~LeaderForwarder() = default;

  // Forwards one command (`transaction` false: `commands` holds exactly one) or a transaction
  // (MULTI, `commands`, EXEC) to the leader named by `view`. Called on an io thread; `done`
  // runs exactly once, on that thread, never inside this call (the caller may be in the middle
  // of its own request loop).
  virtual void forward(const asio::any_io_executor& executor, const replication::ClusterView& view,
                       std::span<const kv::Argv> commands, bool transaction,
                       protocol::ProtocolVersion version, Callback done) = 0;
};

class ClusterMode {
 public:
  virtual ~ClusterMode() = default;

  // The error line (without '-') that sends the command elsewhere, or nullopt to run it here.
  // Keyless commands are never turned away; `readonly` is the connection's READONLY.
  virtual std::optional<std::string> redirect(const replication::ClusterView& view,
                                              const kv::CommandSpec& spec, const kv::Argv& argv,
                                              bool readonly, bool is_write) const = 0;

  // CLUSTER <subcommand> ...: argv[0] is "cluster" and argv has passed the subcommand checks.
  virtual protocol::Reply cluster_command(const replication::ClusterView& view,
                                          const kv::Argv& argv) const = 0;

  // The follower proxy, working on the server's io threads `ios` (its links belong to them:
  // destroy it only once they have stopped).
  virtual std::unique_ptr<LeaderForwarder> make_leader_proxy(
      const Config& config, const std::vector<asio::io_context*>& ios) const = 0;
};

}  // namespace seshat::server
