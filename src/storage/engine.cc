#include "storage/engine.h"

#include <rocksdb/convenience.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <vector>

#include "storage/kv_format.h"
#include "storage/members_gc.h"

namespace seshat::storage {

namespace {

// The WAL is written in space fallocated with the file's size set, not with FALLOC_FL_KEEP_SIZE
// as RocksDB does by default. With KEEP_SIZE every append grows the file, and ext4 must then
// write the inode before fdatasync returns: a small append plus fdatasync took 155-206 µs here
// against 105-145 µs inside the file's size, and every acknowledged write waits for one. RocksDB
// trims the unused tail when it closes the file; after a crash the tail is zeros, which its log
// reader skips block by block without reporting corruption (a zero-length record of type zero
// is its mark for preallocated space). Recycling WAL files would avoid the growth too, but
// RocksDB turns recycling off under point-in-time recovery.
class WalInSizedSpace final : public rocksdb::FileSystemWrapper {
 public:
  explicit WalInSizedSpace(const std::shared_ptr<rocksdb::FileSystem>& target)
      : FileSystemWrapper(target) {}
  const char* Name() const override { return "WalInSizedSpace"; }
  rocksdb::FileOptions OptimizeForLogWrite(const rocksdb::FileOptions& file_options,
                                           const rocksdb::DBOptions& db_options) const override {
    rocksdb::FileOptions options = target()->OptimizeForLogWrite(file_options, db_options);
    options.fallocate_with_keep_size = false;
    return options;
  }
};

std::string random_cluster_id() {
  std::random_device rd;
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) out.push_back(kHex[rd() % 16]);
  return out;
}

rocksdb::ColumnFamilyOptions cf_options(Cf cf,
                                        const std::shared_ptr<DeadMembersFilterFactory>& gc) {
  rocksdb::ColumnFamilyOptions o;
  if (cf == Cf::kMembers) o.compaction_filter_factory = gc;
  if (cf == Cf::kKvData || cf == Cf::kMembers) {
    rocksdb::BlockBasedTableOptions t;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    t.whole_key_filtering = true;
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    o.write_buffer_size = 64 << 20;
  } else if (cf != Cf::kRaftLog && cf != Cf::kTombstones && cf != Cf::kExpiry &&
             cf != Cf::kMembers) {
    // A few keys rewritten over and over (hard state, applied index, membership): a small
    // memtable holds them all, and flushes rarely need to write much.
    o.write_buffer_size = 4 << 20;
  }
  return o;
}

}  // namespace

const char* cf_name(Cf cf) {
  switch (cf) {
    case Cf::kKvData: return "kv_data";
    case Cf::kRaftLog: return "raft_log";
    case Cf::kRaftState: return "raft_state";
    case Cf::kSnapshots: return "snapshots";
    case Cf::kMetadata: return "metadata";
    case Cf::kTombstones: return "tombstones";
    case Cf::kExpiry: return "expiry";
    case Cf::kMembers: return "kv_members";
    case Cf::kCount: break;
  }
  return "?";
}

absl::Status to_status(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::open(const OpenOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    return absl::FailedPreconditionError("cannot create data directory " + options.dir + ": " +
                                         ec.message());
  }
  auto env =
      rocksdb::NewCompositeEnv(std::make_shared<WalInSizedSpace>(rocksdb::FileSystem::Default()));
  rocksdb::DBOptions db_options;
  db_options.env = env.get();
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  // Every acknowledged write is synced through the WAL; fsync rather than fdatasync is not needed.
  db_options.use_fsync = false;
  db_options.info_log_level = rocksdb::WARN_LEVEL;
  db_options.keep_log_file_num = 3;
  db_options.max_total_wal_size = options.max_total_wal_bytes;

  auto members_gc = std::make_shared<DeadMembersFilterFactory>();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (size_t i = 0; i < static_cast<size_t>(Cf::kCount); ++i) {
    descriptors.emplace_back(cf_name(static_cast<Cf>(i)),
                             cf_options(static_cast<Cf>(i), members_gc));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.dir, descriptors, &handles, &raw);
  if (!s.ok()) return to_status(s, "open " + options.dir);

  std::unique_ptr<Engine> engine(new Engine());
  engine->env_ = std::move(env);
  engine->db_.reset(raw);
  engine->dir_ = options.dir;
  engine->slow_sync_ = options.slow_sync_warning;
  // handles[0] is the default family, which we do not use but must close.
  for (size_t i = 0; i < static_cast<size_t>(Cf::kCount); ++i) engine->handles_[i] = handles[i + 1];
  engine->db_->DestroyColumnFamilyHandle(handles[0]);
  engine->members_gc_ = std::move(members_gc);
  engine->members_gc_->attach(engine->db(), engine->cf(Cf::kKvData));

  if (auto st = engine->check_identity(options); !st.ok()) return st;
  return engine;
}

