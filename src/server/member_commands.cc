#include "server/member_commands.h"

#include <cctype>
#include <optional>
#include <string>

#include "server/ascii.h"
#include "server/connection.h"
#include "server/server_context.h"

namespace seshat::server {

namespace {

using protocol::Reply;

constexpr const char* kSyntax = "ERR syntax error: SESHAT MEMBERS or SESHAT MEMBER REMOVE <id>";

bool is_remove(const kv::Argv& argv) {
  return argv.size() == 4 && upper(argv[1]) == "MEMBER" && upper(argv[2]) == "REMOVE";
}

}  // namespace

bool is_member_command(const kv::Argv& argv) {
  if (argv.size() < 2) return false;
  const std::string sub = upper(argv[1]);
  return sub == "MEMBERS" || sub == "MEMBER";
}

Reply member_command(Connection& conn, const kv::Argv& argv) {
  ServerContext& ctx = conn.context();
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
  if (!parse_decimal_id(argv[3])) return Reply::Error("ERR value is not an integer or out of range");
  return Reply::Error("ERR membership changes are not available on this node");
}

bool start_member_command(Connection& conn, const kv::Argv& argv,
                          const std::function<Replicator::Done()>& later) {
  ServerContext& ctx = conn.context();
  if (ctx.cluster == nullptr || !ctx.remove_member || !is_remove(argv)) return false;
  auto id = parse_decimal_id(argv[3]);
  if (!id) return false;
  ctx.remove_member(*id, later());
  return true;
}

}  // namespace seshat::server
