#include "admin/backup_command.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "server/server_context.h"
#include "storage/backup.h"

namespace seshat::admin {

using protocol::Reply;

namespace {

// A file name only: the node writes nowhere but its backup directory.
bool valid_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string("/\0", 2)) == std::string::npos;
}

}  // namespace

void Backups::wait() {
  std::thread worker;
  {
    std::lock_guard lock(mu_);
    worker = std::move(worker_);
  }
  if (worker.joinable()) worker.join();
}

std::optional<Reply> Backups::run(server::ServerContext& ctx, const kv::Argv& argv,
                                  const server::AdminCommands::Later* later) {
  if (argv.size() != 3) return Reply::Error("ERR syntax error: SESHAT BACKUP <name>");
  if (engine_ == nullptr) return Reply::Error("ERR this node has no database to back up");
  if (!valid_name(argv[2])) {
    return Reply::Error("ERR a backup name is a file name, without '/', written in backup_dir");
  }
  if (later == nullptr) return Reply::Error("ERR SESHAT BACKUP cannot run inside MULTI");
  const std::filesystem::path dir = ctx.config.backup_dir.empty()
                                        ? std::filesystem::path(ctx.config.data_dir) / "backups"
                                        : std::filesystem::path(ctx.config.backup_dir);
  const std::string path = (dir / argv[2]).string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Reply::Error("ERR cannot create " + dir.string() + ": " + ec.message());
  if (std::filesystem::exists(path, ec)) return Reply::Error("ERR " + path + " already exists");
  std::lock_guard lock(mu_);
  if (running_) return Reply::Error("ERR a backup is already in progress");
  if (worker_.joinable()) worker_.join();  // the previous one, finished
  running_ = true;
  worker_ = std::thread([this, path, done = (*later)()] {
    const auto started = std::chrono::steady_clock::now();
    spdlog::info("backup: writing {}", path);
    auto result = storage::write_backup(*engine_, path, [&path](uint64_t bytes) {
      spdlog::info("backup: {} MiB of {} written", bytes >> 20, path);
    });
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    if (!result.ok()) {
      spdlog::error("backup: {} failed: {}", path, std::string(result.status().message()));
      done(Reply::Error("ERR backup failed: " + std::string(result.status().message())));
    } else {
      spdlog::info("backup: {} written in {} ms: applied index {}, {} keys, {} bytes", path, ms,
                   result->applied_index, result->key_count, result->bytes);
      done(Reply::Map({Reply::Bulk("path"), Reply::Bulk(path), Reply::Bulk("applied_index"),
                       Reply::Integer(static_cast<int64_t>(result->applied_index)),
                       Reply::Bulk("keys"), Reply::Integer(static_cast<int64_t>(result->key_count)),
                       Reply::Bulk("bytes"), Reply::Integer(static_cast<int64_t>(result->bytes))}));
    }
    std::lock_guard done_lock(mu_);
    running_ = false;
  });
  return std::nullopt;
}

}  // namespace seshat::admin
