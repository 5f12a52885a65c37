#include "storage/snapshot_codec.h"

#include <zlib.h>

#include <memory>

#include "storage/kv_format.h"
#include "storage/raft_log_storage.h"

namespace seshat::storage {

namespace {

constexpr std::string_view kMagic = "SESHSNP1";

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t crc(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// Appends every key/value of a column family, framed, and returns how many.
absl::StatusOr<uint64_t> dump_cf(Engine& engine, Cf cf, const rocksdb::Snapshot* snap,
                                 std::string& out) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(ro, engine.cf(cf)));
  uint64_t n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    put_u32(out, static_cast<uint32_t>(it->key().size()));
    out.append(it->key().data(), it->key().size());
    put_u32(out, static_cast<uint32_t>(it->value().size()));
    out.append(it->value().data(), it->value().size());
    ++n;
  }
  if (!it->status().ok()) return to_status(it->status(), "snapshot read");
  return n;
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u64(uint64_t& v) {
    if (in_.size() < 8) return false;
    v = get_u64_le(in_.data());
    in_.remove_prefix(8);
    return true;
  }
  bool bytes(std::string_view& v) {
    if (in_.size() < 4) return false;
    uint32_t n = get_u32(in_.data());
    in_.remove_prefix(4);
    if (in_.size() < n) return false;
    v = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool empty() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

absl::StatusOr<std::string> serialize_state(Engine& engine) {
  const rocksdb::Snapshot* snap = engine.db()->GetSnapshot();
  std::string out(kMagic);
  put_u64_le(out, engine.applied_index());
  put_u64_le(out, engine.key_count());
  std::string records, tombstones;
  auto nr = dump_cf(engine, Cf::kKvData, snap, records);
  auto nt = nr.ok() ? dump_cf(engine, Cf::kTombstones, snap, tombstones) : nr;
  engine.db()->ReleaseSnapshot(snap);
  if (!nr.ok()) return nr.status();
  if (!nt.ok()) return nt.status();
  put_u64_le(out, *nr);
  out += records;
  put_u64_le(out, *nt);
  out += tombstones;
  put_u32(out, crc(out));
  return out;
}

absl::Status install_snapshot(Engine& engine, RaftLogStorage& log, const raft::Snapshot& snap) {
  std::string_view data = snap.data;
  if (data.size() < kMagic.size() + 4 || data.substr(0, kMagic.size()) != kMagic) {
    return absl::DataLossError("snapshot data has no Seshat header");
  }
  if (crc(data.substr(0, data.size() - 4)) != get_u32(data.data() + data.size() - 4)) {
    return absl::DataLossError("snapshot data fails its checksum");
  }
  Reader r(data.substr(kMagic.size(), data.size() - kMagic.size() - 4));
  uint64_t applied = 0, key_count = 0, n = 0;
  if (!r.u64(applied) || !r.u64(key_count) || !r.u64(n)) return absl::DataLossError("snapshot header");

  rocksdb::WriteBatch batch;
  // Clear the old state machine: every key of the three families it owns.
  for (Cf cf : {Cf::kKvData, Cf::kExpiry, Cf::kTombstones}) {
    std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(rocksdb::ReadOptions(), engine.cf(cf)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Delete(engine.cf(cf), it->key());
    if (!it->status().ok()) return to_status(it->status(), "snapshot install");
  }
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k, v;
    if (!r.bytes(k) || !r.bytes(v)) return absl::DataLossError("snapshot record truncated");
    batch.Put(engine.cf(Cf::kKvData), k, v);
    auto rec = decode_record(v);
    if (rec && rec->expire_at_ms != 0) {
      batch.Put(engine.cf(Cf::kExpiry), expiry_key(rec->expire_at_ms, user_key_of_data_key(k)), "");
    }
  }
  if (!r.u64(n)) return absl::DataLossError("snapshot tombstones truncated");
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k, v;
    if (!r.bytes(k) || !r.bytes(v)) return absl::DataLossError("snapshot tombstone truncated");
    batch.Put(engine.cf(Cf::kTombstones), k, v);
  }
  if (!r.empty()) return absl::DataLossError("snapshot has trailing bytes");
  // The state machine is at the snapshot's index, whatever index the data was cut at.
  const uint64_t index = snap.metadata.index;
  std::string applied_bytes, count_bytes;
  put_u64_be(applied_bytes, index);
  put_u64_be(count_bytes, key_count);
  batch.Put(engine.cf(Cf::kMetadata), std::string(kMetaAppliedIndex), applied_bytes);
  batch.Put(engine.cf(Cf::kMetadata), std::string(kMetaKeyCount), count_bytes);
  log.stage_snapshot(batch, snap.metadata);
  if (auto st = engine.write(&batch, /*sync=*/true); !st.ok()) return st;
  engine.publish_applied(index, key_count);
  log.reset_after_snapshot(snap.metadata);
  (void)applied;
  return absl::OkStatus();
}

}  // namespace seshat::storage
