#include "storage/snapshot_codec.h"

#include <algorithm>

#include "storage/kv_format.h"
#include "storage/member_book.h"
#include "storage/raft_log_storage.h"

namespace seshat::storage {

namespace {

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

SnapshotStreamWriter::SnapshotStreamWriter(Engine& engine)
    : engine_(engine), view_(engine.db()->GetSnapshot()) {
  rocksdb::ReadOptions ro;
  ro.snapshot = view_;
  members_it_.reset(engine_.db()->NewIterator(ro, engine_.cf(Cf::kMembers)));
  for (auto [key, out] :
       {std::pair{kMetaAppliedIndex, &applied_}, std::pair{kMetaKeyCount, &key_count_}}) {
    std::string value;
    rocksdb::Status s = engine_.db()->Get(ro, engine_.cf(Cf::kMetadata), key, &value);
    if (s.IsNotFound()) continue;  // a state machine that never applied anything
    if (!s.ok()) {
      status_ = to_status(s, "snapshot metadata");
      return;
    }
    if (value.size() != 8) {
      status_ = absl::DataLossError("metadata " + std::string(key) + " is corrupt");
      return;
    }
    *out = get_u64_be(value.data());
  }
}

SnapshotStreamWriter::~SnapshotStreamWriter() {
  it_.reset();  // an iterator must not outlive the view it reads
  members_it_.reset();
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
  if (!status_.ok()) return status_;
  max_bytes = std::max<size_t>(max_bytes, 1);
  // Frames are encoded into pending_ and handed out in pieces of at most max_bytes: a frame
  // may span pieces, so one large value never makes a piece larger than the transport allows.
  pending_.erase(0, pending_pos_);
  pending_pos_ = 0;
  while (pending_.size() < max_bytes && phase_ != 5) {
    if (auto st = produce(max_bytes - pending_.size()); !st.ok()) return st;
  }
  const size_t n = std::min(max_bytes, pending_.size());
  out.append(pending_, 0, n);
  pending_pos_ = n;
  return phase_ == 5 && pending_pos_ == pending_.size();
}

absl::Status SnapshotStreamWriter::produce(size_t want) {
  const size_t start = pending_.size();
  if (phase_ == 0) {
    pending_.append(kSnapshotMagic);
    put_u64_le(pending_, applied_);
    put_u64_le(pending_, key_count_);
    // The member book travels with the state it belongs to: the receiver learns every member's
    // address as of the snapshot's index.
    rocksdb::ReadOptions ro;
    ro.snapshot = view_;
    // Metadata that belongs to the state machine: the member book, the ACL table, the alarms.
    for (std::string_view key : {kMetaMembers, kMetaAcl, kMetaSpaceAlarms}) {
      std::string value;
      rocksdb::Status s = engine_.db()->Get(ro, engine_.cf(Cf::kMetadata), key, &value);
      if (s.ok()) {
        frame('M', key, value, pending_);
      } else if (!s.IsNotFound()) {
        return to_status(s, "snapshot metadata");
      }
    }
    phase_ = 1;
  }
  // The families streamed in phases 1-3, and their frame tags.
  static constexpr Cf kPhaseCf[] = {Cf::kKvData, Cf::kTombstones, Cf::kMembers};
  static constexpr char kPhaseTag[] = {'R', 'T', 'C'};
  while (phase_ >= 1 && phase_ <= 3) {
    if (!it_) {
      if (kPhaseCf[phase_ - 1] == Cf::kMembers) {
        it_ = std::move(members_it_);
      } else {
        rocksdb::ReadOptions ro;
        ro.snapshot = view_;
        it_.reset(engine_.db()->NewIterator(ro, engine_.cf(kPhaseCf[phase_ - 1])));
      }
      it_->SeekToFirst();
    }
    for (; it_->Valid() && pending_.size() - start < want; it_->Next()) {
      frame(kPhaseTag[phase_ - 1], it_->key().ToStringView(), it_->value().ToStringView(),
            pending_);
    }
    if (!it_->status().ok()) return to_status(it_->status(), "snapshot read");
    if (it_->Valid()) break;  // produced enough for now
    it_.reset();
    ++phase_;
  }
  if (phase_ == 4) pending_.push_back('E');
  crc_ = snapshot_crc(crc_, std::string_view(pending_).substr(start));
  if (phase_ == 4) {
    put_u32(pending_, crc_);  // the checksum covers everything before it
    phase_ = 5;
  }
  return absl::OkStatus();
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
  auto checked = check_snapshot_data(data);
  if (!checked.ok()) return checked.status();
  const uint64_t data_index = checked->applied_index;
  const uint64_t key_count = checked->key_count;
  if (data_index != snap.metadata.index) {
    // Installing it would label one state with another index: entries would be skipped or
    // applied twice.
    return absl::DataLossError("snapshot data is at applied index " + std::to_string(data_index) +
                               " but its metadata says " + std::to_string(snap.metadata.index));
  }
  if (snap.metadata.index <= engine.applied_index()) {
    return absl::FailedPreconditionError(
        "snapshot at index " + std::to_string(snap.metadata.index) +
        " is not newer than the applied index " + std::to_string(engine.applied_index()));
  }

  rocksdb::WriteBatch batch;
  // Clear the old state machine: each family it owns as one range, from the empty key to just
  // past its last key (keys are arbitrary bytes, so no fixed upper bound covers them all). A
  // range tombstone costs the batch nothing per key, unlike a Delete per old key.
  for (Cf cf : {Cf::kKvData, Cf::kExpiry, Cf::kTombstones, Cf::kMembers}) {
    std::unique_ptr<rocksdb::Iterator> it(
        engine.db()->NewIterator(rocksdb::ReadOptions(), engine.cf(cf)));
    it->SeekToLast();
    if (!it->status().ok()) return to_status(it->status(), "snapshot install");
    if (!it->Valid()) continue;
    std::string end = it->key().ToString();
    end.push_back('\0');
    batch.DeleteRange(engine.cf(cf), rocksdb::Slice(), end);
  }
  // The ACL table and the alarms are the snapshot's, or none when the snapshot has none.
  batch.Delete(engine.cf(Cf::kMetadata), kMetaAcl);
  batch.Delete(engine.cf(Cf::kMetadata), kMetaSpaceAlarms);
  auto st = read_snapshot_frames(data, [&](const SnapshotFrame& f) {
    if (f.tag == 'R') {
      batch.Put(engine.cf(Cf::kKvData), f.key, f.value);
      auto rec = decode_record(f.value);
      if (rec->expire_at_ms != 0) {
        batch.Put(engine.cf(Cf::kExpiry),
                  expiry_key(rec->expire_at_ms, user_key_of_data_key(f.key)), "");
      }
    } else if (f.tag == 'T') {
      batch.Put(engine.cf(Cf::kTombstones), f.key, f.value);
    } else if (f.tag == 'C') {
      batch.Put(engine.cf(Cf::kMembers), f.key, f.value);
    } else {
      // Metadata that belongs to the state machine: the member book, the ACL table and the
      // alarms, never the identity (node id, cluster id) of the receiver.
      const bool book = f.key == kMetaMembers && decode_member_book(f.value);
      const bool acl = f.key == kMetaAcl && decode_acl_table(f.value);
      const bool alarms = f.key == kMetaSpaceAlarms && decode_space_alarms(f.value);
      if (!book && !acl && !alarms) return absl::DataLossError("snapshot has a bad metadata frame");
      batch.Put(engine.cf(Cf::kMetadata), f.key, f.value);
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  // The state machine is at the snapshot's index.
  const uint64_t index = snap.metadata.index;
  std::string applied_bytes, count_bytes;
  put_u64_be(applied_bytes, index);
  put_u64_be(count_bytes, key_count);
  batch.Put(engine.cf(Cf::kMetadata), std::string(kMetaAppliedIndex), applied_bytes);
  batch.Put(engine.cf(Cf::kMetadata), std::string(kMetaKeyCount), count_bytes);
  log.stage_snapshot(batch, snap.metadata);
  if (auto st = engine.write(&batch, /*sync=*/true); !st.ok()) return st;
  engine.read_cache().clear();  // what io threads read belongs to the replaced state
  engine.publish_applied(index, key_count);
  if (auto st = engine.reload_replicated_metadata(); !st.ok()) return st;
  log.reset_after_snapshot(snap.metadata);
  return absl::OkStatus();
}

}  // namespace seshat::storage
