// Tests for the commands the front end answers itself, and its seam to the admin room. Every
// expected error text below was read from a live redis-server 7.0.15; clients match on them, so
// they are pinned byte for byte.
#include "server/server_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio.hpp>
#include <memory>
#include <string>
#include <vector>

#include "kv/subcommands.h"
#include "server/connection.h"
#include "server/server_context.h"

namespace seshat::server {
namespace {

using protocol::Reply;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---- commands through a connection ----

// A connection on an unconnected socket: enough for commands that touch only its state.
class ServerCommandsTest : public ::testing::Test {
 protected:
  std::shared_ptr<Connection> connect() {
    return std::make_shared<Connection>(asio::ip::tcp::socket(io_), ctx_);
  }

  Reply run(Connection& conn, const kv::Argv& argv) {
    const kv::CommandSpec* spec = kv::find_command(argv[0]);
    if (spec == nullptr) {
      ADD_FAILURE() << "not in the command table: " << argv[0];
      return Reply::Null();
    }
    return run_server_command(conn, *spec, argv, nullptr).value_or(Reply::Null());
  }

  asio::io_context io_;
  ServerContext ctx_;
};

TEST_F(ServerCommandsTest, PingAndEcho) {
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"PING"}), Reply::Simple("PONG"));
  EXPECT_EQ(run(*conn, {"ping", "x"}), Reply::Bulk("x"));
  EXPECT_EQ(run(*conn, {"ping", "a", "b"}),
            Reply::Error("ERR wrong number of arguments for 'ping' command"));
  EXPECT_EQ(run(*conn, {"echo", "hi"}), Reply::Bulk("hi"));
}

TEST_F(ServerCommandsTest, HelloSwitchesProtocolAndDescribesServer) {
  auto conn = connect();
  Reply r = run(*conn, {"HELLO", "3"});
  ASSERT_EQ(r.type(), Reply::Type::kMap);
  ASSERT_EQ(r.items().size(), 14u);
  EXPECT_EQ(r.items()[0], Reply::Bulk("server"));
  EXPECT_EQ(r.items()[1], Reply::Bulk("redis"));
  EXPECT_EQ(r.items()[3], Reply::Bulk("7.0.15"));
  EXPECT_EQ(r.items()[5], Reply::Integer(3));
  EXPECT_EQ(r.items()[7], Reply::Integer(static_cast<int64_t>(conn->state().id)));
  EXPECT_EQ(r.items()[13], Reply::Array());
  EXPECT_EQ(conn->state().resp, protocol::ProtocolVersion::kResp3);
  // Without a version HELLO reports the current one.
  EXPECT_EQ(run(*conn, {"HELLO"}).items()[5], Reply::Integer(3));
  EXPECT_EQ(run(*conn, {"HELLO", "2", "SETNAME", "app"}).items()[5], Reply::Integer(2));
  EXPECT_EQ(conn->state().name, "app");
}

