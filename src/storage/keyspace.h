// The keyspace as the command handlers see it: live string records with optional absolute expiry.
// Two kinds of implementation exist: a read view over the committed state (used for reads on a
// connection, with the local clock) and a write view over the batch being applied (used by the
// state machine, with the time chosen by the proposer). Handlers are written once against this
// interface, so a command behaves identically whether it runs alone, inside EXEC, or at apply.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/acl_table.h"

namespace seshat::storage {

// What a key holds. The numbers are stored on disk (kv_format.h): never renumber.
enum class ValueType : uint8_t {
  kString = 1,
  kHash = 2,
  kList = 3,
  kSet = 4,
  kZset = 5,
};

// TYPE's answer for a value type.
inline std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::kString: return "string";
    case ValueType::kHash: return "hash";
    case ValueType::kList: return "list";
    case ValueType::kSet: return "set";
    case ValueType::kZset: return "zset";
  }
  return "none";
}

struct Record {
  // A string's bytes; a collection's metadata (CollectionMeta below).
  std::string value;
  int64_t expire_at_ms = 0;  // absolute Unix time in ms; 0 means no expiry
  uint64_t version = 0;      // log index of the write that produced it (for WATCH)
  ValueType type = ValueType::kString;
};

// A collection (hash, list, set, sorted set) is one record holding this metadata, plus one
// member entry per field or element stored apart under (key, generation). A collection created
// anew (after DEL, expiry or an overwrite by SET) gets a new generation, so dropping a
// collection never has to visit its members: the old generation's members are unreachable from
// then on.
//
// A list's elements are members named by their position, an 8-byte big-endian number in
// [head, tail): pushing on the left takes head - 1, on the right tail; positions start in the
// middle of the range (kListOrigin) so both ends have room. A sorted set keeps member -> score
// under `generation` and its score index (sortable score, then member -> "") under a second
// generation of its own, `index_generation`.
struct CollectionMeta {
  uint64_t generation = 0;
  uint64_t size = 0;              // number of members
  uint64_t head = 0;              // lists: position of the first element
  uint64_t tail = 0;              // lists: one past the last element's position
  uint64_t index_generation = 0;  // sorted sets: where the score index lives
};

inline constexpr uint64_t kListOrigin = 1ull << 63;

// Little-endian: generation, size (16 bytes: hash, set), then index_generation (24: sorted
// set) or head, tail (32: list).
inline std::string encode_collection_meta(const CollectionMeta& meta) {
  std::vector<uint64_t> fields = {meta.generation, meta.size};
  if (meta.head != 0 || meta.tail != 0) {
    fields.push_back(meta.head);
    fields.push_back(meta.tail);
  } else if (meta.index_generation != 0) {
    fields.push_back(meta.index_generation);
  }
  std::string out(8 * fields.size(), '\0');
  for (size_t f = 0; f < fields.size(); ++f) {
    for (int i = 0; i < 8; ++i) out[8 * f + i] = static_cast<char>(fields[f] >> (8 * i));
  }
  return out;
}

inline std::optional<CollectionMeta> decode_collection_meta(std::string_view bytes) {
  if (bytes.size() != 16 && bytes.size() != 24 && bytes.size() != 32) return std::nullopt;
  uint64_t fields[4] = {0, 0, 0, 0};
  for (size_t f = 0; f < bytes.size() / 8; ++f) {
    for (int i = 7; i >= 0; --i) {
      fields[f] = (fields[f] << 8) | static_cast<uint8_t>(bytes[8 * f + i]);
    }
  }
  if (bytes.size() == 24) return CollectionMeta{fields[0], fields[1], 0, 0, fields[2]};
  return CollectionMeta{fields[0], fields[1], fields[2], fields[3], 0};
}

class Keyspace {
 public:
  virtual ~Keyspace() = default;

  // A record is expired once now_ms() is past its expire_at_ms (Redis's rule: a key is still
  // visible during the very millisecond it expires at).
  //
  // The time against which expiry is judged: the proposer's clock at apply, the local clock for
  // reads. Never decreases within one keyspace.
  virtual int64_t now_ms() const = 0;

  // The live record, or nullopt if the key is absent or expired at now_ms().
  virtual std::optional<Record> get(std::string_view key) = 0;

  // A number that changes whenever the key is written, deleted or expires (WATCH compares it).
  virtual uint64_t version(std::string_view key) = 0;

