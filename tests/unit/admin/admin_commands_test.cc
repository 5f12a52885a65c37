// The admin commands through the front end's seam: CLIENT, CONFIG and INFO. Every expected
// error text was read from a live redis-server 7.0.15; clients match on them.
#include "admin/admin_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio.hpp>
#include <memory>
#include <string>
#include <vector>

#include "admin/info.h"
#include "server/connection.h"
#include "server/server_commands.h"
#include "server/server_context.h"
#include "unit/storage/temp_dir.h"

namespace seshat::admin {
namespace {

using protocol::Reply;
using server::Connection;
using server::ServerContext;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A connection on an unconnected socket, with the admin room plugged in as the node does it.
// Commands run as inside a transaction (no reply slot offered): they must answer at once.
class AdminCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { ctx_.admin = &commands_; }

  std::shared_ptr<Connection> connect() {
    return std::make_shared<Connection>(asio::ip::tcp::socket(io_), ctx_);
  }

  Reply run(Connection& conn, const kv::Argv& argv) {
    const kv::CommandSpec* spec = kv::find_command(argv[0]);
    if (spec == nullptr) {
      ADD_FAILURE() << "not in the command table: " << argv[0];
      return Reply::Null();
    }
    auto reply = server::run_server_command(conn, *spec, argv, nullptr);
    if (!reply) {
      ADD_FAILURE() << argv[0] << " took a reply slot that was not offered";
      return Reply::Null();
    }
    return std::move(*reply);
  }

  asio::io_context io_;
  Commands commands_;
  ServerContext ctx_;
};

TEST_F(AdminCommandsTest, HandlesItsFiveCommands) {
  for (const char* name : {"INFO", "client", "Config", "COMMAND", "seshat"}) {
    EXPECT_TRUE(commands_.handles({name})) << name;
  }
  for (const char* name : {"PING", "hello", "cluster", "get"}) {
    EXPECT_FALSE(commands_.handles({name})) << name;
  }
}

TEST_F(AdminCommandsTest, ClientNameAndInfo) {
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"CLIENT", "GETNAME"}), Reply::Null());
  EXPECT_EQ(
      run(*conn, {"CLIENT", "SETNAME", "a b"}),
      Reply::Error("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(run(*conn, {"CLIENT", "SETNAME", "worker-1"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"client", "getname"}), Reply::Bulk("worker-1"));
  EXPECT_EQ(run(*conn, {"CLIENT", "ID"}), Reply::Integer(static_cast<int64_t>(conn->state().id)));
  EXPECT_EQ(run(*conn, {"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"CLIENT", "SETINFO", "lib-ver", "5.0"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"CLIENT", "SETINFO", "FOO", "x"}),
            Reply::Error("ERR Unrecognized option 'FOO'"));
  Reply info = run(*conn, {"CLIENT", "INFO"});
  ASSERT_EQ(info.type(), Reply::Type::kVerbatim);
  EXPECT_THAT(info.str(), StartsWith("id=" + std::to_string(conn->state().id) + " "));
  EXPECT_THAT(info.str(), HasSubstr(" name=worker-1 "));
  EXPECT_THAT(info.str(), HasSubstr("lib-name=redis-py lib-ver=5.0"));
  EXPECT_EQ(info.str().back(), '\n');
  EXPECT_EQ(run(*conn, {"CLIENT", "NO-EVICT", "on"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"CLIENT", "NO-EVICT", "maybe"}), Reply::Error("ERR syntax error"));
  EXPECT_EQ(run(*conn, {"CLIENT", "REPLY", "ON"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"CLIENT", "REPLY", "x"}), Reply::Error("ERR syntax error"));
  EXPECT_EQ(run(*conn, {"CLIENT", "FOO"}),
            Reply::Error("ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
  Reply help = run(*conn, {"CLIENT", "HELP"});
  ASSERT_EQ(help.type(), Reply::Type::kArray);
  EXPECT_EQ(help.items().front(),
            Reply::Simple("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  EXPECT_EQ(help.items().back(), Reply::Simple("    Prints this help."));
}

// CLIENT LIST and KILL gather from every connection's io thread (client_commands.h); a
// transaction's reply is assembled at once, so inside EXEC they answer an error instead.
TEST_F(AdminCommandsTest, ClientListAndKillRunOnlyOutsideTransactions) {
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"CLIENT", "LIST"}),
            Reply::Error("ERR CLIENT LIST is not supported inside MULTI"));
  EXPECT_EQ(run(*conn, {"CLIENT", "KILL", "ID", "1"}),
            Reply::Error("ERR CLIENT KILL is not supported inside MULTI"));
}

TEST_F(AdminCommandsTest, ConfigGetAndSet) {
  ctx_.config.client_addr = "127.0.0.1:6390";
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"CONFIG", "GET", "save"}),
            Reply::Map({Reply::Bulk("save"), Reply::Bulk("")}));
  EXPECT_EQ(run(*conn, {"CONFIG", "GET", "PORT"}),
            Reply::Map({Reply::Bulk("PORT"), Reply::Bulk("6390")}));
  EXPECT_EQ(run(*conn, {"CONFIG", "GET", "appendonly", "nope"}),
            Reply::Map({Reply::Bulk("appendonly"), Reply::Bulk("yes")}));
  Reply maxmem = run(*conn, {"CONFIG", "GET", "MAXMEMORY*"});
  ASSERT_GE(maxmem.items().size(), 4u);
  EXPECT_EQ(maxmem.items()[0], Reply::Bulk("maxmemory"));
  EXPECT_EQ(maxmem.items()[1], Reply::Bulk("0"));
  EXPECT_EQ(maxmem.items()[3], Reply::Bulk("noeviction"));

  EXPECT_EQ(run(*conn, {"CONFIG", "SET", "foo", "bar"}),
            Reply::Error("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"));
  EXPECT_EQ(run(*conn, {"CONFIG", "SET", "maxmemory", "10", "x"}),
            Reply::Error("ERR syntax error"));
  EXPECT_EQ(run(*conn, {"CONFIG", "SET", "save", ""}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"CONFIG", "REWRITE"}),
            Reply::Error("ERR The server is running without a config file"));
  ctx_.stats.commands_processed = 5;
  EXPECT_EQ(run(*conn, {"CONFIG", "RESETSTAT"}), Reply::Ok());
  EXPECT_EQ(ctx_.stats.commands_processed.load(), 0u);
  EXPECT_EQ(run(*conn, {"CONFIG", "FOO"}),
            Reply::Error("ERR unknown subcommand 'FOO'. Try CONFIG HELP."));
}

