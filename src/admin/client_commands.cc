#include "admin/client_commands.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kv/ascii.h"
#include "kv/errors.h"
#include "kv/help_reply.h"
#include "protocol/number_format.h"
#include "server/connection.h"
#include "server/server_commands.h"

namespace seshat::admin {

using kv::lower;
using kv::shown;
using kv::upper;
using replication::Replicator;
using server::Connection;

namespace {

using protocol::Reply;

bool known_client_type(const std::string& type) {
  return type == "normal" || type == "master" || type == "replica" || type == "slave" ||
         type == "pubsub";
}

// CLIENT LIST: which connections to show. Every connection of Seshat is of type normal.
struct ListRequest {
  bool none = false;         // TYPE master/replica/slave/pubsub: there are none
  std::vector<int64_t> ids;  // ID ...: these, in the order asked (empty: all)
};

std::optional<ListRequest> parse_list(const kv::Argv& argv, Reply& error) {
  ListRequest req;
  if (argv.size() == 4 && lower(argv[2]) == "type") {
    const std::string type = lower(argv[3]);
    if (!known_client_type(type)) {
      error = Reply::Error("ERR Unknown client type '" + shown(argv[3]) + "'");
      return std::nullopt;
    }
    req.none = type != "normal";
    return req;
  }
  if (argv.size() > 3 && lower(argv[2]) == "id") {
    for (size_t i = 3; i < argv.size(); ++i) {
      auto id = protocol::parse_int64(argv[i]);
      if (!id) {
        error = Reply::Error("ERR Invalid client ID");
        return std::nullopt;
      }
      req.ids.push_back(*id);
    }
    return req;
  }
  if (argv.size() != 2) {
    error = Reply::Error(std::string(kv::err::kSyntax));
    return std::nullopt;
  }
  return req;
}

void client_list(Connection& conn, const kv::Argv& argv, Replicator::Done done) {
  Reply error;
  auto req = parse_list(argv, error);
  if (!req) return done(std::move(error));
  if (req->none) return done(Reply::Verbatim(""));
  conn.context().clients.for_each_client(
      [](Connection& c) -> std::optional<std::string> {
        if (c.closed()) return std::nullopt;
        return c.describe() + "\n";
      },
      [ids = std::move(req->ids), done = std::move(done)](std::map<uint64_t, std::string> lines) {
        std::string out;
        if (ids.empty()) {
          for (const auto& [id, line] : lines) out += line;
        } else {
          for (int64_t id : ids) {
            if (id <= 0) continue;
            auto it = lines.find(static_cast<uint64_t>(id));
            if (it != lines.end()) out += it->second;
          }
        }
        done(Reply::Verbatim(std::move(out)));
      });
}

// CLIENT KILL: which connections to close.
struct KillFilter {
  std::optional<uint64_t> id;
  std::optional<std::string> addr;
  std::optional<std::string> laddr;
  bool no_type_matches = false;  // TYPE other than normal: Seshat has none of those
  bool skip_me = true;
  bool old_form = false;  // CLIENT KILL ip:port

