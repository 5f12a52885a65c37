#include "admin/admin_commands.h"

#include <string>
#include <vector>

#include "admin/acl_command.h"
#include "admin/client_commands.h"
#include "admin/command_docs.h"
#include "admin/config_command.h"
#include "admin/info.h"
#include "admin/seshat_commands.h"
#include "kv/ascii.h"
#include "kv/errors.h"
#include "server/connection.h"

namespace seshat::admin {

using protocol::Reply;

bool Commands::handles(const kv::Argv& argv) const {
  if (argv.empty()) return false;
  const std::string name = kv::lower(argv[0]);
  return name == "info" || name == "client" || name == "config" || name == "command" ||
         name == "seshat" || name == "acl";
}

std::optional<Reply> Commands::run(server::Connection& conn, const kv::Argv& argv,
                                   const Later* later) {
  const std::string name = kv::lower(argv[0]);
  if (name == "info") {
    return Reply::Verbatim(
        info_sections_text(conn.context(), engine_, {argv.begin() + 1, argv.end()}));
  }
  if (name == "client") return client_command(conn, argv, later);
  if (name == "config") return config_command(conn.context(), argv);
  if (name == "command") return command_command(argv);
  if (name == "seshat" && argv.size() >= 2 && kv::upper(argv[1]) == "BACKUP") {
    return backups_.run(conn.context(), argv, later);
  }
  if (name == "seshat") return seshat_command(conn, argv, later);
  if (name == "acl") return acl_command(conn, argv, later);
  return Reply::Error(kv::err::unknown_command(argv));
}

}  // namespace seshat::admin
