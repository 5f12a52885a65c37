// Recently read or written kv_data records: for the point reads of io threads, and for the
// apply path's read of the record a write replaces.
//
// With a large memtable a point read is a skip-list search that takes half of a pipelined
// GET's CPU, and a fifth of a single node's driver under pipelined SETs; a hash lookup here
// takes a fraction of that. An entry is a record or the knowledge that the key has none (a
// SET of a new key, a GET of a missing one). Keys are spread over shards, each with its own
// mutex and epoch.
//
// Staying current: the apply path (ApplyBatch::commit) calls update() with every kv_data key
// its batch wrote and what it wrote, after the batch is in RocksDB; that replaces their
// entries and moves their shards' epochs. A reader notes the epoch before it reads RocksDB and
// fills the cache only if the epoch has not moved since: a value read before a commit cannot
// be put back after the commit replaced it. In the window between a commit and its update a
// reader can still find the replaced record here; such a read overlaps an apply batch, which
// LocalReadGate refuses (the commit index was published before the batch), and the driver
// reads only between batches or through its own batch. A snapshot install clears everything.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "storage/kv_format.h"

namespace seshat::storage {

class ReadCache {
 public:
  // A kv_data key starts with a 64-bit hash of the user's key (kv_format.h): maps keyed by
  // data keys use it as it is instead of hashing the whole key again. Searchable with a
  // string_view.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view data_key) const {
      return data_key.size() >= kHashPrefixSize ? hash_of_data_key(data_key)
                                                : std::hash<std::string_view>{}(data_key);
    }
  };
  // Records larger than this are not kept (they are rare, and would crowd out many keys).
  static constexpr size_t kMaxRecordBytes = 4096;

  // What a key holds: its record, or nullopt when it has none.
  using Entry = std::optional<std::string>;
  // Data key -> Entry. Open addressing: a lookup of a key not in the CPU's caches costs a miss
  // or two fewer than with std::unordered_map's buckets and nodes.
  using Map = absl::flat_hash_map<std::string, Entry, Hash, std::equal_to<>>;

  explicit ReadCache(size_t max_bytes = 64 << 20) : max_shard_bytes_(max_bytes / kShards) {}

  // The entry for `data_key`, or nullopt if nothing is cached for it; `epoch` receives the
  // shard's epoch (pass it to fill() after reading RocksDB).
  std::optional<Entry> find(std::string_view data_key, uint64_t* epoch) {
    Shard& s = shard(data_key);
    std::lock_guard lock(s.mu);
    *epoch = s.epoch;
    auto it = s.map.find(data_key);
    if (it == s.map.end()) return std::nullopt;
    return it->second;
  }

  // Keeps what RocksDB holds for a key, unless its shard changed since find() gave `epoch`.
  void fill(std::string_view data_key, const Entry& entry, uint64_t epoch) {
    if (!fits(entry)) return;
    Shard& s = shard(data_key);
    std::lock_guard lock(s.mu);
    if (s.epoch != epoch) return;
    put_locked(s, data_key, entry);
  }

  // The apply path wrote these keys (now in RocksDB): each now holds what it was given.
  // `written` holds (key, Entry) pairs; the entries are moved from.
  template <class Written>
  void update(Written&& written) {
    for (auto& [k, entry] : written) {
      Shard& s = shard(k);
      std::lock_guard lock(s.mu);
      ++s.epoch;
      auto it = s.map.find(k);
      if (it == s.map.end()) {
        if (fits(entry)) put_locked(s, k, std::move(entry));
      } else if (fits(entry)) {
        s.bytes = s.bytes - cost(it->first, it->second) + cost(k, entry);
        it->second = std::move(entry);
        if (s.bytes > max_shard_bytes_) {
          s.map.clear();
          s.bytes = 0;
        }
      } else {
        s.bytes -= cost(it->first, it->second);
        s.map.erase(it);
      }
    }
  }

  void clear() {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      ++s.epoch;
      s.map.clear();
      s.bytes = 0;
    }
  }

 private:
  static constexpr size_t kShards = 64;
  struct Shard {
    std::mutex mu;
    uint64_t epoch = 0;
    size_t bytes = 0;
    Map map;
  };
  static size_t cost(std::string_view key, const Entry& entry) {
    return key.size() + (entry ? entry->size() : 0) + 64;  // 64: the map slot and allocations
  }
  static bool fits(const Entry& entry) { return !entry || entry->size() <= kMaxRecordBytes; }
  void put_locked(Shard& s, std::string_view data_key, Entry entry) {
    if (s.bytes + cost(data_key, entry) > max_shard_bytes_) {
      s.map.clear();
      s.bytes = 0;
    }
    auto [it, inserted] = s.map.try_emplace(std::string(data_key), std::move(entry));
    if (inserted) s.bytes += cost(it->first, it->second);
  }
  // The top bits pick the shard: a map places and tells keys apart by the low ones, which then
  // stay as varied within a shard as over all keys.
  static_assert(kShards == 64);
  Shard& shard(std::string_view data_key) { return shards_[Hash{}(data_key) >> 58]; }

  size_t max_shard_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace seshat::storage
