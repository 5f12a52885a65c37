// The RocksDB database of one node: the column families of DESIGN.md, the node's identity, and
// the committed counters (applied index, key count) that readers consult without touching disk.
#pragma once

#include <rocksdb/db.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "metrics/histogram.h"
#include "storage/acl_table.h"
#include "storage/read_cache.h"

namespace seshat::storage {

class DeadMembersFilterFactory;

enum class Cf : size_t {
  kKvData = 0,  // user keys -> records (kv_format.h)
  kRaftLog,     // log index -> entry
  kRaftState,   // hard state: term, vote, commit
  kSnapshots,   // snapshot metadata
  kMetadata,    // node id, cluster id, membership, applied index, key count
  kTombstones,  // deleted/expired user keys -> when, version
  kExpiry,      // expire time | key -> "" (active expiry index)
  kMembers,     // collection members: key | generation | member -> value (kv_format.h)
  kCount,
};

const char* cf_name(Cf cf);

// Metadata keys.
inline constexpr std::string_view kMetaNodeId = "node_id";
inline constexpr std::string_view kMetaClusterId = "cluster_id";
inline constexpr std::string_view kMetaAppliedIndex = "applied_index";
inline constexpr std::string_view kMetaKeyCount = "key_count";
// The ACL table (keyspace.h's AclTable): its version (8 bytes, little-endian), then its text.
inline constexpr std::string_view kMetaAcl = "acl";
// The members whose disk is below the free-space reserve (the NOSPACE alarm): their node ids,
// 8 bytes little-endian each, ascending. Absent when no alarm is raised.
inline constexpr std::string_view kMetaSpaceAlarms = "space_alarms";

struct OpenOptions {
  std::string dir;
  uint64_t node_id = 0;
  // Empty: accept whatever cluster id the directory holds, or create a new one. Otherwise the
  // directory must hold this id (or be new).
  std::string cluster_id;
  // Write-ahead log files beyond this total make RocksDB flush the column families that keep
  // the oldest one alive. Without a bound, the small families written on every turn (hard
  // state, applied index) would never fill a memtable, never flush, and pin every WAL file.
  uint64_t max_total_wal_bytes = 64ull << 20;
  // A synced write slower than this is logged as a slow disk (at most once every 10 seconds).
  std::chrono::milliseconds slow_sync_warning{1000};
};

class Engine {
 public:
  // Opens or creates the database. A directory that belongs to another node id or cluster is
  // refused with FailedPrecondition naming both ids; nothing in it is touched.
  static absl::StatusOr<std::unique_ptr<Engine>> open(const OpenOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Cf which) { return handles_[static_cast<size_t>(which)]; }

  const std::string& cluster_id() const { return cluster_id_; }
  // A node that joins a running cluster learns the cluster id from it: records it in place of
  // the provisional one open() gave the new directory. Only for a directory that holds no Raft
  // state yet (the caller checks); not thread-safe, call before anything else reads the id.
  absl::Status adopt_cluster_id(const std::string& cluster_id);
  uint64_t node_id() const { return node_id_; }
  const std::string& dir() const { return dir_; }

  // The index of the last applied log entry and the number of stored keys, as of the last
  // committed apply batch.
  uint64_t applied_index() const { return applied_index_.load(std::memory_order_acquire); }
  uint64_t key_count() const { return key_count_.load(std::memory_order_acquire); }
  void publish_applied(uint64_t index, uint64_t key_count);

  // The ACL table as last committed (loaded at open), for the front end's checks; and a counter
  // that moves whenever it changes, so a reader keeping a parsed copy knows when to refresh it.
  std::shared_ptr<const AclTable> acl_table() const;
  uint64_t acl_generation() const { return acl_generation_.load(std::memory_order_acquire); }
  void publish_acl(AclTable table);

  // The members with a raised NOSPACE alarm (kMetaSpaceAlarms) as last committed, and how many
  // there are (one atomic load, for the front end's check of every write).
  std::vector<uint64_t> space_alarms() const;
  size_t space_alarm_count() const { return space_alarm_count_.load(std::memory_order_acquire); }
  void publish_space_alarms(std::vector<uint64_t> nodes);
  // Reads the table and the alarms back from the database (at open, after a snapshot install).
  absl::Status reload_replicated_metadata();
  // Free bytes for an unprivileged writer on the filesystem holding the database (statvfs).
  absl::StatusOr<uint64_t> free_space() const;

  absl::StatusOr<std::optional<std::string>> get(Cf cf, std::string_view key);
  // Recently read kv_data records for the io threads' point reads (read_cache.h).
  ReadCache& read_cache() { return read_cache_; }
  absl::Status write(rocksdb::WriteBatch* batch, bool sync);
  // INFO's "# Storage" section: RocksDB's sizes and whether it holds writes back.
  std::string info_section() const;
  // How long each synced write took (the WAL append and its fsync), for the metrics endpoint.
  const metrics::Histogram& sync_latency() const { return sync_latency_; }

  // Flushes memtables and closes; called by the destructor too. Errors are logged there.
  absl::Status close();

 private:
  // Part of reload_replicated_metadata.
  absl::Status reload_acl();
  Engine() = default;
  absl::Status check_identity(const OpenOptions& options);
  // A synced write slower than slow_sync_ is logged, at most once per kSlowSyncWarningEveryMs.
  static constexpr int64_t kSlowSyncWarningEveryMs = 10'000;
  std::chrono::milliseconds slow_sync_{1000};
  void warn_slow_sync(int64_t us);

  std::string dir_;
  uint64_t node_id_ = 0;
  std::string cluster_id_;
  // Drops the members of dead collections at compaction (members_gc.h); attached once open.
  std::shared_ptr<DeadMembersFilterFactory> members_gc_;
  std::unique_ptr<rocksdb::Env> env_;  // the database's file system (engine.cc); outlives db_
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, static_cast<size_t>(Cf::kCount)> handles_{};
  ReadCache read_cache_;
  metrics::Histogram sync_latency_;
  std::atomic<uint64_t> applied_index_{0};
  std::atomic<uint64_t> key_count_{0};
  std::atomic<int64_t> last_slow_warning_ms_{-kSlowSyncWarningEveryMs};
  mutable std::mutex acl_mu_;
  std::shared_ptr<const AclTable> acl_ = std::make_shared<const AclTable>();
  std::atomic<uint64_t> acl_generation_{0};
  mutable std::mutex alarms_mu_;
  std::vector<uint64_t> space_alarms_;
  std::atomic<size_t> space_alarm_count_{0};
};

absl::Status to_status(const rocksdb::Status& s, std::string_view what);

}  // namespace seshat::storage
