#include "storage/rocks_keyspace.h"

#include <cstdlib>
#include <random>

#include "storage/kv_format.h"

namespace seshat::storage {

namespace {

// A broken invariant: the command table sent a write to a read view.
[[noreturn]] void read_only_violation(const char* what) {
  std::fprintf(stderr, "seshat: invariant broken: %s on a read-only keyspace\n", what);
  std::abort();
}

[[noreturn]] void storage_failure(const rocksdb::Status& s, const char* what) {
  // A failing RocksDB read in the middle of apply cannot be answered with a partial state
  // change; stopping the node is the only safe reaction (it recovers from the log on restart).
  std::fprintf(stderr, "seshat: storage failure during %s: %s\n", what, s.ToString().c_str());
  std::abort();
}

// A committed point read, through the record cache when `cached` (kv_data only).
std::optional<std::string> committed_get(Engine& engine, Cf cf, std::string_view key, bool cached,
                                         const char* what) {
  uint64_t epoch = 0;
  if (cached) {
    if (auto hit = engine.read_cache().find(key, &epoch)) return *hit;
  }
  std::string value;
  rocksdb::Status s = engine.db()->Get(rocksdb::ReadOptions(), engine.cf(cf), key, &value);
  ReadCache::Entry entry;
  if (s.ok()) {
    entry = std::move(value);
  } else if (!s.IsNotFound()) {
    storage_failure(s, what);
  }
  if (cached) engine.read_cache().fill(key, entry, epoch);
  return entry;
}

}  // namespace

std::optional<Record> RocksKeyspaceBase::raw_record(std::string_view key) {
  auto bytes = raw_get(Cf::kKvData, data_key(key));
  if (!bytes) return std::nullopt;
  return decode_record(*bytes);
}

std::optional<Record> RocksKeyspaceBase::get(std::string_view key) {
  auto r = raw_record(key);
  if (!r || expired(*r)) return std::nullopt;
  return r;
}

uint64_t RocksKeyspaceBase::version(std::string_view key) {
  if (auto r = raw_record(key)) return expired(*r) ? expired_version(r->version) : r->version;
  if (auto t = raw_get(Cf::kTombstones, key)) {
    if (auto ts = decode_tombstone(*t)) return ts->version;
  }
  return 0;
}

uint64_t RocksKeyspaceBase::scan(
    uint64_t cursor, size_t count,
    const std::function<void(std::string_view, const Record&)>& visit) {
  auto it = iterator(Cf::kKvData);
  std::string start;
  put_u64_be(start, cursor);
  size_t seen = 0;
  uint64_t last_hash = 0;
  bool any = false;
  for (it->Seek(start); it->Valid(); it->Next()) {
    uint64_t h = hash_of_data_key(it->key().ToStringView());
    // Stop only between two different hashes, so keys sharing a hash are never split across
    // calls (the cursor is a hash and could not point between them).
    if (any && seen >= count && h != last_hash) return h == 0 ? 1 : h;
    any = true;
    last_hash = h;
    ++seen;
    auto r = decode_record(it->value().ToStringView());
    if (!r || expired(*r)) continue;
    visit(user_key_of_data_key(it->key().ToStringView()), *r);
  }
  if (!it->status().ok()) storage_failure(it->status(), "scan");
  return 0;
}

std::optional<std::string> RocksKeyspaceBase::random_key() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto it = iterator(Cf::kKvData);
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string start;
    put_u64_be(start, rng());
    it->Seek(start);
    if (!it->Valid()) it->SeekToFirst();
    // Walk a little from the random point to step over expired records.
    for (int step = 0; step < 8 && it->Valid(); ++step, it->Next()) {
      auto r = decode_record(it->value().ToStringView());
      if (r && !expired(*r)) return std::string(user_key_of_data_key(it->key().ToStringView()));
    }
    it->SeekToFirst();
    if (!it->Valid()) return std::nullopt;
  }
  // Mostly expired keys: fall back to a full walk.
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto r = decode_record(it->value().ToStringView());
    if (r && !expired(*r)) return std::string(user_key_of_data_key(it->key().ToStringView()));
  }
  return std::nullopt;
}

std::optional<std::string> RocksKeyspaceBase::get_member(std::string_view key, uint64_t generation,
                                                         std::string_view member) {
  return raw_get(Cf::kMembers, member_key(key, generation, member));
}

