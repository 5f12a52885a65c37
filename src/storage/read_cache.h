// Recently read kv_data records, for the point reads of io threads.
//
// With a large memtable a point read is a skip-list search that takes half of a pipelined
// GET's CPU; a hash lookup here takes a fraction of that. Keys are spread over shards, each
// with its own mutex and epoch.
//
// Staying current: the apply path (ApplyBatch::commit) calls invalidate() with every kv_data
// key its batch wrote, after the batch is in RocksDB; that erases them and moves their shard's
// epoch. A reader notes the epoch before it reads RocksDB and fills the cache only if the
// epoch has not moved since: a value read before a commit cannot be put back after the commit
// invalidated it. In the window between a commit and its invalidation a reader can still find
// the replaced record here; such a read overlaps an apply batch, which LocalReadGate refuses
// (the commit index was published before the batch), and the driver reads only between
// batches. A snapshot install clears everything.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seshat::storage {

class ReadCache {
 public:
  // Records larger than this are not kept (they are rare, and would crowd out many keys).
  static constexpr size_t kMaxRecordBytes = 4096;

  explicit ReadCache(size_t max_bytes = 64 << 20) : max_shard_bytes_(max_bytes / kShards) {}

  // The record for `data_key`, or nullopt if not cached; `epoch` receives the shard's epoch
  // (pass it to fill() after reading RocksDB).
  std::optional<std::string> find(std::string_view data_key, uint64_t* epoch) {
    Shard& s = shard(data_key);
    std::lock_guard lock(s.mu);
    *epoch = s.epoch;
    auto it = s.map.find(data_key);
    if (it == s.map.end()) return std::nullopt;
    return it->second;
  }

  // Keeps a record read from RocksDB, unless its shard changed since find() gave `epoch`.
  void fill(std::string_view data_key, const std::string& record, uint64_t epoch) {
    if (record.size() > kMaxRecordBytes) return;
    Shard& s = shard(data_key);
    std::lock_guard lock(s.mu);
    if (s.epoch != epoch) return;
    if (s.bytes + cost(data_key, record) > max_shard_bytes_) {
      s.map.clear();
      s.bytes = 0;
    }
    auto [it, inserted] = s.map.try_emplace(std::string(data_key), record);
    if (inserted) s.bytes += cost(it->first, it->second);
  }

  // The apply path wrote these keys (now in RocksDB).
  void invalidate(const std::vector<std::string>& data_keys) {
    for (const auto& k : data_keys) {
      Shard& s = shard(k);
      std::lock_guard lock(s.mu);
      ++s.epoch;
      auto it = s.map.find(k);
      if (it == s.map.end()) continue;
      s.bytes -= cost(it->first, it->second);
      s.map.erase(it);
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
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mu;
    uint64_t epoch = 0;
    size_t bytes = 0;
    std::unordered_map<std::string, std::string, Hash, std::equal_to<>> map;
  };
  static size_t cost(std::string_view key, const std::string& record) {
    return key.size() + record.size() + 64;  // 64: the node and its bookkeeping
  }
  Shard& shard(std::string_view data_key) { return shards_[Hash{}(data_key) % kShards]; }

  size_t max_shard_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace seshat::storage
