// Who the members are (the server rejects traffic from anyone else) and what each announced as
// its client address. Shared, thread-safe, by the server threads and the peer senders.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "transport/transport.h"

namespace seshat::transport {

class PeerRegistry {
 public:
  explicit PeerRegistry(PeerInfoHandler on_peer_info) : on_peer_info_(std::move(on_peer_info)) {}

  void add_member(raft::NodeId id) {
    std::lock_guard lock(mu_);
    members_.insert(id);
  }
  void remove_member(raft::NodeId id) {
    std::lock_guard lock(mu_);
    members_.erase(id);
    client_addrs_.erase(id);
  }
  bool is_member(raft::NodeId id) const {
    std::lock_guard lock(mu_);
    return members_.count(id) > 0;
  }

  // Records what a member announced; tells the handler when it is new or changed. Addresses of
  // non-members are ignored, so a stray node cannot plant a redirect target.
  void set_client_addr(raft::NodeId id, const std::string& addr, uint32_t tls_port) {
    {
      std::lock_guard lock(mu_);
      if (members_.count(id) == 0 || addr.empty()) return;
      client_addrs_[id] = addr;
    }
    // Reported on every handshake, not only when the address changes: a handshake means the
    // peer (re)connected, perhaps as a restarted process that holds less than it had
    // acknowledged, and the driver wants to know that.
    if (on_peer_info_) on_peer_info_(id, addr, tls_port);
  }
  std::optional<std::string> client_addr(raft::NodeId id) const {
    std::lock_guard lock(mu_);
    auto it = client_addrs_.find(id);
    if (it == client_addrs_.end()) return std::nullopt;
    return it->second;
  }

 private:
  const PeerInfoHandler on_peer_info_;
  mutable std::mutex mu_;
  std::set<raft::NodeId> members_;
  std::map<raft::NodeId, std::string> client_addrs_;
};

}  // namespace seshat::transport
