#include "storage/raft_log_storage.h"

#include <algorithm>

#include "storage/kv_format.h"
#include "storage/snapshot_codec.h"

namespace seshat::storage {

namespace {

constexpr std::string_view kHardStateKey = "hard_state";
constexpr std::string_view kOffsetKey = "log_offset";
constexpr std::string_view kConfStateKey = "conf_state";
constexpr uint64_t kTailCacheBytes = 32ull << 20;

void put_ids(std::string& out, const std::vector<raft::NodeId>& ids) {
  put_u64_le(out, ids.size());
  for (auto id : ids) put_u64_le(out, id);
}

bool get_ids(std::string_view& in, std::vector<raft::NodeId>& ids) {
  if (in.size() < 8) return false;
  uint64_t n = get_u64_le(in.data());
  in.remove_prefix(8);
  if (n > in.size() / 8) return false;
  ids.clear();
  for (uint64_t i = 0; i < n; ++i) {
    ids.push_back(get_u64_le(in.data()));
    in.remove_prefix(8);
  }
  return true;
}

// The hard state once the log starts after a snapshot point. Everything up to that point is
// committed (the core refuses to start from a commit index below its first index, so a crash
// between a snapshot install and the next hard state write would otherwise stop the node), and
// a term behind the snapshot's is stale: raising it drops a vote that belonged to the old term.
raft::HardState after_snapshot(raft::HardState hs, const raft::SnapshotMetadata& meta) {
  if (hs.term < meta.term) {
    hs.term = meta.term;
    hs.vote = raft::kNone;
  }
  hs.commit = std::max(hs.commit, meta.index);
  return hs;
}

}  // namespace

std::string encode_conf_state(const raft::ConfState& cs) {
  std::string out;
  put_ids(out, cs.voters);
  put_ids(out, cs.learners);
  put_ids(out, cs.voters_outgoing);
  put_ids(out, cs.learners_next);
  out.push_back(cs.auto_leave ? 1 : 0);
  return out;
}

std::optional<raft::ConfState> decode_conf_state(std::string_view in) {
  raft::ConfState cs;
  if (!get_ids(in, cs.voters) || !get_ids(in, cs.learners) || !get_ids(in, cs.voters_outgoing) ||
      !get_ids(in, cs.learners_next) || in.size() != 1) {
    return std::nullopt;
  }
  cs.auto_leave = in[0] != 0;
  return cs;
}

absl::StatusOr<std::unique_ptr<RaftLogStorage>> RaftLogStorage::open(Engine& engine) {
  std::unique_ptr<RaftLogStorage> s(new RaftLogStorage(engine));
  if (auto st = s->load(); !st.ok()) return st;
  return s;
}

absl::Status RaftLogStorage::load() {
  auto hs = engine_.get(Cf::kRaftState, kHardStateKey);
  if (!hs.ok()) return hs.status();
  if (hs->has_value()) {
    if ((*hs)->size() != 24) return absl::DataLossError("raft hard state is corrupt");
    hard_state_.term = get_u64_le((*hs)->data());
    hard_state_.vote = get_u64_le((*hs)->data() + 8);
    hard_state_.commit = get_u64_le((*hs)->data() + 16);
  }
  auto off = engine_.get(Cf::kRaftState, kOffsetKey);
  if (!off.ok()) return off.status();
  if (off->has_value()) {
    if ((*off)->size() != 16) return absl::DataLossError("raft log offset is corrupt");
    offset_index_ = get_u64_le((*off)->data());
    offset_term_ = get_u64_le((*off)->data() + 8);
  }
  auto cs = engine_.get(Cf::kSnapshots, kConfStateKey);
  if (!cs.ok()) return cs.status();
  if (cs->has_value()) {
    auto decoded = decode_conf_state(**cs);
    if (!decoded) return absl::DataLossError("raft membership record is corrupt");
    conf_state_ = *decoded;
    has_conf_state_ = true;
  }
  // Terms of the stored entries; they must follow the offset without a gap.
  auto last = log_.last_index();
  if (!last.ok()) return last.status();
  raft::Index next = offset_index_ + 1;
  while (*last >= next) {
    auto batch = log_.read(next, *last, 64ull << 20);
    if (!batch.ok()) return batch.status();
    if (batch->empty() || batch->front().index != next) {
      return absl::DataLossError("raft log does not start right after its compaction point " +
                                 std::to_string(offset_index_));
    }
    for (auto& e : *batch) terms_.push_back(e.term);
    next = batch->back().index + 1;
  }
  // Data written before snapshot installs raised the commit index could hold a commit index
  // behind the compaction point; everything up to that point is committed by definition.
  if (offset_index_ > 0) {
    hard_state_ = after_snapshot(hard_state_, {conf_state_, offset_index_, offset_term_});
  }
  if (hard_state_.commit > offset_index_ + terms_.size()) {
    return absl::DataLossError("raft commit index " + std::to_string(hard_state_.commit) +
                               " is beyond the last stored entry " +
                               std::to_string(offset_index_ + terms_.size()));
  }
  // The state machine is the snapshot behind the compaction point: if it is older, the entries
  // between them are gone. It cannot be ahead of the log either: entries are written before
  // they are applied, in the same WAL order.
  const uint64_t applied = engine_.applied_index();
  if (applied < offset_index_) {
    return absl::DataLossError("raft log is compacted up to " + std::to_string(offset_index_) +
                               " but the state machine has applied only up to " +
                               std::to_string(applied));
  }
  if (applied > offset_index_ + terms_.size()) {
    return absl::DataLossError("state machine applied index " + std::to_string(applied) +
                               " is beyond the last stored raft entry " +
                               std::to_string(offset_index_ + terms_.size()));
  }
  return absl::OkStatus();
}

bool RaftLogStorage::is_new() const {
  return hard_state_.empty() && terms_.empty() && offset_index_ == 0 && !has_conf_state_;
}

void RaftLogStorage::put_offset(rocksdb::WriteBatch& batch, raft::Index index, raft::Term term) {
  std::string v;
  put_u64_le(v, index);
  put_u64_le(v, term);
  batch.Put(engine_.cf(Cf::kRaftState), std::string(kOffsetKey), v);
}

void RaftLogStorage::put_hard_state(rocksdb::WriteBatch& batch, const raft::HardState& hs) {
  std::string v;
  put_u64_le(v, hs.term);
  put_u64_le(v, hs.vote);
  put_u64_le(v, hs.commit);
  batch.Put(engine_.cf(Cf::kRaftState), std::string(kHardStateKey), v);
}

void RaftLogStorage::put_conf_state(rocksdb::WriteBatchBase& batch, const raft::ConfState& cs) {
  (void)batch.Put(engine_.cf(Cf::kSnapshots), std::string(kConfStateKey), encode_conf_state(cs));
}

void RaftLogStorage::stage_conf_state(rocksdb::WriteBatchBase& batch, const raft::ConfState& cs) {
  put_conf_state(batch, cs);
}

void RaftLogStorage::note_conf_state(const raft::ConfState& cs) {
  conf_state_ = cs;
  has_conf_state_ = true;
}

absl::Status RaftLogStorage::bootstrap(const raft::ConfState& cs, rocksdb::WriteBatch* with) {
  if (!is_new()) return absl::FailedPreconditionError("the node already has Raft state");
  rocksdb::WriteBatch own;
  rocksdb::WriteBatch& batch = with != nullptr ? *with : own;
  put_conf_state(batch, cs);
  if (auto st = engine_.write(&batch, true); !st.ok()) return st;
  conf_state_ = cs;
  has_conf_state_ = true;
  return absl::OkStatus();
}

absl::Status RaftLogStorage::set_conf_state(const raft::ConfState& cs) {
  rocksdb::WriteBatch batch;
  put_conf_state(batch, cs);
  if (auto st = engine_.write(&batch, false); !st.ok()) return st;
  conf_state_ = cs;
  has_conf_state_ = true;
  return absl::OkStatus();
}

absl::Status RaftLogStorage::persist(const std::optional<raft::HardState>& hs,
                                     const std::vector<raft::Entry>& entries,
                                     const raft::SnapshotMetadata* snapshot_meta, bool sync) {
  rocksdb::WriteBatch batch;
  // The log as it stands once the snapshot point (if any) is in: entries start after `offset`
  // and `kept` of the cached ones survive.
  raft::Index offset = offset_index_;
  size_t kept = terms_.size();
  std::optional<raft::HardState> hs_out = hs;
  bool reset = false;
  if (snapshot_meta != nullptr) {
    const raft::SnapshotMetadata& meta = *snapshot_meta;
    if (meta.index < offset_index_ || (meta.index == offset_index_ && meta.term != offset_term_)) {
      return absl::FailedPreconditionError(
          "snapshot at index " + std::to_string(meta.index) + " (term " +
          std::to_string(meta.term) + ") is older than the log's compaction point " +
          std::to_string(offset_index_) + " (term " + std::to_string(offset_term_) + ")");
    }
    if (meta.index > offset_index_) {
      if (engine_.applied_index() < meta.index) {
        return absl::FailedPreconditionError(
            "the state machine is at index " + std::to_string(engine_.applied_index()) +
            ", behind the snapshot at " + std::to_string(meta.index) + ": install it first");
      }
      log_.compact_prefix(batch, UINT64_MAX - 1);
      put_offset(batch, meta.index, meta.term);
      offset = meta.index;
      kept = 0;
      reset = true;
    }
    put_conf_state(batch, meta.conf_state);
    hs_out = after_snapshot(hs ? *hs : hard_state_, meta);
  }
  size_t skip = 0;
  const raft::Index first = offset + 1;
  if (!entries.empty() && entries.front().index < first) {
    // Entries at or below the compaction point are committed and already applied.
    skip = std::min<size_t>(entries.size(), first - entries.front().index);
  }
  const raft::Index last = offset + kept;
  if (skip < entries.size()) {
    raft::Index from = entries[skip].index;
    if (from > last + 1) {
      return absl::InternalError("raft log gap: appending " + std::to_string(from) + " after " +
                                 std::to_string(last));
    }
    if (from <= last) log_.truncate_suffix(batch, from);
    for (size_t i = skip; i < entries.size(); ++i) {
      const auto& e = entries[i];
      log_.append(batch, LogEntry{e.index, e.term, static_cast<uint8_t>(e.type), e.data});
    }
  }
  if (hs_out) put_hard_state(batch, *hs_out);
  if (batch.Count() == 0) return absl::OkStatus();
  if (auto st = engine_.write(&batch, sync); !st.ok()) return st;
  // Only now that it is written: update the caches.
  if (snapshot_meta != nullptr) {
    if (reset) reset_caches(*snapshot_meta);
    conf_state_ = snapshot_meta->conf_state;
    has_conf_state_ = true;
  }
  if (hs_out) hard_state_ = *hs_out;
  if (skip < entries.size()) {
    raft::Index from = entries[skip].index;
    terms_.resize(from - first);
    while (!tail_.empty() && tail_.back().index >= from) {
      tail_bytes_ -= raft::entry_size(tail_.back());
      tail_.pop_back();
    }
    for (size_t i = skip; i < entries.size(); ++i) {
      terms_.push_back(entries[i].term);
      tail_.push_back(entries[i]);
      tail_bytes_ += raft::entry_size(entries[i]);
    }
    trim_tail_cache();
  }
  return absl::OkStatus();
}

void RaftLogStorage::trim_tail_cache() {
  while (tail_bytes_ > kTailCacheBytes && tail_.size() > 1) {
    tail_bytes_ -= raft::entry_size(tail_.front());
    tail_.pop_front();
  }
  while (!tail_.empty() && tail_.front().index <= offset_index_) {
    tail_bytes_ -= raft::entry_size(tail_.front());
    tail_.pop_front();
  }
}

absl::Status RaftLogStorage::compact(raft::Index up_to) {
  const raft::Index last = offset_index_ + terms_.size();
  if (up_to <= offset_index_) return absl::OkStatus();
  if (up_to > last) return absl::InvalidArgumentError("compaction beyond the last entry");
  if (up_to > engine_.applied_index()) {
    // What is dropped must be covered by the snapshot, which is the state machine.
    return absl::FailedPreconditionError("compaction to " + std::to_string(up_to) +
                                         " beyond the applied index " +
                                         std::to_string(engine_.applied_index()));
  }
  raft::Term t = terms_[up_to - offset_index_ - 1];
  rocksdb::WriteBatch batch;
  log_.compact_prefix(batch, up_to);
  put_offset(batch, up_to, t);
  if (auto st = engine_.write(&batch, false); !st.ok()) return st;
  terms_.erase(terms_.begin(), terms_.begin() + static_cast<std::ptrdiff_t>(up_to - offset_index_));
  offset_index_ = up_to;
  offset_term_ = t;
  trim_tail_cache();
  return absl::OkStatus();
}

void RaftLogStorage::stage_snapshot(rocksdb::WriteBatch& batch,
                                    const raft::SnapshotMetadata& meta) {
  log_.compact_prefix(batch, UINT64_MAX - 1);
  put_offset(batch, meta.index, meta.term);
  put_conf_state(batch, meta.conf_state);
  // In the same batch, so that no crash leaves a commit index behind the new first index.
  put_hard_state(batch, after_snapshot(hard_state_, meta));
}

void RaftLogStorage::reset_caches(const raft::SnapshotMetadata& meta) {
  offset_index_ = meta.index;
  offset_term_ = meta.term;
  terms_.clear();
  tail_.clear();
  tail_bytes_ = 0;
}

void RaftLogStorage::reset_after_snapshot(const raft::SnapshotMetadata& meta) {
  reset_caches(meta);
  conf_state_ = meta.conf_state;
  has_conf_state_ = true;
  hard_state_ = after_snapshot(hard_state_, meta);
}

raft::Result<raft::InitialState> RaftLogStorage::initial_state() const {
  return raft::InitialState{hard_state_, conf_state_};
}

raft::Result<raft::Term> RaftLogStorage::term(raft::Index i) const {
  if (i < offset_index_) return raft::ErrorCode::kCompacted;
  if (i == offset_index_) return offset_term_;
  if (i - offset_index_ > terms_.size()) return raft::ErrorCode::kUnavailable;
  return terms_[i - offset_index_ - 1];
}

raft::Result<std::vector<raft::Entry>> RaftLogStorage::entries(raft::Index lo, raft::Index hi,
                                                               uint64_t max_size) const {
  if (lo <= offset_index_) return raft::ErrorCode::kCompacted;
  const raft::Index last = offset_index_ + terms_.size();
  if (terms_.empty() || lo > last) return raft::ErrorCode::kUnavailable;
  hi = std::min(hi, last + 1);
  std::vector<raft::Entry> out;
  uint64_t size = 0;
  raft::Index i = lo;
  // Served from the tail cache when it reaches back far enough (the common case: a leader
  // sending what it just appended).
  if (!tail_.empty() && tail_.front().index <= lo) {
    for (size_t k = lo - tail_.front().index; k < tail_.size() && tail_[k].index < hi; ++k) {
      size += raft::entry_size(tail_[k]);
      if (!out.empty() && size > max_size) return out;
      out.push_back(tail_[k]);
    }
    return out;
  }
  auto stored = log_.read(i, hi - 1, max_size);
  if (!stored.ok()) return raft::ErrorCode::kCorrupt;
  for (auto& e : *stored) {
    raft::Entry re{e.term, e.index, static_cast<raft::EntryType>(e.type), std::move(e.data)};
    size += raft::entry_size(re);
    if (!out.empty() && size > max_size) break;
    out.push_back(std::move(re));
  }
  if (out.empty()) return raft::ErrorCode::kUnavailable;
  return out;
}

namespace {
constexpr std::string_view kStreamToken = "SESHSTRM";
}

raft::Result<raft::Snapshot> RaftLogStorage::snapshot() const {
  auto writer = std::make_shared<SnapshotStreamWriter>(engine_);
  if (!writer->status().ok()) return raft::ErrorCode::kSnapshotTemporarilyUnavailable;
  raft::Snapshot snap;
  snap.metadata.index = writer->applied_index();
  auto t = term(snap.metadata.index);
  if (!t.ok()) return raft::ErrorCode::kSnapshotTemporarilyUnavailable;
  snap.metadata.term = *t;
  snap.metadata.conf_state = conf_state_;
  std::lock_guard lock(streams_mu_);
  uint64_t id = next_stream_id_++;
  snap.data = std::string(kStreamToken);
  put_u64_le(snap.data, id);
  streams_[id] = PendingStream{std::move(writer), std::chrono::steady_clock::now()};
  return snap;
}

std::shared_ptr<SnapshotStreamWriter> RaftLogStorage::claim_snapshot_stream(std::string_view data) {
  if (data.size() != kStreamToken.size() + 8 ||
      data.substr(0, kStreamToken.size()) != kStreamToken) {
    return nullptr;
  }
  uint64_t id = get_u64_le(data.data() + kStreamToken.size());
  std::lock_guard lock(streams_mu_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return nullptr;
  auto writer = std::move(it->second.writer);
  streams_.erase(it);
  return writer;
}

void RaftLogStorage::drop_unclaimed_snapshot_streams(std::chrono::seconds older_than) {
  const auto cutoff = std::chrono::steady_clock::now() - older_than;
  std::lock_guard lock(streams_mu_);
  std::erase_if(streams_, [&](const auto& kv) { return kv.second.taken < cutoff; });
}

}  // namespace seshat::storage
