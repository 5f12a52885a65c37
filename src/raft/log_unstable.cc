#include "raft/log_unstable.h"

namespace seshat::raft {

std::optional<Index> Unstable::maybe_first_index() const {
  if (snapshot_) return snapshot_->metadata.index + 1;
  return std::nullopt;
}

std::optional<Index> Unstable::maybe_last_index() const {
  if (!entries_.empty()) return offset_ + entries_.size() - 1;
  if (snapshot_) return snapshot_->metadata.index;
  return std::nullopt;
}

std::optional<Term> Unstable::maybe_term(Index i) const {
  if (i < offset_) {
    if (snapshot_ && snapshot_->metadata.index == i) return snapshot_->metadata.term;
    return std::nullopt;
  }
  auto last = maybe_last_index();
  if (!last || i > *last) return std::nullopt;
  return entries_[i - offset_].term;
}

void Unstable::stable_to(Index i, Term t) {
  auto gt = maybe_term(i);
  if (!gt || *gt != t || i < offset_) return;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i + 1 - offset_));
  offset_ = i + 1;
  // Give back memory when the vector has become mostly empty, so a long-lived leader does not
  // keep the capacity of its largest burst forever.
  if (entries_.capacity() > 1024 && entries_.size() < entries_.capacity() / 4) {
    entries_.shrink_to_fit();
  }
}

void Unstable::stable_snap_to(Index i) {
  if (snapshot_ && snapshot_->metadata.index == i) snapshot_.reset();
}

void Unstable::restore(const Snapshot& s) {
  offset_ = s.metadata.index + 1;
  entries_.clear();
  snapshot_ = s;
}

void Unstable::truncate_and_append(const std::vector<Entry>& ents) {
  if (ents.empty()) return;
  Index after = ents.front().index;
  if (after == offset_ + entries_.size()) {
    // The common case: the new entries directly follow ours.
    entries_.insert(entries_.end(), ents.begin(), ents.end());
  } else if (after <= offset_) {
    // The new entries replace everything held here; the durable log will be truncated by the
    // application when it writes them.
    offset_ = after;
    entries_ = ents;
  } else {
    // Keep our entries before `after`, drop the rest, then append.
    entries_.resize(after - offset_);
    entries_.insert(entries_.end(), ents.begin(), ents.end());
  }
}

std::vector<Entry> Unstable::slice(Index lo, Index hi) const {
  if (lo > hi || lo < offset_ || hi > offset_ + entries_.size()) {
    panic("Unstable::slice out of bounds");
  }
  return {entries_.begin() + static_cast<std::ptrdiff_t>(lo - offset_),
          entries_.begin() + static_cast<std::ptrdiff_t>(hi - offset_)};
}

}  // namespace seshat::raft
