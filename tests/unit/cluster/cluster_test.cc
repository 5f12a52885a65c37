// Tests for Redis Cluster compatibility: hash slots, redirects and the CLUSTER replies. Expected
// slots and reply shapes were read from a live Redis 7.0.15 cluster (one master owning 0-16383,
// two replicas), the shape Seshat presents; clients parse them field by field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cluster/commands.h"
#include "cluster/mode.h"
#include "cluster/node_ids.h"
#include "cluster/slots.h"
#include "protocol/resp_writer.h"
#include "replication/cluster_view.h"
#include "server/connection.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace seshat::cluster {
namespace {

using replication::ClusterViewHolder;
using replication::HostPort;
using replication::split_host_port;
using server::Connection;
using server::ServerContext;

using protocol::Reply;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// ---- hash slots ----

TEST(HashSlot, Crc16IsXmodem) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);  // the CRC16/XMODEM check value
  EXPECT_EQ(crc16_xmodem(""), 0);
}

TEST(HashSlot, MatchesRedisClusterKeyslot) {
  // Each value is what CLUSTER KEYSLOT answered on redis-server 7.0.15.
  EXPECT_EQ(key_hash_slot("foo"), 12182);
  EXPECT_EQ(key_hash_slot("123456789"), 12739);
  EXPECT_EQ(key_hash_slot(""), 0);
  EXPECT_EQ(key_hash_slot("{user1000}.following"), 3443);
  EXPECT_EQ(key_hash_slot("{user1000}.followers"), 3443);
  EXPECT_EQ(key_hash_slot("user1000"), 3443);
  EXPECT_EQ(key_hash_slot("a{b}c"), 3300);
  // Only the first '{' and the first '}' after it count.
  EXPECT_EQ(key_hash_slot("foo{bar}{zap}"), 5061);
  EXPECT_EQ(key_hash_slot("bar"), 5061);
  EXPECT_EQ(key_hash_slot("foo{{bar}}zap"), 4015);  // the tag is "{bar"
  // An empty tag or an unclosed one: the whole key is hashed.
  EXPECT_EQ(key_hash_slot("foo{}{bar}"), 8363);
  EXPECT_EQ(key_hash_slot("foo{}{bar}"), crc16_xmodem("foo{}{bar}") % 16384);
  EXPECT_EQ(key_hash_slot("{}foo"), 9500);
  EXPECT_EQ(key_hash_slot("foo{bar"), 15278);
}

TEST(HashSlot, BinaryKeys) {
  const std::string key("a\0{x}\xff", 6);
  EXPECT_EQ(key_hash_slot(key), key_hash_slot("x"));
  EXPECT_LT(key_hash_slot(std::string("\xff\xfe\0", 3)), 16384);
}

const kv::CommandSpec& spec_of(const char* name) {
  const kv::CommandSpec* spec = kv::find_command(name);
  EXPECT_NE(spec, nullptr) << name;
  return *spec;
}

TEST(CommandSlot, FirstKeyOrNothing) {
  EXPECT_EQ(command_slot(spec_of("get"), {"GET", "foo"}), 12182);
  EXPECT_EQ(command_slot(spec_of("set"), {"SET", "{user1000}.x", "v"}), 3443);
  // Multi-key commands across slots are fine (one shard): the first key's slot is reported.
  EXPECT_EQ(command_slot(spec_of("mset"), {"MSET", "foo", "1", "bar", "2"}), 12182);
  EXPECT_EQ(command_slot(spec_of("del"), {"DEL", "bar", "foo"}), 5061);
  EXPECT_EQ(command_slot(spec_of("ping"), {"PING"}), std::nullopt);
  EXPECT_EQ(command_slot(spec_of("keys"), {"KEYS", "*"}), std::nullopt);
  EXPECT_EQ(command_slot(spec_of("dbsize"), {"DBSIZE"}), std::nullopt);
}

