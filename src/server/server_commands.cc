// The connection and server commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, CLIENT,
// TIME, INFO, CONFIG, COMMAND and the cluster commands a standalone node refuses. Their replies
// and error texts match Redis 7.0.15 byte for byte (checked against a live redis-server), since
// client libraries branch on them during their handshake.
#include "server/server_commands.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/command_docs.h"
#include "kv/errors.h"
#include "kv/help_reply.h"
#include "kv/subcommands.h"
#include "protocol/number_format.h"
#include "server/ascii.h"
#include "server/cluster_commands.h"
#include "server/connection.h"
#include "server/member_commands.h"
#include "server/server_commands_internal.h"
#include "server/server_context.h"

namespace seshat::server {

namespace {

using protocol::Reply;

constexpr std::string_view kRedisVersion = "7.0.15";
constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
constexpr std::string_view kSyntaxError = "ERR syntax error";
constexpr std::string_view kClusterDisabled = "ERR This instance has cluster support disabled";

// Redis compares passwords in time independent of where they differ, so that a network
// observer cannot find the password byte by byte; so do we.
bool equal_constant_time(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

// Only the "default" user exists. Without requirepass it has no password, so (as in Redis) any
// password authenticates it.
bool credentials_ok(const ServerContext& ctx, std::string_view user, std::string_view password) {
  if (user != "default") return false;
  return ctx.config.requirepass.empty() || equal_constant_time(password, ctx.config.requirepass);
}

// Client names and library attributes appear space-separated in CLIENT LIST, so Redis accepts
// only printable ASCII without spaces.
bool valid_client_attr(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '!' && c <= '~'; });
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
    const std::string opt = lower(argv[i]);
    if (opt == "auth" && more >= 2) {
      user = &argv[i + 1];
      password = &argv[i + 2];
      i += 2;
    } else if (opt == "setname" && more >= 1) {
      name = &argv[++i];
    } else {
      return Reply::Error("ERR Syntax error in HELLO option '" + shown(argv[i], SIZE_MAX) + "'");
    }
  }
  ServerContext& ctx = conn.context();
  if (user != nullptr) {
    if (!credentials_ok(ctx, *user, *password)) return Reply::Error(std::string(kWrongPass));
    conn.state().authenticated = true;
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
  ClusterViewHolder* cluster = conn.context().cluster;
  const bool replica = cluster != nullptr && !cluster->current()->self_is_leader();
  field("mode", Reply::Bulk(cluster != nullptr ? "cluster" : "standalone"));
  field("role", Reply::Bulk(replica ? "replica" : "master"));
  field("modules", Reply::Array());
  return Reply::Map(std::move(fields));
}

Reply auth(Connection& conn, const kv::Argv& argv) {
  if (argv.size() > 3) return Reply::Error(std::string(kSyntaxError));
  ServerContext& ctx = conn.context();
  if (argv.size() == 2 && ctx.config.requirepass.empty()) {
    return Reply::Error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
  }
  const std::string_view user = argv.size() == 2 ? std::string_view("default") : argv[1];
  if (!credentials_ok(ctx, user, argv.back())) return Reply::Error(std::string(kWrongPass));
  conn.state().authenticated = true;
  return Reply::Ok();
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
  const bool open = conn.context().config.requirepass.empty();
  {
    Connection::State& s = conn.state();
    s.in_multi = false;
    s.multi_dirty = false;
    s.queued.clear();
    s.watched.clear();
    s.name.clear();
    s.resp = protocol::ProtocolVersion::kResp2;
    s.authenticated = open;
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

// The answer to a two-state switch (NO-EVICT, NO-TOUCH) that Seshat has no use for: there is
// no eviction and no LRU, so either setting is honoured trivially.
Reply on_off(const std::string& value) {
  const std::string v = lower(value);
  return v == "on" || v == "off" ? Reply::Ok() : Reply::Error(std::string(kSyntaxError));
}

Reply client(Connection& conn, const kv::Argv& argv) {
  const std::string sub = lower(argv[1]);
  if (sub == "id") return Reply::Integer(static_cast<int64_t>(conn.state().id));
  if (sub == "info") return Reply::Verbatim(conn.describe() + "\n");
  if (sub == "list" || sub == "kill" || sub == "unblock") {
    // They gather answers from every connection's io thread (client_commands.h), which a
    // transaction's reply, assembled in one go, cannot wait for.
    return Reply::Error("ERR CLIENT " + upper(sub) + " is not supported inside MULTI");
  }
  if (sub == "getname") {
    const std::string& name = conn.state().name;
    return name.empty() ? Reply::Null() : Reply::Bulk(name);
  }
  if (sub == "setname") {
    if (!valid_client_attr(argv[2])) {
      return Reply::Error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    conn.state().name = argv[2];
    return Reply::Ok();
  }
  if (sub == "setinfo") {
    const std::string attr = lower(argv[2]);
    if (attr != "lib-name" && attr != "lib-ver") {
      return Reply::Error("ERR Unrecognized option '" + shown(argv[2], SIZE_MAX) + "'");
    }
    if (!valid_client_attr(argv[3])) {
      return Reply::Error("ERR " + shown(argv[2], SIZE_MAX) +
                          " cannot contain spaces, newlines or special characters.");
    }
    (attr == "lib-name" ? conn.state().lib_name : conn.state().lib_ver) = argv[3];
    return Reply::Ok();
  }
  if (sub == "no-evict" || sub == "no-touch") return on_off(argv[2]);
  if (sub == "reply") {
    const std::string mode = lower(argv[2]);
    if (mode == "on") return Reply::Ok();
    // Suppressing replies would break the connection's reply ordering; refuse rather than
    // pretend.
    if (mode == "off" || mode == "skip") {
      return Reply::Error("ERR CLIENT REPLY OFF and SKIP are not supported");
    }
    return Reply::Error(std::string(kSyntaxError));
  }
  if (sub == "help") {
    return kv::help_reply("CLIENT", {"GETNAME",
                                 "    Return the name of the current connection.",
                                 "ID",
                                 "    Return the ID of the current connection.",
                                 "INFO",
                                 "    Return information about the current client connection.",
                                 "KILL <ip:port>",
                                 "    Close the connection made from <ip:port>.",
                                 "KILL <option> <value> [<option> <value> [...]]",
                                 "    Close the connections that match every option given:",
                                 "    * ID <client-id>, ADDR <ip:port>, LADDR <ip:port>",
                                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB), USER <username>",
                                 "    * SKIPME (YES|NO): spare the calling connection (default yes).",
                                 "LIST [options ...]",
                                 "    Return information about client connections. Options:",
                                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                                 "      Return clients of specified type.",
                                 "    * ID <id> [<id> ...]",
                                 "      Return the clients with the given IDs.",
                                 "REPLY ON",
                                 "    Reply to every command (the only mode supported).",
                                 "SETNAME <name>",
                                 "    Assign the name <name> to the current connection.",
                                 "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                                 "    Unblock the specified blocked client.",
                                 "SETINFO <LIB-NAME|LIB-VER> <value>",
                                 "    Record the client library's name or version for CLIENT LIST.",
                                 "NO-EVICT (ON|OFF)",
                                 "    Accepted for compatibility: clients are never evicted.",
                                 "NO-TOUCH (ON|OFF)",
                                 "    Accepted for compatibility: keys have no access times."});
  }
  return Reply::Error(kv::err::unknown_subcommand(argv[1], argv[0]));
}

}  // namespace

// SESHAT LINK BLOCK|UNBLOCK <peer-id>: cuts (or restores) this node's messages to one peer,
// for partition tests; SESHAT LINK DROP <peer-id> <percent> drops that share of them at random
// (0 restores). Only with enable_fault_injection, and only in a cluster.
// SESHAT PROXY-LINK: sent by another node's follower proxy (server/leader_proxy.h) on its link
// to this node: commands on this connection are never forwarded again, so two nodes whose views
// disagree about the leader answer MOVED to each other instead of bouncing a command around.
Reply seshat_command(Connection& conn, const kv::Argv& argv) {
  ServerContext& ctx = conn.context();
  if (argv.size() == 2 && upper(argv[1]) == "PROXY-LINK") {
    conn.state().proxy_link = true;
    return Reply::Ok();
  }
  if (is_member_command(argv)) return member_command(conn, argv);  // member_commands.h
  const std::string sub = argv.size() >= 3 ? upper(argv[2]) : "";
  const bool block = argv.size() == 4 && (sub == "BLOCK" || sub == "UNBLOCK");
  const bool drop = argv.size() == 5 && sub == "DROP";
  if (argv.size() < 2 || upper(argv[1]) != "LINK" || (!block && !drop)) {
    return Reply::Error(
        "ERR syntax error: SESHAT LINK BLOCK|UNBLOCK <peer-id> or SESHAT LINK DROP <peer-id> "
        "<percent>");
  }
  if (!ctx.config.enable_fault_injection || !ctx.link_fault) {
    return Reply::Error(
        "ERR fault injection is disabled (start the node with --enable-fault-injection)");
  }
  auto peer = parse_decimal_id(argv[3]);
  if (!peer) return Reply::Error("ERR value is not an integer or out of range");
  ServerContext::LinkFault fault;
  if (block) {
    fault.blocked = sub == "BLOCK";
  } else {
    auto percent = parse_decimal_id(argv[4]);
    if (!percent || *percent > 100) {
      return Reply::Error("ERR percent must be an integer from 0 to 100");
    }
    fault.drop_percent = static_cast<unsigned>(*percent);
  }
  if (!ctx.link_fault(*peer, fault)) return Reply::Error("ERR unknown peer");
  return Reply::Ok();
}

Reply run_server_command(Connection& conn, const kv::CommandSpec& spec, const kv::Argv& argv) {
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
  if (name == "client") return client(conn, argv);
  if (name == "command") return admin::command_command(argv);
  if (name == "config") return config_command(conn.context(), argv);
  if (name == "time") return time_now();
  if (name == "info") {
    std::vector<std::string> sections(argv.begin() + 1, argv.end());
    return Reply::Verbatim(info_sections_text(conn.context(), sections));
  }
  // A standalone Redis answers every cluster command this way; so does a standalone Seshat
  // node (no cluster view).
  if (name == "cluster" || name == "readonly" || name == "readwrite" || name == "asking") {
    if (conn.context().cluster != nullptr) return cluster_mode_command(conn, spec, argv);
    return Reply::Error(std::string(kClusterDisabled));
  }
  if (name == "seshat") return seshat_command(conn, argv);
  // A server command in the table that this file does not know: say so as Redis would rather
  // than crash or reply something invented.
  return Reply::Error(kv::err::unknown_command(argv));
}

}  // namespace seshat::server
