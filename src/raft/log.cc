#include "raft/log.h"

#include <algorithm>
#include <string>

namespace seshat::raft {

namespace {
Index must(const Result<Index>& r, const char* what) {
  if (!r.ok()) panic(what);
  return r.value();
}
}  // namespace

RaftLog::RaftLog(const Storage* storage, uint64_t max_applying_size)
    : storage_(storage),
      unstable_(must(storage->last_index(), "storage last_index failed") + 1),
      max_applying_size_(max_applying_size) {
  Index first = must(storage->first_index(), "storage first_index failed");
  // Everything up to the snapshot point is committed and applied by definition.
  committed_ = first - 1;
  applied_ = first - 1;
}

std::optional<Index> RaftLog::maybe_append(Index index, Term log_term, Index committed,
                                           const std::vector<Entry>& ents) {
  if (!match_term(index, log_term)) return std::nullopt;
  Index last_new = index + ents.size();
  Index ci = find_conflict(ents);
  if (ci != 0) {
    if (ci <= committed_) panic("entry conflicts with a committed entry");
    size_t offset = index + 1;
    append(std::vector<Entry>(ents.begin() + static_cast<std::ptrdiff_t>(ci - offset), ents.end()));
  }
  // Only commit what this message proves we hold: a stale commit beyond last_new is not ours.
  commit_to(std::min(committed, last_new));
  return last_new;
}

Index RaftLog::append(const std::vector<Entry>& ents) {
  if (ents.empty()) return last_index();
  if (ents.front().index - 1 < committed_) panic("append would overwrite committed entries");
  unstable_.truncate_and_append(ents);
  return last_index();
}

Index RaftLog::find_conflict(const std::vector<Entry>& ents) const {
  for (const auto& e : ents) {
    if (!match_term(e.index, e.term)) return e.index;
  }
  return 0;
}

std::pair<Index, Term> RaftLog::find_conflict_by_term(Index index, Term term) const {
  for (; index > 0; --index) {
    auto t = this->term(index);
    // Unknown terms (compacted) are treated as a match: the snapshot point is committed.
    if (!t.ok()) return {index, 0};
    if (t.value() <= term) return {index, t.value()};
  }
  return {0, 0};
}

std::vector<Entry> RaftLog::next_committed_entries() const {
  Index off = std::max(applied_ + 1, first_index());
  if (committed_ + 1 <= off) return {};
  auto r = slice(off, committed_ + 1, max_applying_size_);
  if (!r.ok()) panic("unexpected error when getting unapplied entries");
  return std::move(r).value();
}

bool RaftLog::has_next_committed_entries() const {
  Index off = std::max(applied_ + 1, first_index());
  return committed_ + 1 > off;
}

Result<Snapshot> RaftLog::snapshot() const {
  if (unstable_.snapshot()) return *unstable_.snapshot();
  return storage_->snapshot();
}

Index RaftLog::first_index() const {
  if (auto i = unstable_.maybe_first_index()) return *i;
  return must(storage_->first_index(), "storage first_index failed");
}

Index RaftLog::last_index() const {
  if (auto i = unstable_.maybe_last_index()) return *i;
  return must(storage_->last_index(), "storage last_index failed");
}

Index RaftLog::last_stable_index() const {
  // A snapshot still in flight to disk means nothing of the new log is known durable.
  if (unstable_.snapshot()) return 0;
  Index stored = must(storage_->last_index(), "storage last_index failed");
  // Stored entries at or after the unstable offset are being replaced and do not count.
  return std::min(stored, unstable_.offset() - 1);
}

Term RaftLog::last_term() const {
  auto t = term(last_index());
  if (!t.ok()) panic("unexpected error when getting the last term");
  return t.value();
}

Result<Term> RaftLog::term(Index i) const {
  // The valid range is [first_index()-1, last_index()]: the entry before the first one is the
  // snapshot point, whose term we know.
  Index dummy = first_index() - 1;
  if (i < dummy || i > last_index()) return ErrorCode::kUnavailable;
  if (auto t = unstable_.maybe_term(i)) return *t;
  auto t = storage_->term(i);
  if (t.ok()) return t;
  if (t.error() == ErrorCode::kCompacted || t.error() == ErrorCode::kUnavailable) return t;
  panic("storage term failed");
}

Term RaftLog::term_or_zero(Index i) const {
  auto t = term(i);
  return t.ok() ? t.value() : 0;
}

bool RaftLog::match_term(Index i, Term t) const {
  auto got = term(i);
  return got.ok() && got.value() == t;
}

Result<std::vector<Entry>> RaftLog::entries(Index i, uint64_t max_size) const {
  if (i > last_index()) return std::vector<Entry>{};
  return slice(i, last_index() + 1, max_size);
}

std::vector<Entry> RaftLog::all_entries() const {
  auto r = entries(first_index(), kNoLimit);
  if (r.ok()) return std::move(r).value();
  panic("all_entries failed");
}

bool RaftLog::is_up_to_date(Index last_index, Term term) const {
  Term our_term = last_term();
  return term > our_term || (term == our_term && last_index >= this->last_index());
}

void RaftLog::commit_to(Index to) {
  if (committed_ >= to) return;  // never decrease the commit index
  if (last_index() < to) panic("commit_to beyond the last index: log corrupted or truncated?");
  committed_ = to;
}

bool RaftLog::maybe_commit(Index max_index, Term term, bool ignore_term) {
  if (max_index > committed_ && (ignore_term || term_or_zero(max_index) == term)) {
    commit_to(max_index);
    return true;
  }
  return false;
}

void RaftLog::applied_to(Index i) {
  if (i == 0) return;
  if (committed_ < i || i < applied_) panic("applied_to out of range [applied, committed]");
  applied_ = i;
}

void RaftLog::restore(const Snapshot& s) {
  committed_ = s.metadata.index;
  unstable_.restore(s);
}

Status RaftLog::check_out_of_bounds(Index lo, Index hi) const {
  if (lo > hi) panic("invalid slice lo > hi");
  Index fi = first_index();
  if (lo < fi) return ErrorCode::kCompacted;
  if (hi > last_index() + 1) panic("slice out of bound");
  return {};
}

Result<std::vector<Entry>> RaftLog::slice(Index lo, Index hi, uint64_t max_size) const {
  if (auto s = check_out_of_bounds(lo, hi); !s.ok()) return s.code();
  if (lo == hi) return std::vector<Entry>{};
  std::vector<Entry> out;
  Index unstable_from = unstable_.offset();
  if (lo < unstable_from) {
    auto stored = storage_->entries(lo, std::min(hi, unstable_from), max_size);
    if (!stored.ok()) {
      if (stored.error() == ErrorCode::kCompacted) return stored.error();
      if (stored.error() == ErrorCode::kUnavailable) panic("entries unavailable from storage");
      panic("storage entries failed");
    }
    out = std::move(stored).value();
    // Storage stopped early because of the size limit: do not add unstable entries after a gap.
    if (out.size() < std::min(hi, unstable_from) - lo) return out;
  }
  if (hi > unstable_from) {
    auto tail = unstable_.slice(std::max(lo, unstable_from), hi);
    out.insert(out.end(), std::make_move_iterator(tail.begin()),
               std::make_move_iterator(tail.end()));
  }
  // Apply the size limit across both parts, always keeping at least one entry.
  uint64_t size = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    size += entry_size(out[i]);
    if (i > 0 && size > max_size) {
      out.resize(i);
      break;
    }
  }
  return out;
}

}  // namespace seshat::raft
