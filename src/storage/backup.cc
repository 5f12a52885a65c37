#include "storage/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "storage/snapshot_codec.h"

namespace seshat::storage {

namespace {

constexpr size_t kPiece = 4u << 20;

absl::Status errno_status(const std::string& what, const std::string& path) {
  return absl::InternalError(what + " " + path + ": " + std::strerror(errno));
}

absl::Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("cannot write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status sync_dir(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return errno_status("cannot open directory", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return errno_status("cannot sync directory", dir);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BackupResult> write_backup(Engine& engine, const std::string& path,
                                          const std::function<void(uint64_t)>& progress) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return absl::AlreadyExistsError(path + " exists");
  const std::string tmp = path + ".tmp";
  std::filesystem::remove(tmp, ec);  // left by a backup that did not finish
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status("cannot create", tmp);
  SnapshotStreamWriter writer(engine);
  BackupResult result{writer.applied_index(), writer.key_count(), 0};
  absl::Status status = writer.status();
  uint64_t reported = 0;
  std::string piece;
  while (status.ok()) {
    piece.clear();
    auto done = writer.next(kPiece, piece);
    if (!done.ok()) {
      status = done.status();
      break;
    }
    status = write_all(fd, piece, tmp);
    result.bytes += piece.size();
    if (progress && result.bytes - reported >= 64u << 20) {
      reported = result.bytes;
      progress(result.bytes);
    }
    if (*done) break;
  }
  if (status.ok() && ::fsync(fd) != 0) status = errno_status("cannot sync", tmp);
  ::close(fd);
  if (status.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    status = errno_status("cannot rename to", path);
  }
  if (status.ok()) status = sync_dir(path);
  if (!status.ok()) {
    std::filesystem::remove(tmp, ec);
    return status;
  }
  return result;
}

absl::StatusOr<BackupData> read_backup(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  BackupData backup;
  backup.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  auto header = check_snapshot_data(backup.data);
  if (!header.ok()) {
    return absl::DataLossError(path + ": " + std::string(header.status().message()) +
                               " (damaged or cut short?)");
  }
  backup.applied_index = header->applied_index;
  backup.key_count = header->key_count;
  return backup;
}

}  // namespace seshat::storage
