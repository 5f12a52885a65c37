// SESHAT BACKUP <name>: writes the node's state machine, as of now, to <backup_dir>/<name> in
// the background (storage/backup.h) and answers once the file is whole: its path, applied index,
// key count and size. One backup at a time per node.
#pragma once

#include <mutex>
#include <optional>
#include <thread>

#include "kv/command.h"
#include "protocol/reply.h"
#include "server/admin_commands.h"
#include "storage/engine.h"

namespace seshat::server {
struct ServerContext;
}

namespace seshat::admin {

class Backups {
 public:
  explicit Backups(storage::Engine* engine) : engine_(engine) {}
  ~Backups() { wait(); }
  Backups(const Backups&) = delete;
  Backups& operator=(const Backups&) = delete;

  std::optional<protocol::Reply> run(server::ServerContext& ctx, const kv::Argv& argv,
                                     const server::AdminCommands::Later* later);
  // Waits for a backup under way (the node calls it before it closes the database).
  void wait();

 private:
  storage::Engine* engine_;
  std::mutex mu_;
  std::thread worker_;  // guarded by mu_
  bool running_ = false;
};

}  // namespace seshat::admin