TEST(MovedError, RedisFormat) {
  EXPECT_EQ(moved_error(3999, "127.0.0.1:6381"), "MOVED 3999 127.0.0.1:6381");
  EXPECT_EQ(std::string(kClusterDownError), "CLUSTERDOWN The cluster is down");
}

// ---- the view ----

TEST(HostPort, Splits) {
  auto hp = split_host_port("127.0.0.1:6379");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 6379);
  hp = split_host_port("[::1]:7000");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "::1");  // Redis prints IPv6 hosts without brackets
  EXPECT_EQ(hp->port, 7000);
  EXPECT_EQ(split_host_port("node-a.example:1")->host, "node-a.example");
  EXPECT_FALSE(split_host_port("localhost"));
  EXPECT_FALSE(split_host_port("localhost:"));
  EXPECT_FALSE(split_host_port("localhost:65536"));
  EXPECT_FALSE(split_host_port("localhost:12x"));
}

TEST(ClusterViewHolder, TlsClientsSeeEachMembersTlsPort) {
  ClusterViewHolder holder;
  replication::ClusterView view;
  view.self_id = 1;
  view.leader_id = 2;
  view.members = {{.id = 1, .client_addr = "10.0.0.11:6379", .client_tls_port = 6380},
                  {.id = 2, .client_addr = "[::1]:7000", .client_tls_port = 7001},
                  {.id = 3, .client_addr = "db3.example:6379"}};  // no TLS port known
  holder.publish(view);
  auto plain = holder.current();
  auto tls = holder.current_for_tls();
  EXPECT_EQ(plain->members[0].client_addr, "10.0.0.11:6379");
  EXPECT_EQ(tls->members[0].client_addr, "10.0.0.11:6380");
  EXPECT_EQ(tls->members[1].client_addr, "[::1]:7001");
  EXPECT_EQ(tls->members[2].client_addr, "db3.example:6379");
  EXPECT_EQ(tls->leader_id, 2u);
  // Before the first publish both are the same empty view.
  ClusterViewHolder fresh;
  EXPECT_TRUE(fresh.current_for_tls()->members.empty());
}

TEST(NodeIds, FortyHexDeterministicAndDistinct) {
  const std::string a1 = redis_node_id("cluster-a", 1);
  EXPECT_THAT(a1, MatchesRegex("[0-9a-f]{40}"));
  EXPECT_EQ(a1, redis_node_id("cluster-a", 1));
  EXPECT_NE(a1, redis_node_id("cluster-a", 2));
  EXPECT_NE(a1, redis_node_id("cluster-b", 1));
  EXPECT_NE(a1.substr(0, 8), redis_node_id("cluster-a", 2).substr(0, 8));
  // "a" + node 11 must not collide with "a1" + node 1.
  EXPECT_NE(redis_node_id("a", 11), redis_node_id("a1", 1));
  EXPECT_THAT(redis_shard_id("cluster-a"), MatchesRegex("[0-9a-f]{40}"));
  EXPECT_NE(redis_shard_id("cluster-a"), a1);
  EXPECT_NE(redis_shard_id("cluster-a"), redis_shard_id("cluster-b"));
}

TEST(ClusterViewHolder, PublishesSnapshots) {
  ClusterViewHolder holder;
  auto empty = holder.current();
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->leader_id, 0u);
  holder.publish(ClusterView{.self_id = 1, .leader_id = 1, .term = 3});
  auto first = holder.current();
  holder.publish(ClusterView{.self_id = 1, .leader_id = 2, .term = 4});
  EXPECT_EQ(first->leader_id, 1u);  // a reader's snapshot never changes under it
  EXPECT_EQ(holder.current()->leader_id, 2u);
  EXPECT_EQ(holder.current()->term, 4u);
}

