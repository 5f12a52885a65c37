// The connection and server commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, TIME and
// the cluster commands a standalone node refuses; INFO, CLIENT, CONFIG, COMMAND and SESHAT go
// to the admin room through ServerContext::admin. Their replies
// and error texts match Redis 7.0.15 byte for byte (checked against a live redis-server), since
// client libraries branch on them during their handshake.
#include "server/server_commands.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/ascii.h"
#include "kv/errors.h"
#include "kv/subcommands.h"
#include "protocol/number_format.h"
#include "server/connection.h"
#include "server/server_context.h"

namespace seshat::server {

namespace {

using protocol::Reply;

constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
constexpr std::string_view kSyntaxError = "ERR syntax error";
constexpr std::string_view kClusterDisabled = "ERR This instance has cluster support disabled";

// An ACL user that is on, with a password that matches (any password for a nopass user).
bool credentials_ok(ServerContext& ctx, std::string_view user, std::string_view password) {
  const auto users = ctx.acl_users();
  const acl::User* found = users->find(user);
  return found != nullptr && found->enabled() && found->password_matches(password);
}

Reply ping(const kv::Argv& argv) {
  if (argv.size() > 2) return Reply::Error(kv::err::wrong_arity("ping"));
  return argv.size() == 1 ? Reply::Simple("PONG") : Reply::Bulk(argv[1]);
}

Reply hello(Connection& conn, const kv::Argv& argv) {
  int64_t version = 0;
  size_t next = 1;
  if (argv.size() >= 2) {
    auto parsed = protocol::parse_int64(argv[next++]);
    if (!parsed) return Reply::Error("ERR Protocol version is not an integer or out of range");
    version = *parsed;
    if (version < 2 || version > 3) return Reply::Error("NOPROTO unsupported protocol version");
  }
  const std::string* user = nullptr;
  const std::string* password = nullptr;
  const std::string* name = nullptr;
  for (size_t i = next; i < argv.size(); ++i) {
    const size_t more = argv.size() - 1 - i;
    const std::string opt = kv::lower(argv[i]);
    if (opt == "auth" && more >= 2) {
      user = &argv[i + 1];
      password = &argv[i + 2];
      i += 2;
    } else if (opt == "setname" && more >= 1) {
      name = &argv[++i];
    } else {
      return Reply::Error("ERR Syntax error in HELLO option '" + kv::shown(argv[i], SIZE_MAX) +
                          "'");
    }
  }
  ServerContext& ctx = conn.context();
  if (user != nullptr) {
    if (!credentials_ok(ctx, *user, *password)) return Reply::Error(std::string(kWrongPass));
    conn.state().authenticated = true;
    conn.state().user = *user;
  }
  if (!conn.state().authenticated) {
    return Reply::Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
  }
  if (name != nullptr) {
    if (!valid_client_attr(*name)) {
      return Reply::Error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    conn.state().name = *name;
  }
  if (version != 0) {
    auto resp =
        version == 3 ? protocol::ProtocolVersion::kResp3 : protocol::ProtocolVersion::kResp2;
    conn.state().resp = resp;
  }
  std::vector<Reply> fields;
  auto field = [&fields](std::string_view key, Reply value) {
    fields.push_back(Reply::Bulk(std::string(key)));
    fields.push_back(std::move(value));
  };
  field("server", Reply::Bulk("redis"));
  field("version", Reply::Bulk(std::string(kRedisVersion)));
  field("proto", Reply::Integer(static_cast<int>(conn.state().resp)));
  field("id", Reply::Integer(static_cast<int64_t>(conn.state().id)));
  // In a cluster, clients learn the topology from HELLO as from Redis Cluster: the leader is
  // the master of every slot, the others its replicas.
  replication::ClusterViewHolder* cluster = conn.context().cluster;
  const bool replica = cluster != nullptr && !cluster->current()->self_is_leader();
  field("mode", Reply::Bulk(cluster != nullptr ? "cluster" : "standalone"));
  field("role", Reply::Bulk(replica ? "replica" : "master"));
  field("modules", Reply::Array());
  return Reply::Map(std::move(fields));
}

Reply auth(Connection& conn, const kv::Argv& argv) {
  if (argv.size() > 3) return Reply::Error(std::string(kSyntaxError));
  ServerContext& ctx = conn.context();
  if (argv.size() == 2 && ctx.acl_users()->find("default")->nopass()) {
    return Reply::Error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
  }
  const std::string_view user = argv.size() == 2 ? std::string_view("default") : argv[1];
  if (!credentials_ok(ctx, user, argv.back())) return Reply::Error(std::string(kWrongPass));
  conn.state().authenticated = true;
  conn.state().user = std::string(user);
  return Reply::Ok();
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: the same stop as SIGTERM (the node signals
// itself). Every write is on disk already, so SAVE and NOSAVE change nothing; NOW skips handing
// leadership over; FORCE is accepted (nothing can make the stop fail). A stop cannot be
// called back, so ABORT finds none in progress. Success answers nothing: the connection closes
// with the node, as in Redis.
std::optional<Reply> shutdown(Connection& conn, const kv::Argv& argv) {
  bool save = false, nosave = false, now = false, force = false, abort = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string opt = kv::lower(argv[i]);
    if (opt == "save") {
      save = true;
    } else if (opt == "nosave") {
      nosave = true;
    } else if (opt == "now") {
      now = true;
    } else if (opt == "abort") {
      abort = true;
    } else if (opt == "force") {
      force = true;
    } else {
      return Reply::Error(std::string(kSyntaxError));
    }
  }
  if ((save && nosave) || (abort && (save || nosave || now || force))) {
    return Reply::Error(std::string(kSyntaxError));
  }
  if (abort) return Reply::Error("ERR No shutdown in progress.");
  spdlog::info("SHUTDOWN{} from client {}", now ? " NOW" : "", conn.state().peer);
  if (now) conn.context().shutdown_now.store(true);
  ::kill(::getpid(), SIGTERM);
  return std::nullopt;
}

Reply select(const kv::Argv& argv) {
  auto index = protocol::parse_int64(argv[1]);
  if (!index) return Reply::Error("ERR value is not an integer or out of range");
  if (*index < INT_MIN || *index > INT_MAX) {
    return Reply::Error("ERR value is out of range, value must between -2147483648 and 2147483647");
  }
  // One database: Raft replicates one keyspace, and SELECT 0 is what clients send by default.
  if (*index != 0) return Reply::Error("ERR DB index is out of range");
  return Reply::Ok();
}

Reply reset(Connection& conn) {
  const bool open = default_user_open(conn.context());
  {
    Connection::State& s = conn.state();
    s.in_multi = false;
    s.multi_dirty = false;
    s.queued.clear();
    s.watched.clear();
    s.name.clear();
    s.resp = protocol::ProtocolVersion::kResp2;
    s.authenticated = open;
    s.user = "default";
    s.readonly = false;  // Redis's RESET clears READONLY too
  }
  return Reply::Simple("RESET");
}

Reply time_now() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return Reply::Array(
      {Reply::Bulk(std::to_string(us / 1000000)), Reply::Bulk(std::to_string(us % 1000000))});
}

}  // namespace

bool default_user_open(ServerContext& ctx) {
  const acl::User* user = ctx.acl_users()->find("default");
  return user->enabled() && user->nopass();
}

bool valid_client_attr(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '!' && c <= '~'; });
}