TEST_F(AdminCommandsTest, InfoReplyIsVerbatim) {
  auto conn = connect();
  Reply r = run(*conn, {"INFO", "server"});
  ASSERT_EQ(r.type(), Reply::Type::kVerbatim);
  EXPECT_THAT(r.str(), StartsWith("# Server\r\nredis_version:7.0.15\r\n"));
  EXPECT_EQ(run(*conn, {"INFO", "nope"}), Reply::Verbatim(""));
}

class InfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto engine = storage::Engine::open({.dir = dir_.path(), .node_id = 1, .cluster_id = ""});
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ctx_.run_id = std::string(40, 'a');
    ctx_.config.client_addr = "127.0.0.1:6390";
  }

  seshat::testing::TempDir dir_;
  std::unique_ptr<storage::Engine> engine_;
  ServerContext ctx_;
};

TEST_F(InfoTest, ServerSection) {
  std::string text = info_text(ctx_, engine_.get(), "server");
  EXPECT_THAT(text, StartsWith("# Server\r\nredis_version:7.0.15\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nredis_mode:standalone\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nrun_id:" + std::string(40, 'a') + "\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\ntcp_port:6390\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nseshat_version:0.1.0\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nuptime_in_days:0\r\n"));
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  EXPECT_EQ(text.find("\r\n\r\n"), std::string::npos);  // one section, no blank line
  // Section names in any case.
  EXPECT_EQ(info_text(ctx_, engine_.get(), "SERVER").substr(0, 30), text.substr(0, 30));
}