void RocksKeyspaceBase::scan_members(
    std::string_view key, uint64_t generation, std::string_view from,
    const std::function<bool(std::string_view, std::string_view)>& visit) {
  const std::string prefix = members_prefix(key, generation);
  auto it = iterator(Cf::kMembers);
  for (it->Seek(prefix + std::string(from)); it->Valid(); it->Next()) {
    std::string_view k = it->key().ToStringView();
    if (k.substr(0, prefix.size()) != prefix) break;
    if (!visit(k.substr(prefix.size()), it->value().ToStringView())) return;
  }
  if (!it->status().ok()) storage_failure(it->status(), "member scan");
}

void RocksKeyspaceBase::scan_members_reverse(
    std::string_view key, uint64_t generation, std::string_view from,
    const std::function<bool(std::string_view, std::string_view)>& visit) {
  const std::string prefix = members_prefix(key, generation);
  auto it = iterator(Cf::kMembers);
  if (from.empty()) {
    // Just past the last member: the next generation's prefix (the prefix's last 8 bytes are
    // the generation, which never reaches the largest value).
    it->Seek(members_prefix(key, generation + 1));
    if (it->Valid()) {
      it->Prev();
    } else {
      it->SeekToLast();
    }
  } else {
    it->SeekForPrev(prefix + std::string(from));
  }
  for (; it->Valid(); it->Prev()) {
    std::string_view k = it->key().ToStringView();
    if (k.substr(0, prefix.size()) != prefix) break;
    if (!visit(k.substr(prefix.size()), it->value().ToStringView())) return;
  }
  if (!it->status().ok()) storage_failure(it->status(), "member scan");
}

uint64_t RocksKeyspaceBase::random_bits() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

// ---- ReadKeyspace ----

void ReadKeyspace::put_record(std::string_view, ValueType, std::string_view, int64_t) {
  read_only_violation("put");
}
uint64_t ReadKeyspace::new_generation() { read_only_violation("new_generation"); }
void ReadKeyspace::put_member(std::string_view, uint64_t, std::string_view, std::string_view) {
  read_only_violation("put_member");
}
void ReadKeyspace::erase_member(std::string_view, uint64_t, std::string_view) {
  read_only_violation("erase_member");
}
bool ReadKeyspace::erase(std::string_view) { read_only_violation("erase"); }
bool ReadKeyspace::purge_if_expired(std::string_view) { read_only_violation("purge"); }
bool ReadKeyspace::drop_tombstone(std::string_view, int64_t) {
  read_only_violation("drop_tombstone");
}
void ReadKeyspace::clear() { read_only_violation("clear"); }
void ReadKeyspace::set_acl_table(std::string_view) { read_only_violation("set_acl_table"); }
void ReadKeyspace::set_space_alarms(const std::vector<uint64_t>&) {
  read_only_violation("set_space_alarms");
}

AclTable RocksKeyspaceBase::acl_table() {
  auto raw = raw_get(Cf::kMetadata, kMetaAcl);
  if (!raw) return {};
  auto table = decode_acl_table(*raw);
  if (!table) storage_failure(rocksdb::Status::Corruption("acl table"), "acl read");
  return *table;
}

std::vector<uint64_t> RocksKeyspaceBase::space_alarms() {
  auto raw = raw_get(Cf::kMetadata, kMetaSpaceAlarms);
  if (!raw) return {};
  auto nodes = decode_space_alarms(*raw);
  if (!nodes) storage_failure(rocksdb::Status::Corruption("space alarms"), "space alarms read");
  return *nodes;
}

void ApplyBatch::set_space_alarms(const std::vector<uint64_t>& nodes) {
  alarms_set_ = nodes;
  if (nodes.empty()) {
    (void)batch_.Delete(engine_.cf(Cf::kMetadata), std::string(kMetaSpaceAlarms));
  } else {
    (void)batch_.Put(engine_.cf(Cf::kMetadata), std::string(kMetaSpaceAlarms),
                     encode_space_alarms(nodes));
  }
}

void ApplyBatch::set_acl_table(std::string_view text) {
  acl_set_ = AclTable{index_, std::string(text)};
  (void)batch_.Put(engine_.cf(Cf::kMetadata), std::string(kMetaAcl), encode_acl_table(*acl_set_));
}

std::optional<std::string> ReadKeyspace::raw_get(Cf cf, std::string_view key) {
  return committed_get(engine_, cf, key, cached_ && cf == Cf::kKvData, "read");
}

std::unique_ptr<rocksdb::Iterator> ReadKeyspace::iterator(Cf cf) {
  return std::unique_ptr<rocksdb::Iterator>(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.cf(cf)));
}

