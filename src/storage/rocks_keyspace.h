// Keyspace views over RocksDB: ReadKeyspace serves reads from committed state with the local
// clock; ApplyBatch collects one apply round's writes (so a later command in the same round
// reads what an earlier one wrote) and commits them together with the applied index, which
// makes apply idempotent across crashes. Its kv_data writes live in a hash map keyed by record
// key and reach the WriteBatch only at commit, unless something iterates kv_data within the
// round; the other families' writes go through a WriteBatchWithIndex.
#pragma once

#include <rocksdb/utilities/write_batch_with_index.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "storage/engine.h"
#include "storage/keyspace.h"

namespace seshat::storage {

// Shared logic of both views: expiry visibility, versions, scan order. Subclasses supply raw
// reads and iterators (committed state, or batch over committed state).
class RocksKeyspaceBase : public Keyspace {
 public:
  RocksKeyspaceBase(Engine& engine, int64_t now_ms) : engine_(engine), now_ms_(now_ms) {}

  int64_t now_ms() const override { return now_ms_; }
  std::optional<Record> get(std::string_view key) override;
  uint64_t version(std::string_view key) override;
  uint64_t scan(uint64_t cursor, size_t count,
                const std::function<void(std::string_view, const Record&)>& visit) override;
  std::optional<std::string> random_key() override;
  std::optional<std::string> get_member(std::string_view key, uint64_t generation,
                                        std::string_view member) override;
  void scan_members(std::string_view key, uint64_t generation, std::string_view from,
                    const std::function<bool(std::string_view, std::string_view)>& visit) override;
  void scan_members_reverse(
      std::string_view key, uint64_t generation, std::string_view from,
      const std::function<bool(std::string_view, std::string_view)>& visit) override;
  uint64_t random_bits() override;
  AclTable acl_table() override;
  std::vector<uint64_t> space_alarms() override;

 protected:
  // The stored record whether or not it has expired.
  std::optional<Record> raw_record(std::string_view key);
  virtual std::optional<std::string> raw_get(Cf cf, std::string_view key) = 0;
  virtual std::unique_ptr<rocksdb::Iterator> iterator(Cf cf) = 0;
  bool expired(const Record& r) const { return r.expire_at_ms != 0 && r.expire_at_ms < now_ms_; }

  Engine& engine_;
  int64_t now_ms_;
};

class ReadKeyspace final : public RocksKeyspaceBase {
 public:
  // `cached`: point reads of kv_data go through the engine's ReadCache. Only for reads that
  // are checked against concurrent applies (LocalReadGate) or run on the driver between them.
  ReadKeyspace(Engine& engine, int64_t now_ms, bool cached = false)
      : RocksKeyspaceBase(engine, now_ms), cached_(cached) {}

  void put_record(std::string_view, ValueType, std::string_view, int64_t) override;
  uint64_t new_generation() override;
  void put_member(std::string_view, uint64_t, std::string_view, std::string_view) override;
  void erase_member(std::string_view, uint64_t, std::string_view) override;
  bool erase(std::string_view) override;
  bool purge_if_expired(std::string_view) override;
  bool drop_tombstone(std::string_view, int64_t) override;
  void clear() override;
  uint64_t count() override { return engine_.key_count(); }
  void set_acl_table(std::string_view) override;
  void set_space_alarms(const std::vector<uint64_t>&) override;

 private:
  std::optional<std::string> raw_get(Cf cf, std::string_view key) override;
  std::unique_ptr<rocksdb::Iterator> iterator(Cf cf) override;
  bool cached_;
};

class ApplyBatch final : public RocksKeyspaceBase {
 public:
  explicit ApplyBatch(Engine& engine);

  // Set before applying each log entry: the entry's index (the version of what it writes) and
  // the proposer's clock. The clock never goes backwards within the state machine, so a key
  // once expired stays expired even if a later leader's clock is behind.
  void begin_entry(uint64_t index, int64_t now_ms);

  void put_record(std::string_view key, ValueType type, std::string_view value,
                  int64_t expire_at_ms) override;
  // (index << 24) | n for the n-th collection created by the current entry: several
  // collections created by one entry (a batch, a transaction) still get distinct generations.
  uint64_t new_generation() override;
  // Deterministic: (index, draw) mixed, the same on every replica, so MemberPicker and
  // SPOP choose alike everywhere.
  uint64_t random_bits() override;
  void put_member(std::string_view key, uint64_t generation, std::string_view member,
                  std::string_view value) override;
  void erase_member(std::string_view key, uint64_t generation, std::string_view member) override;
  bool erase(std::string_view key) override;
  bool purge_if_expired(std::string_view key) override;
  bool drop_tombstone(std::string_view key, int64_t older_than_ms) override;
  void clear() override;
  uint64_t count() override { return key_count_; }
  void set_acl_table(std::string_view text) override;
  void set_space_alarms(const std::vector<uint64_t>& nodes) override;

  // Writes everything with the applied index; `sync` for callers whose log is not synced.
  absl::Status commit(bool sync);
  uint64_t index() const { return index_; }
  bool empty() { return pending_.empty() && batch_.GetWriteBatch()->Count() == 0; }
  // For records that belong with the applied index but not to the keyspace (the membership and
  // the member book of an applied conf change): written by the same commit().
  rocksdb::WriteBatchBase& metadata_batch() { return batch_; }

 private:
  std::optional<std::string> raw_get(Cf cf, std::string_view key) override;
  std::unique_ptr<rocksdb::Iterator> iterator(Cf cf) override;
  void remove(std::string_view key, const Record& old);
  void write_kv(rocksdb::WriteBatchBase& to, std::string_view dkey, const ReadCache::Entry& entry);

  rocksdb::WriteBatchWithIndex batch_;
  // What this batch wrote to kv_data (nullopt: deleted): for reads within the batch, for the
  // WriteBatch at commit and then for the read cache. Indexing every record in batch_ as well
  // cost a tenth of a follower's driver under pipelined SETs, so that waits until an
  // iterator over kv_data needs it (kv_indexed_; then every later write is indexed too).
  ReadCache::Map pending_;
  bool kv_indexed_ = false;
  uint64_t index_ = 0;
  uint64_t key_count_ = 0;
  uint64_t generations_in_entry_ = 0;   // new_generation() calls since index_ last changed
  uint64_t random_draws_in_entry_ = 0;  // random_bits() calls since index_ last changed
  std::optional<AclTable> acl_set_;     // published to the engine at commit
  std::optional<std::vector<uint64_t>> alarms_set_;  // likewise
};

// Keys whose expiry time is <= now_ms, oldest first, at most `limit` of them.
std::vector<std::string> due_expiries(Engine& engine, int64_t now_ms, size_t limit);

// Keys whose tombstones are older than `older_than_ms`, visiting at most `budget` tombstones
// from `resume_from`. `resume_from` is updated to where the next call continues (empty when the
// sweep reached the end). The keys are then dropped through the log (kCollectTombstones).
std::vector<std::string> old_tombstones(Engine& engine, int64_t older_than_ms, size_t budget,
                                        std::string& resume_from);

}  // namespace seshat::storage
