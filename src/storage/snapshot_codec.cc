#include "storage/snapshot_codec.h"

#include <zlib.h>

#include "storage/kv_format.h"
#include "storage/raft_log_storage.h"

namespace seshat::storage {

namespace {

constexpr std::string_view kMagic = "SESHSNP2";

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t crc_update(uint32_t crc, std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

SnapshotStreamWriter::SnapshotStreamWriter(Engine& engine)
    : engine_(engine),
      view_(engine.db()->GetSnapshot()),
      applied_(engine.applied_index()),
      key_count_(engine.key_count()) {}

SnapshotStreamWriter::~SnapshotStreamWriter() {
  it_.reset();  // an iterator must not outlive the view it reads
  engine_.db()->ReleaseSnapshot(view_);
}

void SnapshotStreamWriter::frame(char tag, std::string_view key, std::string_view value,
                                 std::string& out) {
  out.push_back(tag);
  put_u32(out, static_cast<uint32_t>(key.size()));
  out.append(key);
  put_u32(out, static_cast<uint32_t>(value.size()));
  out.append(value);
}

absl::StatusOr<bool> SnapshotStreamWriter::next(size_t max_bytes, std::string& out) {
  const size_t start = out.size();
  if (phase_ == 0) {
    out.append(kMagic);
    put_u64_le(out, applied_);
    put_u64_le(out, key_count_);
    phase_ = 1;
  }
  while (phase_ == 1 || phase_ == 2) {
    if (!it_) {
      rocksdb::ReadOptions ro;
      ro.snapshot = view_;
      it_.reset(engine_.db()->NewIterator(ro, engine_.cf(phase_ == 1 ? Cf::kKvData : Cf::kTombstones)));
      it_->SeekToFirst();
    }
    for (; it_->Valid() && out.size() - start < max_bytes; it_->Next()) {
      frame(phase_ == 1 ? 'R' : 'T', it_->key().ToStringView(), it_->value().ToStringView(), out);
    }
    if (!it_->status().ok()) return to_status(it_->status(), "snapshot read");
    if (it_->Valid()) break;  // this piece is full
    it_.reset();
    ++phase_;
  }
  if (phase_ == 3) {
    out.push_back('E');
    crc_ = crc_update(crc_, std::string_view(out).substr(start));
    put_u32(out, crc_);
    phase_ = 4;
    return true;
  }
  crc_ = crc_update(crc_, std::string_view(out).substr(start));
  return phase_ == 4;
}

absl::StatusOr<std::string> serialize_state(Engine& engine) {
  SnapshotStreamWriter writer(engine);
  std::string out;
  for (;;) {
    auto done = writer.next(1 << 20, out);
    if (!done.ok()) return done.status();
    if (*done) return out;
  }
}

absl::Status install_snapshot(Engine& engine, RaftLogStorage& log, const raft::Snapshot& snap) {
  std::string_view data = snap.data;
  const size_t header = kMagic.size() + 16;
  if (data.size() < header + 5 || data.substr(0, kMagic.size()) != kMagic) {
    return absl::DataLossError("snapshot data has no Seshat header");
  }
  if (crc_update(0, data.substr(0, data.size() - 4)) != get_u32(data.data() + data.size() - 4)) {
    return absl::DataLossError("snapshot data fails its checksum");
  }
  const uint64_t key_count = get_u64_le(data.data() + kMagic.size() + 8);
  std::string_view frames = data.substr(header, data.size() - header - 4);

  rocksdb::WriteBatch batch;
  // Clear the old state machine: every key of the three families it owns.
  for (Cf cf : {Cf::kKvData, Cf::kExpiry, Cf::kTombstones}) {
    std::unique_ptr<rocksdb::Iterator> it(
        engine.db()->NewIterator(rocksdb::ReadOptions(), engine.cf(cf)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) batch.Delete(engine.cf(cf), it->key());
    if (!it->status().ok()) return to_status(it->status(), "snapshot install");
  }
  for (;;) {
    if (frames.empty()) return absl::DataLossError("snapshot ends without its end mark");
    const char tag = frames[0];
    frames.remove_prefix(1);
    if (tag == 'E') break;
    if (tag != 'R' && tag != 'T') return absl::DataLossError("snapshot has an unknown frame");
    std::string_view kv[2];
    for (auto& part : kv) {
      if (frames.size() < 4) return absl::DataLossError("snapshot frame truncated");
      uint32_t n = get_u32(frames.data());
      frames.remove_prefix(4);
      if (frames.size() < n) return absl::DataLossError("snapshot frame truncated");
      part = frames.substr(0, n);
      frames.remove_prefix(n);
    }
    if (tag == 'R') {
      batch.Put(engine.cf(Cf::kKvData), kv[0], kv[1]);
      auto rec = decode_record(kv[1]);
      if (rec && rec->expire_at_ms != 0) {
        batch.Put(engine.cf(Cf::kExpiry), expiry_key(rec->expire_at_ms, user_key_of_data_key(kv[0])), "");
      }
    } else {
      batch.Put(engine.cf(Cf::kTombstones), kv[0], kv[1]);
    }
  }
  if (!frames.empty()) return absl::DataLossError("snapshot has trailing bytes");
  // The state machine is at the snapshot's index.
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
  return absl::OkStatus();
}

}  // namespace seshat::storage