// ---- ApplyBatch ----

ApplyBatch::ApplyBatch(Engine& engine)
    : RocksKeyspaceBase(engine, 0),
      batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true),
      index_(engine.applied_index()),
      key_count_(engine.key_count()) {}

void ApplyBatch::begin_entry(uint64_t index, int64_t now_ms) {
  if (index != index_) {
    generations_in_entry_ = 0;
    random_draws_in_entry_ = 0;
  }
  index_ = index;
  if (now_ms > now_ms_) now_ms_ = now_ms;
}

std::optional<std::string> ApplyBatch::raw_get(Cf cf, std::string_view key) {
  if (cf == Cf::kKvData) {
    // Every kv_data write of this batch is in pending_; anything else is committed, and the
    // cache holds most of it (every write passes through it at commit). Most writes read the
    // record they replace, and a skip-list search of a large memtable is slow.
    if (auto it = pending_.find(key); it != pending_.end()) return it->second;
    return committed_get(engine_, cf, key, /*cached=*/true, "apply read");
  }
  std::string value;
  rocksdb::Status s =
      batch_.GetFromBatchAndDB(engine_.db(), rocksdb::ReadOptions(), engine_.cf(cf), key, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) storage_failure(s, "apply read");
  return value;
}

std::unique_ptr<rocksdb::Iterator> ApplyBatch::iterator(Cf cf) {
  if (cf == Cf::kKvData && !kv_indexed_) {
    // An iteration over kv_data in this batch (SCAN or KEYS inside a transaction, FLUSHALL,
    // RANDOMKEY) must see the batch's writes: index them now, and every later one as it comes.
    kv_indexed_ = true;
    for (const auto& [dkey, entry] : pending_) write_kv(batch_, dkey, entry);
  }
  rocksdb::Iterator* base = engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.cf(cf));
  return std::unique_ptr<rocksdb::Iterator>(batch_.NewIteratorWithBase(engine_.cf(cf), base));
}

uint64_t ApplyBatch::random_bits() { return entry_random_bits(index_, ++random_draws_in_entry_); }

uint64_t ApplyBatch::new_generation() {
  if (generations_in_entry_ >= kGenerationsPerEntry) {
    std::fprintf(stderr, "seshat: invariant broken: over %llu collections created by entry %llu\n",
                 static_cast<unsigned long long>(kGenerationsPerEntry),
                 static_cast<unsigned long long>(index_));
    std::abort();
  }
  return (index_ << 24) | generations_in_entry_++;
}

void ApplyBatch::put_member(std::string_view key, uint64_t generation, std::string_view member,
                            std::string_view value) {
  batch_.Put(engine_.cf(Cf::kMembers), member_key(key, generation, member), value);
}

void ApplyBatch::erase_member(std::string_view key, uint64_t generation, std::string_view member) {
  batch_.Delete(engine_.cf(Cf::kMembers), member_key(key, generation, member));
}

void ApplyBatch::put_record(std::string_view key, ValueType type, std::string_view value,
                            int64_t expire_at_ms) {
  std::string dkey = data_key(key);
  auto old_bytes = raw_get(Cf::kKvData, dkey);
  std::optional<Record> old;
  if (old_bytes) old = decode_record(*old_bytes);
  if (old && old->expire_at_ms != 0 && old->expire_at_ms != expire_at_ms) {
    batch_.Delete(engine_.cf(Cf::kExpiry), expiry_key(old->expire_at_ms, key));
  }
  // A tombstone left by an earlier delete stays: version() looks at the live record first, and
  // the collector removes it in time. Deleting it here would cost a delete marker per new key
  // that every later tombstone scan has to step over.
  if (!old_bytes) ++key_count_;
  std::string record = encode_record(value, expire_at_ms, index_, type);
  if (kv_indexed_) write_kv(batch_, dkey, record);
  pending_.insert_or_assign(std::move(dkey), std::move(record));
  if (expire_at_ms != 0) batch_.Put(engine_.cf(Cf::kExpiry), expiry_key(expire_at_ms, key), "");
}

void ApplyBatch::remove(std::string_view key, const Record& old) {
  std::string dkey = data_key(key);
  if (kv_indexed_) write_kv(batch_, dkey, std::nullopt);
  pending_.insert_or_assign(std::move(dkey), std::nullopt);
  if (old.expire_at_ms != 0)
    batch_.Delete(engine_.cf(Cf::kExpiry), expiry_key(old.expire_at_ms, key));
  batch_.Put(engine_.cf(Cf::kTombstones), key, encode_tombstone(now_ms_, index_));
  if (key_count_ > 0) --key_count_;
}