// Node 2's view of a healthy three-node group led by node 1.
ClusterView three_nodes(uint64_t self = 2, uint64_t leader = 1) {
  ClusterView v;
  v.self_id = self;
  v.leader_id = leader;
  v.term = 7;
  v.config_epoch = 7;
  v.cluster_id = "test-cluster";
  for (uint64_t id = 1; id <= 3; ++id) {
    v.members.push_back({.id = id,
                         .client_addr = "127.0.0.1:" + std::to_string(6378 + id),
                         .internal_addr = "127.0.0.1:" + std::to_string(7378 + id),
                         .is_leader = id == leader,
                         .is_learner = false,
                         .connected = true,
                         .match_index = 100 - id});
  }
  return v;
}

std::string id(uint64_t node) { return redis_node_id("test-cluster", node); }

// ---- redirects ----

TEST(RedirectFor, LeaderServesEverything) {
  ClusterView v = three_nodes(1, 1);
  EXPECT_EQ(redirect_for(v, spec_of("set"), {"SET", "foo", "1"}, false, true), std::nullopt);
  EXPECT_EQ(redirect_for(v, spec_of("get"), {"GET", "foo"}, false, false), std::nullopt);
}

TEST(RedirectFor, FollowerSendsToLeader) {
  ClusterView v = three_nodes(2, 1);
  EXPECT_EQ(redirect_for(v, spec_of("set"), {"SET", "foo", "1"}, false, true),
            "MOVED 12182 127.0.0.1:6379");
  EXPECT_EQ(redirect_for(v, spec_of("get"), {"GET", "{user1000}.a"}, false, false),
            "MOVED 3443 127.0.0.1:6379");
  // READONLY lets a follower serve reads, never writes.
  EXPECT_EQ(redirect_for(v, spec_of("get"), {"GET", "foo"}, true, false), std::nullopt);
  EXPECT_EQ(redirect_for(v, spec_of("set"), {"SET", "foo", "1"}, true, true),
            "MOVED 12182 127.0.0.1:6379");
  // Keyless commands are never redirected.
  EXPECT_EQ(redirect_for(v, spec_of("ping"), {"PING"}, false, false), std::nullopt);
  EXPECT_EQ(redirect_for(v, spec_of("dbsize"), {"DBSIZE"}, false, false), std::nullopt);
}

TEST(RedirectFor, NoLeaderIsClusterDown) {
  ClusterView v = three_nodes(2, 0);
  EXPECT_EQ(redirect_for(v, spec_of("set"), {"SET", "foo", "1"}, false, true),
            "CLUSTERDOWN The cluster is down");
  // A READONLY read on a follower needs the leader's ReadIndex too.
  EXPECT_EQ(redirect_for(v, spec_of("get"), {"GET", "foo"}, true, false),
            "CLUSTERDOWN The cluster is down");
  EXPECT_EQ(redirect_for(v, spec_of("ping"), {"PING"}, false, false), std::nullopt);
  // A leader id whose address this node does not know yet: nowhere to send the client.
  ClusterView unknown = three_nodes(2, 9);
  EXPECT_EQ(redirect_for(unknown, spec_of("get"), {"GET", "foo"}, false, false),
            "CLUSTERDOWN The cluster is down");
  EXPECT_EQ(redirect_for(unknown, spec_of("get"), {"GET", "foo"}, true, false), std::nullopt);
  EXPECT_EQ(redirect_for(ClusterView{}, spec_of("get"), {"GET", "foo"}, false, false),
            "CLUSTERDOWN The cluster is down");
}

TEST(RedirectFor, Ipv6LeaderLosesBrackets) {
  ClusterView v = three_nodes(2, 1);
  v.members[0].client_addr = "[::1]:6379";
  EXPECT_EQ(redirect_for(v, spec_of("get"), {"GET", "foo"}, false, false), "MOVED 12182 ::1:6379");
}

// ---- CLUSTER replies ----

Reply node_entry(const std::string& host, int port, const std::string& node_id) {
  return Reply::Array(
      {Reply::Bulk(host), Reply::Integer(port), Reply::Bulk(node_id), Reply::Map()});
}