  // Writes. Only the apply view supports them; calling one on a read view is a broken invariant.
  //
  // Stores `key` as a value of `type` (a string's bytes, or a collection's metadata), replacing
  // whatever it held, with the version of the write being applied.
  virtual void put_record(std::string_view key, ValueType type, std::string_view value,
                          int64_t expire_at_ms) = 0;
  void put(std::string_view key, std::string_view value, int64_t expire_at_ms) {
    put_record(key, ValueType::kString, value, expire_at_ms);
  }
  // Removes a live key and leaves a tombstone; returns whether a live key was removed.
  virtual bool erase(std::string_view key) = 0;
  // Removes the key if it is stored but expired at now_ms() (active expiry); returns whether it
  // did.
  virtual bool purge_if_expired(std::string_view key) = 0;
  // Removes the key's tombstone if it was written before `older_than_ms`; returns whether it did.
  virtual bool drop_tombstone(std::string_view key, int64_t older_than_ms) = 0;
  // Removes every key (FLUSHDB/FLUSHALL).
  virtual void clear() = 0;

  // Number of stored keys, counting expired keys not yet purged (as Redis's DBSIZE does).
  virtual uint64_t count() = 0;

  // Visits live keys from `cursor` on in a stable order, stopping after at least `count` keys have
  // been visited (or the end). Returns the cursor to continue from, 0 when the scan is complete.
  // A key present for a whole SCAN iteration is visited at least once.
  virtual uint64_t scan(uint64_t cursor, size_t count,
                        const std::function<void(std::string_view key, const Record&)>& visit) = 0;

  // A uniformly-ish chosen live key, or nullopt when empty.
  virtual std::optional<std::string> random_key() = 0;

  // Collection members, stored under (key, generation); see CollectionMeta.
  //
  // A generation for a collection created now: never used before by this keyspace, and the
  // same on every replica applying the same entries (apply view only).
  virtual uint64_t new_generation() = 0;
  virtual std::optional<std::string> get_member(std::string_view key, uint64_t generation,
                                                std::string_view member) = 0;
  // Visits the members whose names are >= `from` (all of them for ""), in byte order of their
  // names, until `visit` returns false.
  virtual void scan_members(
      std::string_view key, uint64_t generation, std::string_view from,
      const std::function<bool(std::string_view member, std::string_view value)>& visit) = 0;
  // The same backwards: the members whose names are <= `from` (all of them for ""), from the
  // greatest name down.
  virtual void scan_members_reverse(
      std::string_view key, uint64_t generation, std::string_view from,
      const std::function<bool(std::string_view member, std::string_view value)>& visit) = 0;
  // Random bits for choices that change the state (SPOP). On the apply view they are a
  // function of the log position, so every replica makes the same choice; on a read view they
  // are simply random.
  virtual uint64_t random_bits() = 0;
  // Apply view only.
  virtual void put_member(std::string_view key, uint64_t generation, std::string_view member,
                          std::string_view value) = 0;
  virtual void erase_member(std::string_view key, uint64_t generation, std::string_view member) = 0;

  virtual AclTable acl_table() = 0;
  // Apply view only: replaces the ACL table; its version becomes the current entry's index.
  virtual void set_acl_table(std::string_view text) = 0;

  // The members with a raised NOSPACE alarm (engine.h, kMetaSpaceAlarms), ascending.
  virtual std::vector<uint64_t> space_alarms() = 0;
  // Apply view only: replaces them (`nodes` ascending, no repeats).
  virtual void set_space_alarms(const std::vector<uint64_t>& nodes) = 0;
};

// Members picked at random from one collection (SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER),
// with the keyspace's random_bits(), so on the apply view every replica picks alike, whichever
// keyspace implementation it runs.
//
// A collection of at most kListedLimit members is read once and picked from uniformly. A bigger
// one is not loaded: each pick descends the member names byte by byte, choosing each next byte
// uniformly between the smallest and the greatest present under the prefix so far, then takes
// the first member at or after that prefix. Every member can come up, spread over the whole
// collection even when names share long prefixes ("user:000001" ...), though not exactly
// uniformly.
class MemberPicker {
 public:
  static constexpr uint64_t kListedLimit = 1024;

  MemberPicker(Keyspace& ks, std::string_view key, uint64_t generation, uint64_t size);
  // A member and its value; nullopt when the collection is empty.
  std::optional<std::pair<std::string, std::string>> pick();
  // The caller removed `member` from the collection (SPOP): it is not picked again.
  void forget(std::string_view member);

 private:
  std::optional<std::pair<std::string, std::string>> first_at_or_after(std::string_view from);
  std::optional<std::pair<std::string, std::string>> last_with_prefix(std::string_view prefix);
  std::optional<std::pair<std::string, std::string>> descend();

  Keyspace& ks_;
  std::string key_;
  uint64_t generation_;
  bool listed_;
  std::vector<std::pair<std::string, std::string>> members_;  // when listed_
};

}  // namespace seshat::storage