bool ApplyBatch::erase(std::string_view key) {
  auto old = raw_record(key);
  if (!old) return false;
  bool live = !expired(*old);
  remove(key, *old);
  return live;
}

bool ApplyBatch::purge_if_expired(std::string_view key) {
  auto old = raw_record(key);
  if (!old || !expired(*old)) return false;
  remove(key, *old);
  return true;
}

bool ApplyBatch::drop_tombstone(std::string_view key, int64_t older_than_ms) {
  auto bytes = raw_get(Cf::kTombstones, key);
  if (!bytes) return false;
  auto ts = decode_tombstone(*bytes);
  if (ts && ts->deleted_at_ms >= older_than_ms) return false;
  batch_.Delete(engine_.cf(Cf::kTombstones), key);
  return true;
}

void ApplyBatch::clear() {
  std::vector<std::pair<std::string, Record>> all;
  auto it = iterator(Cf::kKvData);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto r = decode_record(it->value().ToStringView());
    if (r)
      all.emplace_back(std::string(user_key_of_data_key(it->key().ToStringView())), std::move(*r));
  }
  if (!it->status().ok()) storage_failure(it->status(), "clear");
  it.reset();
  for (auto& [key, r] : all) remove(key, r);
  key_count_ = 0;
}

absl::Status ApplyBatch::commit(bool sync) {
  std::string applied, count;
  put_u64_be(applied, index_);
  put_u64_be(count, key_count_);
  batch_.Put(engine_.cf(Cf::kMetadata), std::string(kMetaAppliedIndex), applied);
  batch_.Put(engine_.cf(Cf::kMetadata), std::string(kMetaKeyCount), count);
  rocksdb::WriteBatch* out = batch_.GetWriteBatch();
  if (!kv_indexed_) {
    // Straight into the batch's bytes, past its index: nothing reads through the index any
    // more before Clear() below resets both.
    for (const auto& [dkey, entry] : pending_) write_kv(*out, dkey, entry);
  }
  absl::Status st = engine_.write(out, sync);
  if (!st.ok()) return st;
  // Before the applied index moves: readers that then find everything applied find no record
  // this batch replaced.
  engine_.read_cache().update(pending_);
  pending_.clear();
  engine_.publish_applied(index_, key_count_);
  if (acl_set_) engine_.publish_acl(std::move(*acl_set_));
  acl_set_.reset();
  if (alarms_set_) engine_.publish_space_alarms(std::move(*alarms_set_));
  alarms_set_.reset();
  batch_.Clear();
  kv_indexed_ = false;
  return absl::OkStatus();
}

void ApplyBatch::write_kv(rocksdb::WriteBatchBase& to, std::string_view dkey,
                          const ReadCache::Entry& entry) {
  if (entry) {
    (void)to.Put(engine_.cf(Cf::kKvData), dkey, *entry);
  } else {
    (void)to.Delete(engine_.cf(Cf::kKvData), dkey);
  }
}

// ---- background maintenance ----

std::vector<std::string> due_expiries(Engine& engine, int64_t now_ms, size_t limit) {
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      engine.db()->NewIterator(rocksdb::ReadOptions(), engine.cf(Cf::kExpiry)));
  for (it->SeekToFirst(); it->Valid() && keys.size() < limit; it->Next()) {
    auto k = it->key().ToStringView();
    if (k.size() < 8) continue;
    if (static_cast<int64_t>(get_u64_be(k.data())) >= now_ms) break;  // not yet past due
    keys.emplace_back(k.substr(8));
  }
  return keys;
}

std::vector<std::string> old_tombstones(Engine& engine, int64_t older_than_ms, size_t budget,
                                        std::string& resume_from) {
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      engine.db()->NewIterator(rocksdb::ReadOptions(), engine.cf(Cf::kTombstones)));
  size_t visited = 0;
  for (it->Seek(resume_from); it->Valid(); it->Next()) {
    if (visited++ >= budget) {
      resume_from = it->key().ToString();
      return keys;
    }
    auto ts = decode_tombstone(it->value().ToStringView());
    if (!ts || ts->deleted_at_ms < older_than_ms) keys.push_back(it->key().ToString());
  }
  resume_from.clear();
  return keys;
}

}  // namespace seshat::storage