TEST(ClusterSlots, OneRangeLeaderThenReplicas) {
  Reply expected = Reply::Array({Reply::Array({
      Reply::Integer(0),
      Reply::Integer(16383),
      node_entry("127.0.0.1", 6379, id(1)),
      node_entry("127.0.0.1", 6380, id(2)),
      node_entry("127.0.0.1", 6381, id(3)),
  })});
  EXPECT_EQ(cluster_slots_reply(three_nodes()), expected);
  // The leader comes first wherever the replicator lists it.
  EXPECT_EQ(cluster_slots_reply(three_nodes(2, 3)).items()[0].items()[2],
            node_entry("127.0.0.1", 6381, id(3)));
}

TEST(ClusterSlots, ByteForByteAsRedis) {
  // RESP2 bytes of a live Redis 7.0.15 answer with these ids and ports substituted.
  ClusterView v = three_nodes();
  v.members.pop_back();
  const std::string node1 = "*4\r\n$9\r\n127.0.0.1\r\n:6379\r\n$40\r\n" + id(1) + "\r\n";
  const std::string node2 = "*4\r\n$9\r\n127.0.0.1\r\n:6380\r\n$40\r\n" + id(2) + "\r\n";
  EXPECT_EQ(protocol::encode_reply(cluster_slots_reply(v), protocol::ProtocolVersion::kResp2),
            "*1\r\n*4\r\n:0\r\n:16383\r\n" + node1 + "*0\r\n" + node2 + "*0\r\n");
  EXPECT_THAT(protocol::encode_reply(cluster_slots_reply(v), protocol::ProtocolVersion::kResp3),
              HasSubstr(id(1) + "\r\n%0\r\n"));
}

TEST(ClusterSlots, LeavesOutUnreachableReplicas) {
  ClusterView v = three_nodes();
  v.members[2].connected = false;
  EXPECT_EQ(cluster_slots_reply(v).items()[0].items().size(), 4u);
  // This node's own entry is always reachable, whatever the flag says.
  v.members[1].connected = false;
  EXPECT_EQ(cluster_slots_reply(v).items()[0].items().size(), 4u);
}

TEST(ClusterSlots, WithoutLeaderNamesThisNode) {
  Reply expected = Reply::Array({Reply::Array(
      {Reply::Integer(0), Reply::Integer(16383), node_entry("127.0.0.1", 6380, id(2))})});
  EXPECT_EQ(cluster_slots_reply(three_nodes(2, 0)), expected);
  EXPECT_EQ(cluster_slots_reply(ClusterView{}), Reply::Array());
}

TEST(ClusterNodes, RedisLineFormat) {
  ClusterView v = three_nodes();
  v.members[2].connected = false;
  v.members[2].is_learner = true;
  EXPECT_EQ(cluster_nodes_text(v, 1700000000123),
            id(1) + " 127.0.0.1:6379@7379 master - 0 1700000000123 7 connected 0-16383\n" + id(2) +
                " 127.0.0.1:6380@7380 myself,slave " + id(1) + " 0 0 7 connected\n" + id(3) +
                " 127.0.0.1:6381@7381 slave,nofailover,fail? " + id(1) + " 0 0 7 disconnected\n");
  EXPECT_THAT(cluster_nodes_text(three_nodes(1, 1), 5),
              HasSubstr(id(1) + " 127.0.0.1:6379@7379 myself,master - 0 0 7 connected 0-16383\n"));
}

TEST(ClusterNodes, WithoutLeaderNobodyOwnsSlots) {
  EXPECT_EQ(cluster_nodes_text(three_nodes(2, 0), 9),
            id(1) + " 127.0.0.1:6379@7379 slave - 0 9 7 connected\n" + id(2) +
                " 127.0.0.1:6380@7380 myself,slave - 0 0 7 connected\n" + id(3) +
                " 127.0.0.1:6381@7381 slave - 0 9 7 connected\n");
}