std::optional<Reply> run_server_command(Connection& conn, const kv::CommandSpec& spec,
                                        const kv::Argv& argv, const AdminCommands::Later* later) {
  // Redis rejects an unknown subcommand or a wrong subcommand arity before running anything.
  if (std::string err = kv::subcommand_error(argv); !err.empty()) return Reply::Error(err);
  const std::string_view name = spec.name;
  if (name == "ping") return ping(argv);
  if (name == "echo") return Reply::Bulk(argv[1]);
  if (name == "hello") return hello(conn, argv);
  if (name == "auth") return auth(conn, argv);
  if (name == "select") return select(argv);
  if (name == "quit") {
    conn.close_after_reply();
    return Reply::Ok();
  }
  if (name == "reset") return reset(conn);
  if (name == "time") return time_now();
  if (name == "shutdown") return shutdown(conn, argv);
  // A standalone Redis answers every cluster command this way; so does a standalone Seshat
  // node (no cluster view).
  if (name == "cluster" || name == "readonly" || name == "readwrite" || name == "asking") {
    ServerContext& ctx = conn.context();
    if (ctx.cluster == nullptr || ctx.cluster_mode == nullptr) {
      return Reply::Error(std::string(kClusterDisabled));
    }
    // READONLY and READWRITE only record the client's wish; the redirect check before each
    // keyed command reads it. ASKING matters only while a slot migrates, and Seshat's slots
    // never do.
    if (name == "readonly" || name == "readwrite") {
      conn.state().readonly = name == "readonly";
      return Reply::Ok();
    }
    if (name == "asking") return Reply::Ok();
    const auto view = conn.state().tls ? ctx.cluster->current_for_tls() : ctx.cluster->current();
    return ctx.cluster_mode->cluster_command(*view, argv);
  }
  // SESHAT PROXY-LINK: sent by another node's follower proxy (cluster/leader_proxy.h) on its
  // link to this node: commands on this connection are never forwarded again, so two nodes
  // whose views disagree about the leader answer MOVED to each other instead of bouncing a
  // command around.
  if (name == "seshat" && argv.size() == 2 && kv::upper(argv[1]) == "PROXY-LINK") {
    conn.state().proxy_link = true;
    return Reply::Ok();
  }
  AdminCommands* admin = conn.context().admin;
  if (admin != nullptr && admin->handles(argv)) return admin->run(conn, argv, later);
  // A server command in the table that nothing here knows: say so as Redis would rather than
  // crash or reply something invented.
  return Reply::Error(kv::err::unknown_command(argv));
}

}  // namespace seshat::server