TEST_F(InfoTest, DefaultSectionsInRedisOrder) {
  std::string text = info_text(ctx_, engine_.get(), "");
  size_t last = 0;
  for (const char* title :
       {"# Server\r\n", "\r\n\r\n# Clients\r\n", "\r\n\r\n# Memory\r\n",
        "\r\n\r\n# Persistence\r\n", "\r\n\r\n# Stats\r\n", "\r\n\r\n# Replication\r\n",
        "\r\n\r\n# CPU\r\n", "\r\n\r\n# Cluster\r\n", "\r\n\r\n# Keyspace\r\n"}) {
    size_t at = text.find(title);
    ASSERT_NE(at, std::string::npos) << title;
    EXPECT_GE(at, last) << title;
    last = at;
  }
  EXPECT_THAT(text, HasSubstr("\r\nmaxmemory_policy:noeviction\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\naof_enabled:1\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nrole:master\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nmem_allocator:libc\r\n"));
  EXPECT_THAT(info_text(ctx_, engine_.get(), "default"), StartsWith("# Server\r\n"));
  EXPECT_THAT(info_text(ctx_, engine_.get(), "all"), HasSubstr("# Commandstats\r\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("# Commandstats")));
}

TEST_F(InfoTest, KeyspaceListsDb0OnlyWithKeys) {
  EXPECT_EQ(info_text(ctx_, engine_.get(), "keyspace"), "# Keyspace\r\n");
  engine_->publish_applied(10, 42);
  EXPECT_EQ(info_text(ctx_, engine_.get(), "keyspace"),
            "# Keyspace\r\ndb0:keys=42,expires=0,avg_ttl=0\r\n");
}

TEST_F(InfoTest, StatsAndClients) {
  ctx_.stats.commands_processed = 17;
  ctx_.stats.keyspace.hits = 3;
  ctx_.config.max_concurrent_client_connections = 77;
  std::string text = info_text(ctx_, engine_.get(), "stats");
  EXPECT_THAT(text, StartsWith("# Stats\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\ntotal_commands_processed:17\r\n"));
  EXPECT_THAT(text, HasSubstr("\r\nkeyspace_hits:3\r\n"));
  EXPECT_THAT(info_text(ctx_, engine_.get(), "clients"), HasSubstr("\r\nmaxclients:77\r\n"));
}

TEST_F(InfoTest, UnknownSectionIsEmptyAndExtraSectionsAppend) {
  EXPECT_EQ(info_text(ctx_, engine_.get(), "nope"), "");
  std::vector<std::string> asked;
  ctx_.extra_info = [&asked](const std::string& section) {
    asked.push_back(section);
    return section == "raft" || section == "default" ? std::string("# Raft\r\nterm:3\r\n")
                                                     : std::string();
  };
  EXPECT_EQ(info_text(ctx_, engine_.get(), "raft"), "# Raft\r\nterm:3\r\n");
  EXPECT_EQ(info_text(ctx_, engine_.get(), "nope"), "");
  std::string all = info_text(ctx_, engine_.get(), "");
  EXPECT_THAT(all, HasSubstr("\r\n\r\n# Raft\r\nterm:3\r\n"));
  EXPECT_EQ(asked, (std::vector<std::string>{"raft", "nope", "default"}));
}

TEST_F(InfoTest, ModeFollowsTheClusterView) {
  EXPECT_THAT(info_text(ctx_, engine_.get(), "cluster"), HasSubstr("cluster_enabled:0\r\n"));
  EXPECT_THAT(info_text(ctx_, engine_.get(), "server"), HasSubstr("redis_mode:standalone\r\n"));
  replication::ClusterViewHolder holder;
  ctx_.cluster = &holder;
  EXPECT_THAT(info_text(ctx_, engine_.get(), "cluster"), HasSubstr("cluster_enabled:1\r\n"));
  EXPECT_THAT(info_text(ctx_, engine_.get(), "server"), HasSubstr("redis_mode:cluster\r\n"));
}

}  // namespace
}  // namespace seshat::admin
