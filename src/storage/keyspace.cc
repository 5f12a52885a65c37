#include "storage/keyspace.h"

#include <algorithm>

namespace seshat::storage {

MemberPicker::MemberPicker(Keyspace& ks, std::string_view key, uint64_t generation, uint64_t size)
    : ks_(ks), key_(key), generation_(generation), listed_(size <= kListedLimit) {
  if (!listed_) return;
  members_.reserve(size);
  ks_.scan_members(key_, generation_, "", [&](std::string_view m, std::string_view v) {
    members_.emplace_back(m, v);
    return true;
  });
}

std::optional<std::pair<std::string, std::string>> MemberPicker::pick() {
  if (!listed_) return descend();
  if (members_.empty()) return std::nullopt;
  return members_[ks_.random_bits() % members_.size()];
}

void MemberPicker::forget(std::string_view member) {
  if (!listed_) return;  // the keyspace no longer holds it: the descent cannot find it
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const auto& m) { return m.first == member; });
  if (it == members_.end()) return;
  // Order matters (picks are by index and must be the same on every replica): keep it.
  members_.erase(it);
}

std::optional<std::pair<std::string, std::string>> MemberPicker::first_at_or_after(
    std::string_view from) {
  std::optional<std::pair<std::string, std::string>> out;
  ks_.scan_members(key_, generation_, from, [&](std::string_view m, std::string_view v) {
    out.emplace(m, v);
    return false;
  });
  return out;
}

std::optional<std::pair<std::string, std::string>> MemberPicker::last_with_prefix(
    std::string_view prefix) {
  // Every name under `prefix` sorts at or before prefix + 0xff... (as long as it does not go on
  // with more 0xff bytes than this, which only costs a little spread).
  std::string bound(prefix);
  bound.append(64, '\xff');
  std::optional<std::pair<std::string, std::string>> out;
  ks_.scan_members_reverse(key_, generation_, bound, [&](std::string_view m, std::string_view v) {
    if (m.substr(0, prefix.size()) == prefix) out.emplace(m, v);
    return false;
  });
  return out;
}

std::optional<std::pair<std::string, std::string>> MemberPicker::descend() {
  constexpr int kMaxDepth = 64;
  std::string prefix;
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    auto lo = first_at_or_after(prefix);
    if (!lo) return first_at_or_after("");  // only when the collection is empty
    if (lo->first.compare(0, prefix.size(), prefix) != 0) return lo;  // no name under prefix
    auto hi = last_with_prefix(prefix);
    if (!hi || hi->first == lo->first) return lo;  // one member left under the prefix
    const size_t i = prefix.size();
    if (lo->first.size() == i) {
      // The prefix is itself a member, beside longer ones: it takes one share of the choices.
      auto next = first_at_or_after(prefix + '\0');
      if (!next || next->first.compare(0, i, prefix) != 0) return lo;
      lo = std::move(next);
      const uint64_t span =
          static_cast<uint8_t>(hi->first[i]) - static_cast<uint8_t>(lo->first[i]) + 1;
      if (ks_.random_bits() % (span + 1) == 0) return first_at_or_after(prefix);
    }
    const unsigned a = static_cast<uint8_t>(lo->first[i]);
    const unsigned b = static_cast<uint8_t>(hi->first[i]);
    prefix.push_back(static_cast<char>(a + ks_.random_bits() % (b - a + 1)));
  }
  return first_at_or_after(prefix);
}

}  // namespace seshat::storage
