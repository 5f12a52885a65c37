#include "raft/memory_storage.h"

#include <algorithm>

namespace seshat::raft {

MemoryStorage::MemoryStorage() : ents_(1) {}

Result<InitialState> MemoryStorage::initial_state() const {
  return InitialState{hard_state_, snapshot_.metadata.conf_state};
}

Result<std::vector<Entry>> MemoryStorage::entries(Index lo, Index hi, uint64_t max_size) const {
  Index offset = ents_.front().index;
  if (lo <= offset) return ErrorCode::kCompacted;
  if (hi > last() + 1) panic("MemoryStorage::entries: hi out of bound");
  if (ents_.size() == 1) return ErrorCode::kUnavailable;  // only the dummy entry
  std::vector<Entry> out;
  uint64_t size = 0;
  for (Index i = lo; i < hi; ++i) {
    const Entry& e = ents_[i - offset];
    size += entry_size(e);
    if (!out.empty() && size > max_size) break;  // always return at least one entry
    out.push_back(e);
  }
  return out;
}

Result<Term> MemoryStorage::term(Index i) const {
  Index offset = ents_.front().index;
  if (i < offset) return ErrorCode::kCompacted;
  if (i - offset >= ents_.size()) return ErrorCode::kUnavailable;
  return ents_[i - offset].term;
}

Result<Index> MemoryStorage::first_index() const { return first(); }
Result<Index> MemoryStorage::last_index() const { return last(); }
Result<Snapshot> MemoryStorage::snapshot() const { return snapshot_; }

Status MemoryStorage::apply_snapshot(const Snapshot& snap) {
  if (snapshot_.metadata.index >= snap.metadata.index) return ErrorCode::kSnapOutOfDate;
  snapshot_ = snap;
  ents_.assign(1, Entry{snap.metadata.term, snap.metadata.index, EntryType::kNormal, {}});
  return {};
}

Result<Snapshot> MemoryStorage::create_snapshot(Index i, const ConfState* cs, std::string data) {
  if (i <= snapshot_.metadata.index) return ErrorCode::kSnapOutOfDate;
  if (i > last()) panic("MemoryStorage::create_snapshot: index beyond last index");
  snapshot_.metadata.index = i;
  snapshot_.metadata.term = ents_[i - ents_.front().index].term;
  if (cs != nullptr) snapshot_.metadata.conf_state = *cs;
  snapshot_.data = std::move(data);
  return snapshot_;
}

Status MemoryStorage::compact(Index compact_index) {
  Index offset = ents_.front().index;
  if (compact_index <= offset) return ErrorCode::kCompacted;
  if (compact_index > last()) panic("MemoryStorage::compact: index beyond last index");
  auto keep_from = ents_.begin() + static_cast<std::ptrdiff_t>(compact_index - offset);
  // The entry at compact_index becomes the dummy: keep its index and term, drop its payload.
  std::vector<Entry> rest(keep_from, ents_.end());
  rest.front().data.clear();
  rest.front().type = EntryType::kNormal;
  ents_ = std::move(rest);
  return {};
}

Status MemoryStorage::append(const std::vector<Entry>& entries) {
  if (entries.empty()) return {};
  Index first_new = entries.front().index;
  Index last_new = entries.back().index;
  // Entries already covered by the snapshot are committed and identical: skip them.
  if (last_new < first()) return {};
  size_t skip = first() > first_new ? first() - first_new : 0;
  first_new += skip;
  Index offset = ents_.front().index;
  if (first_new > last() + 1) panic("MemoryStorage::append: gap in the log");
  // Truncate whatever follows the first new entry, then append.
  ents_.resize(first_new - offset);
  ents_.insert(ents_.end(), entries.begin() + static_cast<std::ptrdiff_t>(skip), entries.end());
  return {};
}

}  // namespace seshat::raft
