// The admin room's entry point: INFO, CLIENT, CONFIG, COMMAND and SESHAT, answered for the
// front end through its server::AdminCommands seam. The node owns one and plugs it into
// ServerContext::admin.
#pragma once

#include <optional>

#include "server/admin_commands.h"

namespace seshat::admin {

class Commands final : public server::AdminCommands {
 public:
  bool handles(const kv::Argv& argv) const override;
  std::optional<protocol::Reply> run(server::Connection& conn, const kv::Argv& argv,
                                     const Later* later) override;
};

}  // namespace seshat::admin
