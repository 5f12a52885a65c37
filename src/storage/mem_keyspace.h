// An in-memory Keyspace with the same observable behaviour as the RocksDB views: expired
// records stay stored (and counted) until purged or overwritten but are never visible; deletes
// leave tombstones so that a WATCHed key that was deleted differs from one that never existed;
// SCAN walks keys in the same stable hash order, so cursors mean the same thing.
//
// It is the reference keyspace for unit tests of the command handlers and of apply. It is not
// thread-safe; one test or one apply loop owns it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "storage/keyspace.h"

namespace seshat::storage {

class MemKeyspace final : public Keyspace {
 public:
  // `now_ms` is the clock expiry is judged against; `index` is the version given to writes, like
  // the log index of the entry being applied. `random_seed` makes RANDOMKEY reproducible.
  explicit MemKeyspace(int64_t now_ms = 1'700'000'000'000, uint64_t index = 1,
                       uint64_t random_seed = 0x5e5a7);

  // Apply-loop style controls: the state machine advances both before each entry.
  void set_now_ms(int64_t now_ms) { now_ms_ = now_ms; }
  void set_index(uint64_t index) {
    if (index != index_) {
      generations_in_entry_ = 0;
      random_draws_in_entry_ = 0;
    }
    index_ = index;
  }
  uint64_t index() const { return index_; }

  int64_t now_ms() const override { return now_ms_; }
  std::optional<Record> get(std::string_view key) override;
  uint64_t version(std::string_view key) override;
  void put_record(std::string_view key, ValueType type, std::string_view value,
                  int64_t expire_at_ms) override;
  bool erase(std::string_view key) override;
  bool purge_if_expired(std::string_view key) override;
  bool drop_tombstone(std::string_view key, int64_t older_than_ms) override;
  void clear() override;
  uint64_t count() override { return records_.size(); }
  uint64_t scan(uint64_t cursor, size_t count,
                const std::function<void(std::string_view key, const Record&)>& visit) override;
  std::optional<std::string> random_key() override;
  uint64_t new_generation() override;
  std::optional<std::string> get_member(std::string_view key, uint64_t generation,
                                        std::string_view member) override;
  void scan_members(std::string_view key, uint64_t generation, std::string_view from,
                    const std::function<bool(std::string_view, std::string_view)>& visit) override;
  void scan_members_reverse(
      std::string_view key, uint64_t generation, std::string_view from,
      const std::function<bool(std::string_view, std::string_view)>& visit) override;
  uint64_t random_bits() override;
  void put_member(std::string_view key, uint64_t generation, std::string_view member,
                  std::string_view value) override;
  void erase_member(std::string_view key, uint64_t generation, std::string_view member) override;
  AclTable acl_table() override { return acl_; }
  void set_acl_table(std::string_view text) override { acl_ = AclTable{index_, std::string(text)}; }
  std::vector<uint64_t> space_alarms() override { return space_alarms_; }
  void set_space_alarms(const std::vector<uint64_t>& nodes) override { space_alarms_ = nodes; }

  // For tests: the stored record whether or not it has expired.
  std::optional<Record> raw(std::string_view key) const;
  // For tests: every stored record and tombstone in scan order, to compare two keyspaces.
  struct Dump {
    std::vector<std::pair<std::string, Record>> records;
    std::vector<std::pair<std::string, uint64_t>> tombstones;
    // (key, generation, member) -> value, every stored member.
    std::map<std::tuple<std::string, uint64_t, std::string>, std::string> members;
    bool operator==(const Dump& o) const;
  };
  Dump dump() const;

 private:
  // Ordered like the RocksDB data column family: hash of the key, then the key's bytes.
  struct Slot {
    uint64_t hash;
    std::string key;
  };
  struct SlotView {
    uint64_t hash;
    std::string_view key;
  };
  struct SlotLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.hash != b.hash) return a.hash < b.hash;
      return std::string_view(a.key) < std::string_view(b.key);
    }
  };
  using Records = std::map<Slot, Record, SlotLess>;
  AclTable acl_;
  std::vector<uint64_t> space_alarms_;

  bool expired(const Record& r) const { return r.expire_at_ms != 0 && r.expire_at_ms < now_ms_; }
  Records::iterator find(std::string_view key);
  Records::const_iterator find(std::string_view key) const;
  void remove(Records::iterator it);

  int64_t now_ms_;
  uint64_t index_;
  Records records_;
  struct Tomb {
    uint64_t version;       // index of the delete
    int64_t deleted_at_ms;  // when, for collection
  };
  std::map<std::string, Tomb, std::less<>> tombstones_;
  // Collection members by (key, generation), then member name (byte order, as on disk).
  std::map<std::pair<std::string, uint64_t>, std::map<std::string, std::string, std::less<>>>
      members_;
  uint64_t generations_in_entry_ = 0;
  uint64_t random_draws_in_entry_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace seshat::storage
