// State shared by every client connection of a node: configuration, the database, the
// replicator, the registry of connected clients and the counters INFO reports.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kv/command.h"
#include "server/cluster_view.h"
#include "server/config.h"
#include "server/replicator.h"
#include "storage/engine.h"

namespace seshat::server {

struct ServerStats {
  std::atomic<uint64_t> connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> commands_processed{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> write_commands{0};
  std::atomic<uint64_t> protocol_errors{0};
};

class LeaderProxy;

// One line of CLIENT LIST, produced by the connection on its own thread.
using ClientDescriber = std::function<std::string()>;

class ClientRegistry {
 public:
  // Returns false when the node already serves max_clients connections.
  bool add(uint64_t id, ClientDescriber describe, uint64_t max_clients);
  void remove(uint64_t id);
  size_t size() const;
  std::string describe_all() const;  // CLIENT LIST
  uint64_t next_id() { return next_id_.fetch_add(1) + 1; }

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, ClientDescriber> clients_;
  std::atomic<uint64_t> next_id_{0};
};

struct ServerContext {
  Config config;
  kv::Limits limits;
  storage::Engine* engine = nullptr;
  Replicator* replicator = nullptr;
  ClientRegistry clients;
  ServerStats stats;
  std::string run_id;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Extra INFO sections provided by the replicator (e.g. "raft"); may be empty.
  std::function<std::string(const std::string& section)> extra_info;
  // Fault injection (cluster mode with enable_fault_injection): on this node's outgoing messages
  // to a peer, cut or restore them (`blocked`) and drop `drop_percent` of them at random (0
  // restores); a setting left empty stays as it was. False if the peer is unknown.
  struct LinkFault {
    std::optional<bool> blocked;
    std::optional<unsigned> drop_percent;
  };
  std::function<bool(uint64_t peer, const LinkFault& fault)> link_fault;
  // Cluster mode: SESHAT MEMBER REMOVE <id>. `done` gets +OK once the removal is applied on
  // this node, or an error (called from another thread).
  std::function<void(uint64_t id, Replicator::Done done)> remove_member;
  // The Raft group as Redis Cluster clients see it, published by the replicator. nullptr is
  // standalone mode: CLUSTER, READONLY, READWRITE and ASKING answer "cluster support disabled"
  // and nothing is ever redirected.
  ClusterViewHolder* cluster = nullptr;
  // Set (by the RespServer, which owns it) when a cluster node runs with follower_proxy: keyed
  // commands that would get -MOVED are forwarded to the leader instead.
  LeaderProxy* leader_proxy = nullptr;
};

}  // namespace seshat::server
