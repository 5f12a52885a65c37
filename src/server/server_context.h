// State shared by every client connection of a node: configuration, the kv::Service (the front
// end's only way to the data), the registry of connected clients, the counters INFO reports,
// and the seams to the cluster and admin rooms.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kv/command.h"
#include "kv/service.h"
#include "replication/cluster_view.h"
#include "replication/replicator.h"
#include "server/acl_users.h"
#include "server/admin_commands.h"
#include "server/blocking_keys.h"
#include "server/cluster_mode.h"
#include "server/command_stats.h"
#include "server/config.h"

namespace seshat::server {

struct ServerStats {
  std::atomic<uint64_t> connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> commands_processed{0};
  replication::KeyspaceStats keyspace;  // keyspace_hits / keyspace_misses
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> write_commands{0};
  std::atomic<uint64_t> protocol_errors{0};
  std::atomic<uint64_t> output_limit_disconnections{0};  // client_output_buffer_limit_mb
};

class Connection;

// The connected clients, for CLIENT LIST / KILL and INFO. A connection's state belongs to its
// io thread; the registry never reads it from elsewhere. To look at or act on other
// connections, for_each_client() posts a job to each connection's own io thread and gathers
// the answers: no field of a connection is ever shared between threads.
class ClientRegistry {
 public:
  // What a job reports for one connection; nullopt reports nothing (not a match, or closed).
  using ClientJob = std::function<std::optional<std::string>(Connection&)>;
  // The answers by client id, once every connection has run the job.
  using Gathered = std::function<void(std::map<uint64_t, std::string>)>;

  // Returns false when the node already serves max_clients connections.
  bool add(uint64_t id, std::weak_ptr<Connection> conn, uint64_t max_clients);
  void remove(uint64_t id);
  size_t size() const;
  // Runs `job` for every connection registered now, each on its own io thread, then calls
  // `done` (on the io thread of the last to answer; at once when there are none).
  void for_each_client(ClientJob job, Gathered done) const;
  uint64_t next_id() { return next_id_.fetch_add(1) + 1; }

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, std::weak_ptr<Connection>> clients_;  // guarded by mu_
  std::atomic<uint64_t> next_id_{0};
};

struct ServerContext {
  Config config;
  // The seed's KVService: checks each command and hands it to replication (the front end's
  // only way to the data).
  kv::Service* service = nullptr;
  ClientRegistry clients;
  ServerStats stats;
  CommandStats command_stats;  // INFO commandstats
  BlockingKeys blocking;       // clients blocked by BLPOP and friends
  std::string run_id;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Extra INFO sections provided by the replicator (e.g. "raft"); may be empty.
  std::function<std::string(const std::string& section)> extra_info;
  // Called once at the start of INFO, before any section is read: brings the replicator's
  // published progress (commit, applied, peers' match) up to date, so INFO reports the state at
  // the time of the command rather than of the last periodic refresh. May be empty.
  std::function<void()> refresh_status;
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
  std::function<void(uint64_t id, replication::Replicator::Done done)> remove_member;
  // The Raft group as Redis Cluster clients see it, published by the replicator. nullptr is
  // standalone mode: CLUSTER, READONLY, READWRITE and ASKING answer "cluster support disabled"
  // and nothing is ever redirected.
  replication::ClusterViewHolder* cluster = nullptr;
  // Set with `cluster`: the Redis Cluster emulation (src/cluster) that decides redirects and
  // answers CLUSTER, plugged in by the node.
  ClusterMode* cluster_mode = nullptr;
  // Set (by the RespServer, which owns it) when a cluster node runs with follower_proxy: keyed
  // commands that would get -MOVED are forwarded to the leader instead.
  LeaderForwarder* leader_proxy = nullptr;
  // INFO, CLIENT, CONFIG, COMMAND and SESHAT (src/admin), plugged in by the node. Without it
  // they answer as unknown commands.
  AdminCommands* admin = nullptr;

  // SHUTDOWN NOW: stop without handing leadership over first (read once the signal arrives).
  std::atomic<bool> shutdown_now{false};

  // The ACL users as of the applied state (made on first use, once config is set).
  std::shared_ptr<const AclUsers::Table> acl_users() {
    std::call_once(acl_once_, [this] { acl_ = std::make_unique<AclUsers>(config.requirepass); });
    return acl_->current(service);
  }

 private:
  std::once_flag acl_once_;
  std::unique_ptr<AclUsers> acl_;
};

}  // namespace seshat::server