  bool matches(Connection& c, uint64_t caller) const {
    const Connection::State& s = c.state();
    if (no_type_matches) return false;
    if (skip_me && s.id == caller) return false;
    if (id && s.id != *id) return false;
    if (addr && s.peer != *addr) return false;
    if (laddr && s.local != *laddr) return false;
    return true;
  }
};

std::optional<KillFilter> parse_kill(const kv::Argv& argv, Reply& error) {
  KillFilter f;
  if (argv.size() == 3) {
    f.old_form = true;
    f.addr = argv[2];
    f.skip_me = false;  // the old form may close the caller itself, as in Redis
    return f;
  }
  auto syntax = [&error] {
    error = Reply::Error(std::string(kv::err::kSyntax));
    return std::nullopt;
  };
  for (size_t i = 2; i < argv.size(); i += 2) {
    if (i + 1 >= argv.size()) return syntax();
    const std::string option = lower(argv[i]);
    const std::string& value = argv[i + 1];
    if (option == "id") {
      auto id = protocol::parse_int64(value);
      if (!id || *id < 1) {
        error = Reply::Error("ERR client-id should be greater than 0");
        return std::nullopt;
      }
      f.id = static_cast<uint64_t>(*id);
    } else if (option == "type") {
      const std::string type = lower(value);
      if (!known_client_type(type)) {
        error = Reply::Error("ERR Unknown client type '" + shown(value) + "'");
        return std::nullopt;
      }
      f.no_type_matches = f.no_type_matches || type != "normal";
    } else if (option == "user") {
      if (value != "default") {  // the one user Seshat has
        error = Reply::Error("ERR No such user '" + shown(value) + "'");
        return std::nullopt;
      }
    } else if (option == "addr") {
      f.addr = value;
    } else if (option == "laddr") {
      f.laddr = value;
    } else if (option == "skipme") {
      const std::string yes_no = lower(value);
      if (yes_no != "yes" && yes_no != "no") return syntax();
      f.skip_me = yes_no == "yes";
    } else {
      return syntax();
    }
  }
  return f;
}

void client_kill(Connection& conn, const kv::Argv& argv, Replicator::Done done) {
  Reply error;
  auto filter = parse_kill(argv, error);
  if (!filter) return done(std::move(error));
  const uint64_t caller = conn.state().id;
  const bool old_form = filter->old_form;
  conn.context().clients.for_each_client(
      [filter = *filter, caller](Connection& c) -> std::optional<std::string> {
        if (c.closed() || !filter.matches(c, caller)) return std::nullopt;
        // The caller still gets its reply; any other connection closes at once.
        if (c.state().id == caller) {
          c.close_after_reply();
        } else {
          c.kill();
        }
        return std::string();
      },
      [old_form, done = std::move(done)](std::map<uint64_t, std::string> killed) {
        if (old_form) {
          done(killed.empty() ? Reply::Error("ERR No such client") : Reply::Ok());
        } else {
          done(Reply::Integer(static_cast<int64_t>(killed.size())));
        }
      });
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's wait in BLPOP and friends, with the
// timeout's reply or Redis's UNBLOCKED error; 1 if that client was blocked, else 0. A try of
// the blocked command already in flight still decides: if it takes an element, that is its
// reply (nothing is lost).
void client_unblock(Connection& conn, const kv::Argv& argv, Replicator::Done done) {
  if (argv.size() > 4) {
    return done(Reply::Error("ERR unknown subcommand or wrong number of arguments for '" + argv[1] +
                             "'. Try CLIENT HELP."));
  }
  bool as_error = false;
  if (argv.size() == 4) {
    const std::string reason = lower(argv[3]);
    if (reason != "timeout" && reason != "error") {
      return done(Reply::Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
    }
    as_error = reason == "error";
  }
  auto id = protocol::parse_int64(argv[2]);
  if (!id) return done(Reply::Error(std::string(kv::err::kNotInteger)));
  const int64_t target = *id;
  conn.context().clients.for_each_client(
      [target, as_error](Connection& c) -> std::optional<std::string> {
        if (c.closed() || static_cast<int64_t>(c.state().id) != target) return std::nullopt;
        if (!c.unblock(as_error)) return std::nullopt;
        return std::string();
      },
      [done = std::move(done)](std::map<uint64_t, std::string> unblocked) {
        done(Reply::Integer(unblocked.empty() ? 0 : 1));
      });
}

// The answer to a two-state switch (NO-EVICT, NO-TOUCH) that Seshat has no use for: there is
// no eviction and no LRU, so either setting is honoured trivially.
Reply on_off(const std::string& value) {
  const std::string v = lower(value);
  return v == "on" || v == "off" ? Reply::Ok() : Reply::Error(std::string(kv::err::kSyntax));
}

// The subcommands that concern the caller alone, answered at once.
Reply client_self(Connection& conn, const kv::Argv& argv) {
  const std::string sub = lower(argv[1]);
  if (sub == "id") return Reply::Integer(static_cast<int64_t>(conn.state().id));
  if (sub == "info") return Reply::Verbatim(conn.describe() + "\n");
  if (sub == "getname") {
    const std::string& name = conn.state().name;
    return name.empty() ? Reply::Null() : Reply::Bulk(name);
  }
  if (sub == "setname") {
    if (!server::valid_client_attr(argv[2])) {
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
    if (!server::valid_client_attr(argv[3])) {
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
    return Reply::Error(std::string(kv::err::kSyntax));
  }
  if (sub == "help") {
    return kv::help_reply("CLIENT",
                          {"GETNAME",
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

std::optional<Reply> client_command(Connection& conn, const kv::Argv& argv,
                                    const server::AdminCommands::Later* later) {
  const std::string sub = lower(argv[1]);
  if (sub == "list" || sub == "kill" || sub == "unblock") {
    // They gather answers from every connection's io thread, which a transaction's reply,
    // assembled in one go, cannot wait for.
    if (later == nullptr) {
      return Reply::Error("ERR CLIENT " + upper(sub) + " is not supported inside MULTI");
    }
    if (sub == "list") client_list(conn, argv, (*later)());
    if (sub == "kill") client_kill(conn, argv, (*later)());
    if (sub == "unblock") client_unblock(conn, argv, (*later)());
    return std::nullopt;
  }
  return client_self(conn, argv);
}

}  // namespace seshat::admin
