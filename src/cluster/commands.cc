#include "cluster/commands.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/node_ids.h"
#include "cluster/slots.h"
#include "kv/ascii.h"
#include "kv/help_reply.h"
#include "protocol/number_format.h"

namespace seshat::cluster {

using kv::lower;
using kv::upper;
using replication::ClusterMember;
using replication::HostPort;
using replication::split_host_port;

namespace {

using protocol::Reply;

constexpr int64_t kLastSlot = kClusterSlots - 1;
constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";

// The leader, when one is known and clients can be sent to it; nullptr otherwise. Without it
// nobody owns a slot: the replies show no master, as Raft has none.
const ClusterMember* serving_leader(const ClusterView& view) {
  const ClusterMember* leader = view.leader();
  if (leader == nullptr || !split_host_port(leader->client_addr)) return nullptr;
  return leader;
}

HostPort client_endpoint(const ClusterMember& m) {
  // Members whose address does not parse still appear, with an empty host and port 0, so that
  // CLUSTER NODES lists every member the way Redis lists a node it has not reached yet.
  return split_host_port(m.client_addr).value_or(HostPort{});
}

// [host, port, id, {}]: one node of a CLUSTER SLOTS range. The empty map is Redis 7's
// "additional networking metadata" (hostname when one is configured).
Reply slots_node(const ClusterView& view, const ClusterMember& m) {
  HostPort hp = client_endpoint(m);
  return Reply::Array({Reply::Bulk(std::move(hp.host)), Reply::Integer(hp.port),
                       Reply::Bulk(redis_node_id(view.cluster_id, m.id)), Reply::Map()});
}

// One CLUSTER NODES line, without the newline.
std::string node_line(const ClusterView& view, const ClusterMember& m, const ClusterMember* leader,
                      int64_t now_ms) {
  const bool self = m.id == view.self_id;
  const bool is_master = leader != nullptr && leader->id == m.id;
  const bool reachable = self || m.connected;
  std::string flags = self ? "myself," : "";
  flags += is_master ? "master" : "slave";
  // A learner never becomes leader: Redis marks such replicas "nofailover".
  if (!is_master && m.is_learner) flags += ",nofailover";
  // "fail?" is Redis's "unreachable in my opinion", which is exactly what this node can say.
  if (!reachable) flags += ",fail?";

  const HostPort client = client_endpoint(m);
  const int cport = split_host_port(m.internal_addr).value_or(HostPort{}).port;
  std::string line = redis_node_id(view.cluster_id, m.id);
  line += ' ' + client.host + ':' + std::to_string(client.port) + '@' + std::to_string(cport);
  line += ' ' + flags;
  line += ' ' + (is_master || leader == nullptr ? std::string("-")
                                                : redis_node_id(view.cluster_id, leader->id));
  line += " 0 ";  // ping-sent: no ping is outstanding, Raft heartbeats are not Redis pings
  line += std::to_string(reachable && !self ? now_ms : 0);
  line += ' ' + std::to_string(view.config_epoch);
  line += reachable ? " connected" : " disconnected";
  if (is_master) line += " 0-" + std::to_string(kLastSlot);
  return line;
}

// The members in reply order: the leader first (clients that take the first node of a shard as
// its master stay right), then the others as the replicator listed them.
std::vector<const ClusterMember*> leader_first(const ClusterView& view,
                                               const ClusterMember* leader) {
  std::vector<const ClusterMember*> out;
  if (leader != nullptr) out.push_back(leader);
  for (const ClusterMember& m : view.members) {
    if (&m != leader) out.push_back(&m);
  }
  return out;
}

Reply countkeysinslot(const kv::Argv& argv) {
  auto slot = protocol::parse_int64(argv[2]);
  if (!slot) return Reply::Error(std::string(kNotInteger));
  if (*slot < 0 || *slot > kLastSlot) return Reply::Error("ERR Invalid slot");
  // Counting would scan the whole keyspace: Seshat keeps no per-slot index, because with one
  // shard no slot ever migrates.
  return Reply::Error(
      "ERR CLUSTER COUNTKEYSINSLOT is not supported by Seshat (one shard owns "
      "every slot; use DBSIZE or SCAN)");
}

Reply getkeysinslot(const kv::Argv& argv) {
  auto slot = protocol::parse_int64(argv[2]);
  auto count = protocol::parse_int64(argv[3]);
  if (!slot || !count) return Reply::Error(std::string(kNotInteger));
  if (*slot < 0 || *slot > kLastSlot || *count < 0) {
    return Reply::Error("ERR Invalid slot or number of keys");
  }
  return Reply::Error(
      "ERR CLUSTER GETKEYSINSLOT is not supported by Seshat (one shard owns "
      "every slot; use SCAN)");
}

// CLUSTER REPLICAS / SLAVES <node-id>: the NODES lines of the leader's replicas.
Reply replicas(const ClusterView& view, const std::string& id, int64_t now_ms) {
  const ClusterMember* target = nullptr;
  for (const ClusterMember& m : view.members) {
    if (redis_node_id(view.cluster_id, m.id) == id) target = &m;
  }
  if (target == nullptr) return Reply::Error("ERR Unknown node " + id);
  const ClusterMember* leader = serving_leader(view);
  if (target != leader) return Reply::Error("ERR The specified node is not a master");
  std::vector<Reply> lines;
  for (const ClusterMember& m : view.members) {
    if (&m != leader) lines.push_back(Reply::Bulk(node_line(view, m, leader, now_ms)));
  }
  return Reply::Array(std::move(lines));
}

Reply cluster_help() {
  return kv::help_reply(
      "CLUSTER",
      {"COUNTKEYSINSLOT <slot>",
       "    Not supported: one shard owns every slot.",
       "GETKEYSINSLOT <slot> <count>",
       "    Not supported: one shard owns every slot.",
       "INFO",
       "    Return information about the cluster.",
       "KEYSLOT <key>",
       "    Return the hash slot for <key>.",
       "MYID",
       "    Return the node id.",
       "MYSHARDID",
       "    Return the node's shard id.",
       "NODES",
       "    Return cluster configuration seen by node. Output format:",
       "    <id> <ip:port@cport> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
       "REPLICAS <node-id>",
       "    Return <node-id> replicas.",
       "SLOTS",
       "    Return information about slots range mappings. Each range is made of:",
       "    start, end, master and replicas IP addresses, ports and ids",
       "SHARDS",
       "    Return information about slot range mappings and the nodes associated with them.",
       "Seshat is one Raft group shown as one shard: the Raft leader is the master of every",
       "slot. Slots, membership and failover follow Raft, so the subcommands that change them",
       "are refused."});
}

}  // namespace

Reply cluster_slots_reply(const ClusterView& view) {
  const ClusterMember* leader = serving_leader(view);
  if (leader == nullptr) {
    // During an election nobody owns the slots, but clients cannot take "nobody" for an answer:
    // redis-py 4.3 fails with IndexError when no node covers a slot, and gives up at once when
    // CLUSTER SLOTS errors. Naming this node sends the client here, where every keyed command
    // gets CLUSTERDOWN, which clients retry after refreshing (redis-py sleeps 0.25 s first), and
    // the refresh after the election finds the new leader. CLUSTER NODES, SHARDS and INFO keep
    // telling people the truth (no master, cluster_state:fail).
    const ClusterMember* self = view.find(view.self_id);
    if (self == nullptr || !split_host_port(self->client_addr)) return Reply::Array();
    return Reply::Array(
        {Reply::Array({Reply::Integer(0), Reply::Integer(kLastSlot), slots_node(view, *self)})});
  }
  std::vector<Reply> range = {Reply::Integer(0), Reply::Integer(kLastSlot),
                              slots_node(view, *leader)};
  for (const ClusterMember& m : view.members) {
    // Redis leaves failed replicas out of the table, since clients pick READONLY targets here.
    if (&m == leader || !(m.connected || m.id == view.self_id)) continue;
    if (!split_host_port(m.client_addr)) continue;
    range.push_back(slots_node(view, m));
  }
  return Reply::Array({Reply::Array(std::move(range))});
}

Reply cluster_shards_reply(const ClusterView& view) {
  const ClusterMember* leader = serving_leader(view);
  std::vector<Reply> nodes;
  for (const ClusterMember* m : leader_first(view, leader)) {
    const HostPort hp = client_endpoint(*m);
    const bool online = m->connected || m->id == view.self_id;
    nodes.push_back(Reply::Map({
        Reply::Bulk("id"),
        Reply::Bulk(redis_node_id(view.cluster_id, m->id)),
        Reply::Bulk("port"),
        Reply::Integer(hp.port),
        Reply::Bulk("ip"),
        Reply::Bulk(hp.host),
        Reply::Bulk("endpoint"),
        Reply::Bulk(hp.host),
        Reply::Bulk("role"),
        Reply::Bulk(m == leader ? "master" : "replica"),
        Reply::Bulk("replication-offset"),
        Reply::Integer(static_cast<int64_t>(m->match_index)),
        Reply::Bulk("health"),
        Reply::Bulk(online ? "online" : "fail"),
    }));
  }
  std::vector<Reply> slots;
  if (leader != nullptr) slots = {Reply::Integer(0), Reply::Integer(kLastSlot)};
  return Reply::Array({Reply::Map({Reply::Bulk("slots"), Reply::Array(std::move(slots)),
                                   Reply::Bulk("nodes"), Reply::Array(std::move(nodes))})});
}

std::string cluster_nodes_text(const ClusterView& view, int64_t now_ms) {
  const ClusterMember* leader = serving_leader(view);
  std::string out;
  for (const ClusterMember* m : leader_first(view, leader)) {
    out += node_line(view, *m, leader, now_ms);
    out += '\n';
  }
  return out;
}

std::string cluster_info_text(const ClusterView& view) {
  const bool ok = serving_leader(view) != nullptr;
  const std::string slots = std::to_string(kClusterSlots);
  std::string out;
  auto add = [&out](std::string_view name, const std::string& value) {
    out.append(name).append(":").append(value).append("\r\n");
  };
  add("cluster_state", ok ? "ok" : "fail");
  // Every slot always belongs to the group; without a leader none of them is served, which
  // Redis reports as slots of a failed master.
  add("cluster_slots_assigned", slots);
  add("cluster_slots_ok", ok ? slots : "0");
  add("cluster_slots_pfail", "0");
  add("cluster_slots_fail", ok ? "0" : slots);
  add("cluster_known_nodes", std::to_string(view.members.size()));
  add("cluster_size", "1");
  add("cluster_current_epoch", std::to_string(view.term));
  add("cluster_my_epoch", std::to_string(view.config_epoch));
  // The cluster bus does not exist: peers talk Raft over gRPC, counted in INFO raft.
  add("cluster_stats_messages_sent", "0");
  add("cluster_stats_messages_received", "0");
  add("total_cluster_links_buffer_limit_exceeded", "0");
  return out;
}

Reply cluster_subcommand(const ClusterView& view, const kv::Argv& argv, int64_t now_ms) {
  const std::string sub = lower(argv[1]);
  if (sub == "info") return Reply::Verbatim(cluster_info_text(view));
  if (sub == "nodes") return Reply::Verbatim(cluster_nodes_text(view, now_ms));
  if (sub == "slots") return cluster_slots_reply(view);
  if (sub == "shards") return cluster_shards_reply(view);
  if (sub == "myid") return Reply::Bulk(redis_node_id(view.cluster_id, view.self_id));
  if (sub == "myshardid") return Reply::Bulk(redis_shard_id(view.cluster_id));
  if (sub == "keyslot") return Reply::Integer(key_hash_slot(argv[2]));
  if (sub == "countkeysinslot") return countkeysinslot(argv);
  if (sub == "getkeysinslot") return getkeysinslot(argv);
  if (sub == "replicas" || sub == "slaves") return replicas(view, argv[2], now_ms);
  if (sub == "help") return cluster_help();
  // ADDSLOTS, MEET, FAILOVER, RESET, SETSLOT, ...: Raft owns slots and membership, and
  // pretending to obey would mislead an operator.
  return Reply::Error("ERR CLUSTER " + upper(sub) +
                      " is not supported by Seshat: Raft manages slots, membership and failover");
}

}  // namespace seshat::cluster