absl::Status Engine::check_identity(const OpenOptions& options) {
  auto stored_node = get(Cf::kMetadata, kMetaNodeId);
  if (!stored_node.ok()) return stored_node.status();
  auto stored_cluster = get(Cf::kMetadata, kMetaClusterId);
  if (!stored_cluster.ok()) return stored_cluster.status();

  if (stored_node->has_value()) {
    uint64_t id = std::strtoull((*stored_node)->c_str(), nullptr, 10);
    if (id != options.node_id) {
      return absl::FailedPreconditionError("data directory " + options.dir +
                                           " belongs to node id " + std::to_string(id) +
                                           ", not node id " + std::to_string(options.node_id) +
                                           "; use that node's id or an empty directory");
    }
  }
  if (stored_cluster->has_value() && !options.cluster_id.empty() &&
      **stored_cluster != options.cluster_id) {
    return absl::FailedPreconditionError("data directory " + options.dir + " belongs to cluster " +
                                         **stored_cluster + ", not cluster " + options.cluster_id);
  }
  node_id_ = options.node_id;
  if (stored_cluster->has_value()) {
    cluster_id_ = **stored_cluster;
  } else {
    cluster_id_ = options.cluster_id.empty() ? random_cluster_id() : options.cluster_id;
  }
  if (!stored_node->has_value() || !stored_cluster->has_value()) {
    rocksdb::WriteBatch batch;
    batch.Put(cf(Cf::kMetadata), std::string(kMetaNodeId), std::to_string(node_id_));
    batch.Put(cf(Cf::kMetadata), std::string(kMetaClusterId), cluster_id_);
    if (auto st = write(&batch, /*sync=*/true); !st.ok()) return st;
  }

  auto applied = get(Cf::kMetadata, kMetaAppliedIndex);
  if (!applied.ok()) return applied.status();
  auto count = get(Cf::kMetadata, kMetaKeyCount);
  if (!count.ok()) return count.status();
  uint64_t applied_index = 0, key_count = 0;
  if (applied->has_value() && (*applied)->size() == 8)
    applied_index = get_u64_be((*applied)->data());
  if (count->has_value() && (*count)->size() == 8) key_count = get_u64_be((*count)->data());
  publish_applied(applied_index, key_count);
  return reload_replicated_metadata();
}

absl::Status Engine::adopt_cluster_id(const std::string& cluster_id) {
  if (cluster_id.empty()) return absl::InvalidArgumentError("empty cluster id");
  if (cluster_id == cluster_id_) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  batch.Put(cf(Cf::kMetadata), std::string(kMetaClusterId), cluster_id);
  if (auto st = write(&batch, /*sync=*/true); !st.ok()) return st;
  cluster_id_ = cluster_id;
  return absl::OkStatus();
}

void Engine::publish_applied(uint64_t index, uint64_t key_count) {
  key_count_.store(key_count, std::memory_order_release);
  applied_index_.store(index, std::memory_order_release);
}

std::shared_ptr<const AclTable> Engine::acl_table() const {
  std::lock_guard lock(acl_mu_);
  return acl_;
}

void Engine::publish_acl(AclTable table) {
  auto fresh = std::make_shared<const AclTable>(std::move(table));
  std::lock_guard lock(acl_mu_);
  acl_ = std::move(fresh);
  acl_generation_.fetch_add(1, std::memory_order_acq_rel);
}

absl::Status Engine::reload_acl() {
  auto raw = get(Cf::kMetadata, kMetaAcl);
  if (!raw.ok()) return raw.status();
  AclTable table;
  if (raw->has_value()) {
    auto decoded = decode_acl_table(**raw);
    if (!decoded) return absl::DataLossError("the ACL table in metadata is corrupt");
    table = std::move(*decoded);
  }
  publish_acl(std::move(table));
  return absl::OkStatus();
}

std::vector<uint64_t> Engine::space_alarms() const {
  std::lock_guard lock(alarms_mu_);
  return space_alarms_;
}

void Engine::publish_space_alarms(std::vector<uint64_t> nodes) {
  std::lock_guard lock(alarms_mu_);
  space_alarm_count_.store(nodes.size(), std::memory_order_release);
  space_alarms_ = std::move(nodes);
}