TEST_F(ServerCommandsTest, HelloErrors) {
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"HELLO", "4"}), Reply::Error("NOPROTO unsupported protocol version"));
  EXPECT_EQ(run(*conn, {"HELLO", "3.0"}),
            Reply::Error("ERR Protocol version is not an integer or out of range"));
  EXPECT_EQ(run(*conn, {"HELLO", "2", "FOO"}),
            Reply::Error("ERR Syntax error in HELLO option 'FOO'"));
  EXPECT_EQ(run(*conn, {"HELLO", "2", "AUTH", "default"}),
            Reply::Error("ERR Syntax error in HELLO option 'AUTH'"));
  EXPECT_EQ(run(*conn, {"HELLO", "3", "AUTH", "bob", "x"}),
            Reply::Error("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(
      run(*conn, {"HELLO", "3", "SETNAME", "a b"}),
      Reply::Error("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(conn->state().resp, protocol::ProtocolVersion::kResp2);
}

TEST_F(ServerCommandsTest, AuthWithoutPassword) {
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"AUTH", "x"}),
            Reply::Error("ERR AUTH <password> called without any password configured for the "
                         "default user. Are you sure your configuration is correct?"));
  // The default user has no password, so any password authenticates it; no other user exists.
  EXPECT_EQ(run(*conn, {"AUTH", "default", "x"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"AUTH", "bob", "x"}),
            Reply::Error("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(run(*conn, {"AUTH", "a", "b", "c"}), Reply::Error("ERR syntax error"));
}

TEST_F(ServerCommandsTest, AuthWithRequirepass) {
  ctx_.config.requirepass = "sec";
  auto conn = connect();
  EXPECT_FALSE(conn->state().authenticated);
  EXPECT_EQ(run(*conn, {"HELLO", "3"}),
            Reply::Error("NOAUTH HELLO must be called with the client already authenticated, "
                         "otherwise the HELLO AUTH <user> <pass> option can be used to "
                         "authenticate the client and select the RESP protocol version at the "
                         "same time"));
  EXPECT_EQ(run(*conn, {"AUTH", "nope"}),
            Reply::Error("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_FALSE(conn->state().authenticated);
  EXPECT_EQ(run(*conn, {"AUTH", "sec"}), Reply::Ok());
  EXPECT_TRUE(conn->state().authenticated);

  auto other = connect();
  EXPECT_EQ(run(*other, {"HELLO", "3", "AUTH", "default", "sec"}).type(), Reply::Type::kMap);
  EXPECT_TRUE(other->state().authenticated);
  EXPECT_EQ(other->state().resp, protocol::ProtocolVersion::kResp3);
  // RESET logs the client out again when a password is required.
  EXPECT_EQ(run(*other, {"RESET"}), Reply::Simple("RESET"));
  EXPECT_FALSE(other->state().authenticated);
  EXPECT_EQ(other->state().resp, protocol::ProtocolVersion::kResp2);
}

TEST_F(ServerCommandsTest, Select) {
  auto conn = connect();
  EXPECT_EQ(run(*conn, {"SELECT", "0"}), Reply::Ok());
  EXPECT_EQ(run(*conn, {"SELECT", "1"}), Reply::Error("ERR DB index is out of range"));
  EXPECT_EQ(run(*conn, {"SELECT", "-1"}), Reply::Error("ERR DB index is out of range"));
  EXPECT_EQ(run(*conn, {"SELECT", "x"}),
            Reply::Error("ERR value is not an integer or out of range"));
  EXPECT_EQ(
      run(*conn, {"SELECT", "99999999999"}),
      Reply::Error("ERR value is out of range, value must between -2147483648 and 2147483647"));
}

TEST_F(ServerCommandsTest, ResetClearsTransactionAndName) {
  auto conn = connect();
  conn->state().in_multi = true;
  conn->state().queued.push_back({"set", "a", "b"});
  conn->state().watched["k"] = 3;
  conn->state().name = "n";
  EXPECT_EQ(run(*conn, {"RESET"}), Reply::Simple("RESET"));
  EXPECT_FALSE(conn->state().in_multi);
  EXPECT_TRUE(conn->state().queued.empty());
  EXPECT_TRUE(conn->state().watched.empty());
  EXPECT_EQ(conn->state().name, "");
  EXPECT_TRUE(conn->state().authenticated);
}

TEST_F(ServerCommandsTest, TimeAndClusterCommands) {
  auto conn = connect();
  Reply t = run(*conn, {"TIME"});
  ASSERT_EQ(t.items().size(), 2u);
  EXPECT_GT(std::stoll(t.items()[0].str()), 1600000000);
  EXPECT_LT(std::stoll(t.items()[1].str()), 1000000);
  EXPECT_EQ(run(*conn, {"CLUSTER", "INFO"}),
            Reply::Error("ERR This instance has cluster support disabled"));
  EXPECT_EQ(run(*conn, {"READONLY"}),
            Reply::Error("ERR This instance has cluster support disabled"));
}

// ---- the seam to the admin room ----

// Records what the front end hands over: which commands, and whether it offered a reply slot.
class FakeAdmin : public AdminCommands {
 public:
  bool handles(const kv::Argv& argv) const override { return argv[0] == "INFO"; }
  std::optional<Reply> run(Connection&, const kv::Argv& argv, const Later* later) override {
    calls.push_back(argv);
    offered_later.push_back(later != nullptr);
    if (later != nullptr) {
      (*later)()(Reply::Bulk("later"));
      return std::nullopt;
    }
    return Reply::Bulk("now");
  }
  std::vector<kv::Argv> calls;
  std::vector<bool> offered_later;
};

TEST_F(ServerCommandsTest, AdminCommandsGoThroughTheSeam) {
  auto conn = connect();
  const kv::CommandSpec& info = *kv::find_command("info");
  // No admin room plugged in: Redis's unknown-command error, nothing invented.
  EXPECT_EQ(run(*conn, {"INFO"}),
            Reply::Error("ERR unknown command 'INFO', with args beginning with: "));
  FakeAdmin admin;
  ctx_.admin = &admin;
  EXPECT_EQ(run_server_command(*conn, info, {"INFO"}, nullptr), Reply::Bulk("now"));
  std::vector<Reply> filled;
  const AdminCommands::Later later = [&filled]() -> replication::Replicator::Done {
    return [&filled](absl::StatusOr<Reply> r) { filled.push_back(std::move(*r)); };
  };
  EXPECT_EQ(run_server_command(*conn, info, {"INFO", "x"}, &later), std::nullopt);
  EXPECT_EQ(filled, std::vector<Reply>{Reply::Bulk("later")});
  EXPECT_EQ(admin.calls, (std::vector<kv::Argv>{{"INFO"}, {"INFO", "x"}}));
  EXPECT_EQ(admin.offered_later, (std::vector<bool>{false, true}));
  // PROXY-LINK stays with the front end's follower proxy.
  EXPECT_EQ(run(*conn, {"SESHAT", "PROXY-LINK"}), Reply::Ok());
  EXPECT_TRUE(conn->state().proxy_link);
}

}  // namespace
}  // namespace seshat::server
