// The admin room's entry point: INFO, CLIENT, CONFIG, COMMAND and SESHAT, answered for the
// front end through its server::AdminCommands seam. The node owns one and plugs it into
// ServerContext::admin.
#pragma once

#include <optional>

#include "admin/backup_command.h"
#include "server/admin_commands.h"
#include "storage/engine.h"

namespace seshat::admin {

class Commands final : public server::AdminCommands {
 public:
  // `engine` (the node's database; null in tests that need none) feeds INFO's keyspace and
  // replication offsets: the front end has no storage of its own to lend.
  explicit Commands(storage::Engine* engine = nullptr) : engine_(engine), backups_(engine) {}

  bool handles(const kv::Argv& argv) const override;
  std::optional<protocol::Reply> run(server::Connection& conn, const kv::Argv& argv,
                                     const Later* later) override;
  // Waits for a SESHAT BACKUP under way: call before the database closes.
  void wait_for_backups() { backups_.wait(); }

 private:
  storage::Engine* engine_;
  Backups backups_;
};

}  // namespace seshat::admin
