// What the client-facing server knows about the Raft group, in the shape Redis Cluster clients
// need: who the members are, how clients reach them, and which one leads. The replicator
// publishes a fresh snapshot whenever any of it changes (leader, term, membership, a peer link
// going up or down); connections read the current one before every keyed command, so reading
// must be cheap and must never observe a half-written view.
//
// Seshat presents the whole group as ONE Redis Cluster shard: the leader owns slots 0-16383 and
// every other member is one of its replicas (docs/cluster-compat.md).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seshat::replication {

struct ClusterMember {
  uint64_t id = 0;                 // the Raft node id
  std::string client_addr = {};    // "host:port" clients can reach (the RESP port); never 0.0.0.0
  uint32_t client_tls_port = 0;    // its TLS port on the same host (tls_port; 0: none or unknown)
  std::string internal_addr = {};  // "host:port" of the peer (gRPC) port; CLUSTER NODES' cport
  bool is_leader = false;
  bool is_learner = false;  // non-voting: shown as a replica that never takes over
  // This node's opinion of whether the member is reachable now (the self entry is always
  // connected). When the replicator does not know (a follower has no link to other followers)
  // it should say true: false hides the member from CLUSTER SLOTS, where clients pick replicas.
  bool connected = true;
  uint64_t match_index = 0;  // the member's replication offset (the leader's own last index)
};

struct ClusterView {
  uint64_t self_id = 0;
  uint64_t leader_id = 0;                   // 0 = no leader known: keyed commands get CLUSTERDOWN
  uint64_t term = 0;                        // reported as cluster_current_epoch
  uint64_t config_epoch = 0;                // the epoch of the leader's ownership; cluster_my_epoch
  std::vector<ClusterMember> members = {};  // every member, self included, in a stable order
  std::string cluster_id = {};  // seeds the Redis node ids, so they differ between clusters

  const ClusterMember* find(uint64_t id) const;
  const ClusterMember* leader() const { return leader_id == 0 ? nullptr : find(leader_id); }
  bool self_is_leader() const { return leader_id != 0 && leader_id == self_id; }
};

// A member address split for the Redis replies that carry host and port apart. IPv6 hosts lose
// their brackets ("[::1]:6379" -> "::1", 6379), as Redis prints them in MOVED and CLUSTER NODES.
struct HostPort {
  std::string host;
  int port = 0;
};
// nullopt when `addr` has no ":port" or the port is not 0-65535.
std::optional<HostPort> split_host_port(std::string_view addr);

// The latest view, shared between the replicator (one writer) and every connection thread.
// A mutex guards only a shared_ptr swap or copy, so a reader holds it for a few nanoseconds and
// then reads an immutable view without any lock.
class ClusterViewHolder {
 public:
  ClusterViewHolder();
  void publish(ClusterView view);
  // Never null: before the first publish it is an empty view (no leader known).
  std::shared_ptr<const ClusterView> current() const;
  // What a client connected over TLS is told (CLUSTER SLOTS/NODES/SHARDS, MOVED): the same view
  // with each member's client_addr on its TLS port, where it has one. Redis 7 answers TLS
  // connections with TLS ports the same way. Links between nodes (the follower proxy) keep
  // using current().
  std::shared_ptr<const ClusterView> current_for_tls() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ClusterView> view_;
  std::shared_ptr<const ClusterView> tls_view_;
};

}  // namespace seshat::replication
