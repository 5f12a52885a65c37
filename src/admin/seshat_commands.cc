#include "admin/seshat_commands.h"

#include <cctype>
#include <optional>
#include <string>

#include "kv/ascii.h"
#include "server/connection.h"
#include "server/server_context.h"

namespace seshat::admin {

using kv::parse_decimal_id;
using kv::upper;
using server::Connection;
using server::ServerContext;

namespace {

using protocol::Reply;

constexpr const char* kSyntax = "ERR syntax error: SESHAT MEMBERS or SESHAT MEMBER REMOVE <id>";

bool is_remove(const kv::Argv& argv) {
  return argv.size() == 4 && upper(argv[1]) == "MEMBER" && upper(argv[2]) == "REMOVE";
}

bool is_member_command(const kv::Argv& argv) {
  if (argv.size() < 2) return false;
  const std::string sub = upper(argv[1]);
  return sub == "MEMBERS" || sub == "MEMBER";
}

// The member commands that answer at once: SESHAT MEMBERS, and every syntax or mode error.
Reply member_command(ServerContext& ctx, const kv::Argv& argv) {
  if (ctx.cluster == nullptr) {
    return Reply::Error("ERR this node is standalone: it has no cluster membership");
  }
  if (argv.size() == 2 && upper(argv[1]) == "MEMBERS") {
    auto view = ctx.cluster->current();
    std::vector<Reply> out;
    for (const auto& m : view->members) {
      out.push_back(Reply::Map({
          Reply::Bulk("id"),
          Reply::Integer(static_cast<int64_t>(m.id)),
          Reply::Bulk("internal_addr"),
          Reply::Bulk(m.internal_addr),
          Reply::Bulk("client_addr"),
          Reply::Bulk(m.client_addr),
          Reply::Bulk("role"),
          Reply::Bulk(m.is_learner ? "learner" : "voter"),
          Reply::Bulk("leader"),
          Reply::Integer(m.id == view->leader_id ? 1 : 0),
      }));
    }
    return Reply::Array(std::move(out));
  }
  if (!is_remove(argv)) return Reply::Error(kSyntax);
  if (!parse_decimal_id(argv[3]))
    return Reply::Error("ERR value is not an integer or out of range");
  return Reply::Error("ERR membership changes are not available on this node");
}

// SESHAT LINK BLOCK|UNBLOCK <peer-id>: cuts (or restores) this node's messages to one peer,
// for partition tests; SESHAT LINK DROP <peer-id> <percent> drops that share of them at random
// (0 restores). Only with enable_fault_injection, and only in a cluster.
Reply link_command(ServerContext& ctx, const kv::Argv& argv) {
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

}  // namespace

std::optional<Reply> seshat_command(Connection& conn, const kv::Argv& argv,
                                    const server::AdminCommands::Later* later) {
  ServerContext& ctx = conn.context();
  if (!is_member_command(argv)) return link_command(ctx, argv);
  // SESHAT MEMBER REMOVE answers once the change is applied on this node.
  if (later != nullptr && ctx.cluster != nullptr && ctx.remove_member && is_remove(argv)) {
    if (auto id = parse_decimal_id(argv[3])) {
      ctx.remove_member(*id, (*later)());
      return std::nullopt;
    }
  }
  return member_command(ctx, argv);
}

}  // namespace seshat::admin