Reply shard_node(const std::string& node_id, int port, const char* role, int64_t offset,
                 const char* health) {
  return Reply::Map({Reply::Bulk("id"), Reply::Bulk(node_id), Reply::Bulk("port"),
                     Reply::Integer(port), Reply::Bulk("ip"), Reply::Bulk("127.0.0.1"),
                     Reply::Bulk("endpoint"), Reply::Bulk("127.0.0.1"), Reply::Bulk("role"),
                     Reply::Bulk(role), Reply::Bulk("replication-offset"), Reply::Integer(offset),
                     Reply::Bulk("health"), Reply::Bulk(health)});
}

TEST(ClusterShards, Redis7Format) {
  ClusterView v = three_nodes(2, 3);
  v.members[0].connected = false;
  Reply expected = Reply::Array({Reply::Map({
      Reply::Bulk("slots"),
      Reply::Array({Reply::Integer(0), Reply::Integer(16383)}),
      Reply::Bulk("nodes"),
      Reply::Array({shard_node(id(3), 6381, "master", 97, "online"),
                    shard_node(id(1), 6379, "replica", 99, "fail"),
                    shard_node(id(2), 6380, "replica", 98, "online")}),
  })});
  EXPECT_EQ(cluster_shards_reply(v), expected);
  Reply leaderless = cluster_shards_reply(three_nodes(2, 0));
  EXPECT_EQ(leaderless.items()[0].items()[1], Reply::Array());
  EXPECT_EQ(leaderless.items()[0].items()[3].items()[0].items()[9], Reply::Bulk("replica"));
}

TEST(ClusterInfo, Fields) {
  EXPECT_EQ(cluster_info_text(three_nodes()),
            "cluster_state:ok\r\n"
            "cluster_slots_assigned:16384\r\n"
            "cluster_slots_ok:16384\r\n"
            "cluster_slots_pfail:0\r\n"
            "cluster_slots_fail:0\r\n"
            "cluster_known_nodes:3\r\n"
            "cluster_size:1\r\n"
            "cluster_current_epoch:7\r\n"
            "cluster_my_epoch:7\r\n"
            "cluster_stats_messages_sent:0\r\n"
            "cluster_stats_messages_received:0\r\n"
            "total_cluster_links_buffer_limit_exceeded:0\r\n");
  const std::string down = cluster_info_text(three_nodes(2, 0));
  EXPECT_THAT(down, HasSubstr("cluster_state:fail\r\n"));
  EXPECT_THAT(down, HasSubstr("cluster_slots_ok:0\r\n"));
  EXPECT_THAT(down, HasSubstr("cluster_slots_fail:16384\r\n"));
}

TEST(ClusterSubcommand, SmallOnes) {
  const ClusterView v = three_nodes();
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "MYID"}, 0), Reply::Bulk(id(2)));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "myshardid"}, 0),
            Reply::Bulk(redis_shard_id("test-cluster")));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "keyslot", "foo"}, 0), Reply::Integer(12182));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "countkeysinslot", "x"}, 0),
            Reply::Error("ERR value is not an integer or out of range"));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "countkeysinslot", "16384"}, 0),
            Reply::Error("ERR Invalid slot"));
  EXPECT_THAT(cluster_subcommand(v, {"cluster", "countkeysinslot", "5"}, 0).str(),
              HasSubstr("not supported"));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "getkeysinslot", "5", "-1"}, 0),
            Reply::Error("ERR Invalid slot or number of keys"));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "getkeysinslot", "5", "x"}, 0),
            Reply::Error("ERR value is not an integer or out of range"));
  EXPECT_THAT(cluster_subcommand(v, {"cluster", "failover"}, 0).str(),
              ::testing::StartsWith("ERR CLUSTER FAILOVER is not supported"));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "info"}, 0).type(), Reply::Type::kVerbatim);
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "nodes"}, 0).type(), Reply::Type::kVerbatim);
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "help"}, 0).items()[0],
            Reply::Simple("CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
}

