// follower_proxy = true: a follower forwards the commands it would answer with -MOVED to the
// leader and relays the leader's replies, for clients that cannot follow redirects.
//
// Shape: every io thread has its own links to the leader, one per protocol version its clients
// speak (a RESP3 link sends HELLO 3 first), so a client's reply comes back byte for byte in its
// own protocol and no link is ever touched by two threads. A link is one TCP connection carrying
// the requests of every client on that thread, pipelined: requests are written in the order they
// are submitted and the leader answers in that order, so replies are matched to requests by
// position. Each client connection still orders its own replies through its reply slots.
//
// Failure rules (docs/cluster-compat.md, "follower_proxy"):
//  - the leader changes (the view's leader id or client address): new requests go to a new link;
//    the old one finishes what it has in flight and then closes;
//  - the link drops or cannot connect: every request on it is answered -TRYAGAIN;
//  - a request without a reply after request_timeout_secs is answered -TRYAGAIN (its late reply
//    is dropped); a link whose oldest request has waited twice that is presumed dead and closed;
//  - a -MOVED from the target (it is no longer the leader) becomes -TRYAGAIN: the client cannot
//    follow it, and the command did not run there;
//  - a request is never sent to this node itself, and a link marks itself with SESHAT PROXY-LINK
//    so the receiving node never forwards it again (two nodes with stale views cannot bounce a
//    command between them).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
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
#include "server/cluster_mode.h"
#include "server/config.h"

namespace seshat::cluster {

using replication::ClusterMember;
using replication::ClusterView;
using server::Config;

class LeaderLink;

class LeaderProxy final : public server::LeaderForwarder {
 public:
  // `ios` are the server's io_contexts; forward() must be called from one of their threads.
  LeaderProxy(const Config& config, const std::vector<asio::io_context*>& ios);
  ~LeaderProxy() override;
  LeaderProxy(const LeaderProxy&) = delete;
  LeaderProxy& operator=(const LeaderProxy&) = delete;

  void forward(const asio::any_io_executor& executor, const ClusterView& view,
               std::span<const kv::Argv> commands, bool transaction,
               protocol::ProtocolVersion version, Callback done) override;

  // Closes every link. Only once the io threads have stopped (the links belong to them).
  void close_all();

 private:
  struct ThreadLinks {
    asio::io_context* io = nullptr;
    std::shared_ptr<LeaderLink> by_version[2];  // [0] RESP2, [1] RESP3
  };
  ThreadLinks* links_for(const asio::any_io_executor& executor);

  const Config& config_;
  std::vector<ThreadLinks> threads_;  // fixed at construction: looked up without a lock
};

// "*N\r\n$len\r\narg\r\n...": a command as a client sends it.
void append_request(std::string& out, const kv::Argv& argv);

// The error a proxied client gets instead of the target's `MOVED ...` (the command did not run).
inline constexpr std::string_view kProxyLeaderMovedError =
    "TRYAGAIN the leader changed while the command was forwarded; retry";

}  // namespace seshat::cluster