absl::Status Engine::reload_replicated_metadata() {
  if (auto st = reload_acl(); !st.ok()) return st;
  auto raw = get(Cf::kMetadata, kMetaSpaceAlarms);
  if (!raw.ok()) return raw.status();
  std::vector<uint64_t> nodes;
  if (raw->has_value()) {
    auto decoded = decode_space_alarms(**raw);
    if (!decoded) return absl::DataLossError("the space alarms in metadata are corrupt");
    nodes = std::move(*decoded);
  }
  publish_space_alarms(std::move(nodes));
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Engine::free_space() const {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) {
    return absl::InternalError(fmt::format("statvfs {}: {}", dir_, std::strerror(errno)));
  }
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

absl::StatusOr<std::optional<std::string>> Engine::get(Cf which, std::string_view key) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(which), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return to_status(s, std::string("read ") + cf_name(which));
  return std::optional<std::string>(std::move(value));
}

void Engine::warn_slow_sync(int64_t us) {
  // At most one line per interval: a disk that stalls does so for every write in a row.
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_slow_warning_ms_.load(std::memory_order_relaxed);
  if (now - last < kSlowSyncWarningEveryMs) return;
  if (!last_slow_warning_ms_.compare_exchange_strong(last, now)) return;
  spdlog::warn(
      "slow disk: a synced write to {} took {} ms (every acknowledged write waits for "
      "one; seshat_disk_sync_duration_seconds shows the spread)",
      dir_, us / 1000);
}

absl::Status Engine::write(rocksdb::WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  if (!sync) return to_status(db_->Write(wo, batch), "write");
  const auto began = std::chrono::steady_clock::now();
  rocksdb::Status s = db_->Write(wo, batch);
  const auto took = std::chrono::steady_clock::now() - began;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  sync_latency_.observe_us(static_cast<uint64_t>(us));
  if (took >= slow_sync_) warn_slow_sync(us);
  return to_status(s, "write");
}

std::string Engine::info_section() const {
  auto all_cfs = [this](const char* property) {
    uint64_t value = 0;
    return db_->GetAggregatedIntProperty(property, &value) ? value : 0;
  };
  auto whole_db = [this](const char* property) {
    uint64_t value = 0;
    return db_->GetIntProperty(property, &value) ? value : 0;
  };
  std::string s = "# Storage\r\n";
  auto add = [&s](const char* name, uint64_t value) {
    s += std::string(name) + ":" + std::to_string(value) + "\r\n";
  };
  add("rocksdb_sst_bytes", all_cfs(rocksdb::DB::Properties::kTotalSstFilesSize.c_str()));
  add("rocksdb_live_data_bytes", all_cfs(rocksdb::DB::Properties::kEstimateLiveDataSize.c_str()));
  add("rocksdb_memtable_bytes", all_cfs(rocksdb::DB::Properties::kCurSizeAllMemTables.c_str()));
  add("rocksdb_pending_compaction_bytes",
      all_cfs(rocksdb::DB::Properties::kEstimatePendingCompactionBytes.c_str()));
  add("rocksdb_running_compactions",
      whole_db(rocksdb::DB::Properties::kNumRunningCompactions.c_str()));
  add("rocksdb_running_flushes", whole_db(rocksdb::DB::Properties::kNumRunningFlushes.c_str()));
  add("rocksdb_write_stopped", whole_db(rocksdb::DB::Properties::kIsWriteStopped.c_str()));
  add("rocksdb_delayed_write_rate",
      whole_db(rocksdb::DB::Properties::kActualDelayedWriteRate.c_str()));
  // Time writes spent held back by RocksDB since the node started.
  std::map<std::string, std::string> db_stats;
  uint64_t stall_micros = 0;
  if (db_->GetMapProperty(rocksdb::DB::Properties::kDBStats, &db_stats)) {
    auto it = db_stats.find("db.user_write_stall_micros");
    if (it != db_stats.end()) stall_micros = std::strtoull(it->second.c_str(), nullptr, 10);
  }
  add("rocksdb_write_stall_micros", stall_micros);
  return s;
}

absl::Status Engine::close() {
  if (!db_) return absl::OkStatus();
  if (members_gc_) members_gc_->detach();  // no new filter may read a closing database
  rocksdb::FlushOptions fo;
  std::vector<rocksdb::ColumnFamilyHandle*> handles(handles_.begin(), handles_.end());
  rocksdb::Status flush = db_->Flush(fo, handles);
  // A compaction still running may hold a members filter that reads kv_data through its
  // handle: wait for (and cut short) background work before the handles go.
  rocksdb::CancelAllBackgroundWork(db_.get(), /*wait=*/true);
  for (auto*& h : handles_) {
    if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    h = nullptr;
  }
  rocksdb::Status closed = db_->Close();
  db_.reset();
  if (!flush.ok()) return to_status(flush, "flush");
  return to_status(closed, "close");
}

Engine::~Engine() { (void)close(); }

}  // namespace seshat::storage