TEST(ClusterSubcommand, Replicas) {
  const ClusterView v = three_nodes();
  Reply r = cluster_subcommand(v, {"cluster", "replicas", id(1)}, 42);
  ASSERT_EQ(r.items().size(), 2u);
  EXPECT_EQ(r.items()[0],
            Reply::Bulk(id(2) + " 127.0.0.1:6380@7380 myself,slave " + id(1) + " 0 0 7 connected"));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "slaves", id(3)}, 0),
            Reply::Error("ERR The specified node is not a master"));
  EXPECT_EQ(cluster_subcommand(v, {"cluster", "replicas", "abc"}, 0),
            Reply::Error("ERR Unknown node abc"));
}

// ---- through a connection ----

class ClusterConnectionTest : public ::testing::Test {
 protected:
  std::shared_ptr<Connection> connect() {
    return std::make_shared<Connection>(asio::ip::tcp::socket(io_), ctx_);
  }
  Reply run(Connection& conn, const kv::Argv& argv) {
    return server::run_server_command(conn, spec_of(argv[0].c_str()), argv, nullptr)
        .value_or(Reply::Null());
  }

  // Cluster mode as the node sets it up: the published view and the cluster room together.
  void cluster_mode() {
    ctx_.cluster = &holder_;
    ctx_.cluster_mode = &mode_;
  }

  asio::io_context io_;
  ServerContext ctx_;
  ClusterViewHolder holder_;
  Mode mode_;
};

TEST_F(ClusterConnectionTest, StandaloneAnswersUnchanged) {
  auto conn = connect();
  const Reply disabled = Reply::Error("ERR This instance has cluster support disabled");
  for (const kv::Argv& argv : std::vector<kv::Argv>{{"CLUSTER", "KEYSLOT", "foo"},
                                                    {"CLUSTER", "SLOTS"},
                                                    {"CLUSTER", "NODES"},
                                                    {"READONLY"},
                                                    {"READWRITE"},
                                                    {"ASKING"}}) {
    EXPECT_EQ(run(*conn, argv), disabled) << argv[0];
  }
  EXPECT_FALSE(conn->state().readonly);
}

TEST_F(ClusterConnectionTest, ClusterModeCommands) {
  holder_.publish(three_nodes());
  cluster_mode();
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"READONLY"}), Reply::Ok());
  EXPECT_TRUE(conn->state().readonly);
  EXPECT_EQ(run(*conn, {"READWRITE"}), Reply::Ok());
  EXPECT_FALSE(conn->state().readonly);
  EXPECT_EQ(run(*conn, {"readonly"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"RESET"}), Reply::Simple("RESET"));
  EXPECT_FALSE(conn->state().readonly);  // Redis's RESET forgets READONLY
  EXPECT_EQ(run(*conn, {"ASKING"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"CLUSTER", "KEYSLOT", "foo"}), Reply::Integer(12182));
  EXPECT_EQ(run(*conn, {"CLUSTER", "MYID"}), Reply::Bulk(id(2)));
  EXPECT_EQ(run(*conn, {"cluster", "slots"}), cluster_slots_reply(three_nodes()));
  EXPECT_THAT(run(*conn, {"CLUSTER", "NODES"}).str(), HasSubstr(" myself,slave "));
  // Subcommand validation still comes first, as in Redis.
  EXPECT_EQ(run(*conn, {"CLUSTER", "SLOTS", "x"}),
            Reply::Error("ERR wrong number of arguments for 'cluster|slots' command"));
  // A new view is seen by the next command.
  holder_.publish(three_nodes(2, 2));
  EXPECT_THAT(run(*conn, {"CLUSTER", "NODES"}).str(), HasSubstr(" myself,master "));
}

}  // namespace
}  // namespace seshat::cluster
