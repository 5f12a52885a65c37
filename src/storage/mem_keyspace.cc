#include "storage/mem_keyspace.h"

#include <iterator>

#include "storage/kv_format.h"

namespace seshat::storage {

MemKeyspace::MemKeyspace(int64_t now_ms, uint64_t index, uint64_t random_seed)
    : now_ms_(now_ms), index_(index), rng_(random_seed) {}

MemKeyspace::Records::iterator MemKeyspace::find(std::string_view key) {
  return records_.find(SlotView{key_hash(key), key});
}

MemKeyspace::Records::const_iterator MemKeyspace::find(std::string_view key) const {
  return records_.find(SlotView{key_hash(key), key});
}

std::optional<Record> MemKeyspace::get(std::string_view key) {
  auto it = find(key);
  if (it == records_.end() || expired(it->second)) return std::nullopt;
  return it->second;
}

std::optional<Record> MemKeyspace::raw(std::string_view key) const {
  auto it = find(key);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

uint64_t MemKeyspace::version(std::string_view key) {
  auto it = find(key);
  if (it != records_.end()) {
    return expired(it->second) ? expired_version(it->second.version) : it->second.version;
  }
  auto t = tombstones_.find(key);
  return t == tombstones_.end() ? 0 : t->second.version;
}

void MemKeyspace::put_record(std::string_view key, ValueType type, std::string_view value,
                             int64_t expire_at_ms) {
  Record rec{std::string(value), expire_at_ms, index_, type};
  auto it = find(key);
  if (it != records_.end()) {
    it->second = std::move(rec);
    return;
  }
  records_.emplace(Slot{key_hash(key), std::string(key)}, std::move(rec));
  if (auto t = tombstones_.find(key); t != tombstones_.end()) tombstones_.erase(t);
}

bool MemKeyspace::drop_tombstone(std::string_view key, int64_t older_than_ms) {
  auto t = tombstones_.find(key);
  if (t == tombstones_.end() || t->second.deleted_at_ms >= older_than_ms) return false;
  tombstones_.erase(t);
  return true;
}

void MemKeyspace::remove(Records::iterator it) {
  tombstones_.insert_or_assign(it->first.key, Tomb{index_, now_ms_});
  records_.erase(it);
}

bool MemKeyspace::erase(std::string_view key) {
  auto it = find(key);
  if (it == records_.end()) return false;
  // An expired record goes too (it is dead anyway), but only a live one counts as deleted.
  bool live = !expired(it->second);
  remove(it);
  return live;
}

bool MemKeyspace::purge_if_expired(std::string_view key) {
  auto it = find(key);
  if (it == records_.end() || !expired(it->second)) return false;
  remove(it);
  return true;
}

void MemKeyspace::clear() {
  while (!records_.empty()) remove(records_.begin());
}

uint64_t MemKeyspace::scan(uint64_t cursor, size_t count,
                           const std::function<void(std::string_view, const Record&)>& visit) {
  // The cursor is the hash to resume from, as in the RocksDB views. Stop only between two
  // different hashes, so that keys sharing a hash are never split across calls.
  size_t seen = 0;
  bool any = false;
  uint64_t last_hash = 0;
  for (auto it = records_.lower_bound(SlotView{cursor, std::string_view()}); it != records_.end();
       ++it) {
    uint64_t h = it->first.hash;
    if (any && seen >= count && h != last_hash) return h == 0 ? 1 : h;
    any = true;
    last_hash = h;
    ++seen;
    if (!expired(it->second)) visit(it->first.key, it->second);
  }
  return 0;
}

std::optional<std::string> MemKeyspace::random_key() {
  if (records_.empty()) return std::nullopt;
  // Start from a random point in hash order and take the first live key at or after it,
  // wrapping around once; a keyspace of only expired records has no random key.
  auto start = records_.lower_bound(SlotView{rng_(), std::string_view()});
  for (auto it = start; it != records_.end(); ++it) {
    if (!expired(it->second)) return it->first.key;
  }
  for (auto it = records_.begin(); it != start; ++it) {
    if (!expired(it->second)) return it->first.key;
  }
  return std::nullopt;
}

uint64_t MemKeyspace::new_generation() { return (index_ << 24) | generations_in_entry_++; }

std::optional<std::string> MemKeyspace::get_member(std::string_view key, uint64_t generation,
                                                   std::string_view member) {
  auto c = members_.find({std::string(key), generation});
  if (c == members_.end()) return std::nullopt;
  auto m = c->second.find(member);
  if (m == c->second.end()) return std::nullopt;
  return m->second;
}

void MemKeyspace::scan_members(
    std::string_view key, uint64_t generation, std::string_view from,
    const std::function<bool(std::string_view, std::string_view)>& visit) {
  auto c = members_.find({std::string(key), generation});
  if (c == members_.end()) return;
  for (auto it = c->second.lower_bound(from); it != c->second.end(); ++it) {
    if (!visit(it->first, it->second)) return;
  }
}

void MemKeyspace::scan_members_reverse(
    std::string_view key, uint64_t generation, std::string_view from,
    const std::function<bool(std::string_view, std::string_view)>& visit) {
  auto c = members_.find({std::string(key), generation});
  if (c == members_.end()) return;
  auto end = from.empty() ? c->second.end() : c->second.upper_bound(from);
  for (auto it = std::make_reverse_iterator(end); it != c->second.rend(); ++it) {
    if (!visit(it->first, it->second)) return;
  }
}

uint64_t MemKeyspace::random_bits() { return entry_random_bits(index_, ++random_draws_in_entry_); }

void MemKeyspace::put_member(std::string_view key, uint64_t generation, std::string_view member,
                             std::string_view value) {
  members_[{std::string(key), generation}].insert_or_assign(std::string(member),
                                                            std::string(value));
}

void MemKeyspace::erase_member(std::string_view key, uint64_t generation, std::string_view member) {
  auto c = members_.find({std::string(key), generation});
  if (c == members_.end()) return;
  if (auto m = c->second.find(member); m != c->second.end()) c->second.erase(m);
  if (c->second.empty()) members_.erase(c);
}

MemKeyspace::Dump MemKeyspace::dump() const {
  Dump d;
  for (const auto& [slot, rec] : records_) d.records.emplace_back(slot.key, rec);
  for (const auto& [key, tomb] : tombstones_) d.tombstones.emplace_back(key, tomb.version);
  for (const auto& [collection, members] : members_) {
    for (const auto& [member, value] : members) {
      d.members.emplace(std::make_tuple(collection.first, collection.second, member), value);
    }
  }
  return d;
}

bool MemKeyspace::Dump::operator==(const Dump& o) const {
  auto same_record = [](const Record& a, const Record& b) {
    return a.value == b.value && a.expire_at_ms == b.expire_at_ms && a.version == b.version &&
           a.type == b.type;
  };
  if (records.size() != o.records.size() || tombstones != o.tombstones || members != o.members) {
    return false;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].first != o.records[i].first) return false;
    if (!same_record(records[i].second, o.records[i].second)) return false;
  }
  return true;
}

}  // namespace seshat::storage
