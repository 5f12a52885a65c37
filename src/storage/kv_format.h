// The on-disk encoding of the keyspace, in one place.
//
//   kv_data     hash64(key) big-endian (8) | key          -> type(1) | expire_at_ms LE (8) |
//                                                            version LE (8) | value
//                 type is ValueType (keyspace.h): 1 string (value: its bytes), 2 hash (value:
//                 generation LE (8) | member count LE (8), CollectionMeta), 3 list (value:
//                 generation | count | head | tail, LE (8) each), 4 set (as a hash), 5 sorted
//                 set (generation | count | index generation, LE (8) each)
//   kv_members  hash64(key) BE (8) | key length BE (4) | key | generation BE (8) | member
//                                                          -> the member's value (hash field:
//                                                             its value; list: the member is
//                                                             the position BE (8), the value
//                                                             the element; set: the member,
//                                                             an empty value; sorted set: the
//                                                             member -> its score's 8 bytes,
//                                                             and under the index generation
//                                                             sortable score (8) | member -> "")
//   expiry      expire_at_ms big-endian (8) | key          -> ""   (only keys with an expiry)
//   tombstones  key                                        -> deleted_at_ms LE (8) | version LE (8)
//
// A collection's members live under its generation, a number no other collection ever had:
// deleting, expiring or overwriting a collection only replaces its kv_data record, and the old
// generation's members are garbage that nothing reads, dropped at compaction (members_gc.h).
//
// kv_data is ordered by a stable hash of the key so that a SCAN cursor can be a plain integer:
// the cursor is the hash to resume from. The expiry index is ordered by time so the active
// expiry cycle finds due keys with one short range scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/keyspace.h"

namespace seshat::storage {

inline constexpr size_t kRecordHeaderSize = 1 + 8 + 8;
inline constexpr size_t kHashPrefixSize = 8;
// A generation is (log index << 24) | n: at most this many collections created per entry.
inline constexpr uint64_t kGenerationsPerEntry = 1ull << 24;

// A stable 64-bit hash (FNV-1a followed by a final avalanche mix). It must never change: it
// decides the order of keys on disk.
uint64_t key_hash(std::string_view key);

void put_u64_be(std::string& out, uint64_t v);
void put_u64_le(std::string& out, uint64_t v);
uint64_t get_u64_be(const char* p);
uint64_t get_u64_le(const char* p);

std::string data_key(std::string_view key);
std::string_view user_key_of_data_key(std::string_view data_key);
uint64_t hash_of_data_key(std::string_view data_key);

std::string encode_record(std::string_view value, int64_t expire_at_ms, uint64_t version,
                          ValueType type = ValueType::kString);
// nullopt if the bytes are not a record this version understands (a corrupt or future format).
std::optional<Record> decode_record(std::string_view bytes);

std::string expiry_key(int64_t expire_at_ms, std::string_view key);

// kv_members: the common prefix of a collection generation's members, and one member's key.
std::string members_prefix(std::string_view key, uint64_t generation);
std::string member_key(std::string_view key, uint64_t generation, std::string_view member);

// The apply views' random bits: splitmix64 of the entry's index and the draw's number within
// the entry, so every replica draws the same.
inline uint64_t entry_random_bits(uint64_t index, uint64_t draw) {
  uint64_t z = index * 0x9E3779B97F4A7C15ull + draw * 0xD1B54A32D192ED03ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string encode_tombstone(int64_t deleted_at_ms, uint64_t version);
struct Tombstone {
  int64_t deleted_at_ms = 0;
  uint64_t version = 0;
};
std::optional<Tombstone> decode_tombstone(std::string_view bytes);

// A record stored but expired has a version distinct from any live one, so a WATCH taken
// while the key was alive sees the expiry as a change.
// The ACL table in metadata (kMetaAcl): version, 8 bytes little-endian, then the text.
std::string encode_acl_table(const AclTable& table);
std::optional<AclTable> decode_acl_table(std::string_view bytes);
// The space alarms in metadata (kMetaSpaceAlarms): node ids, 8 bytes little-endian each.
std::string encode_space_alarms(const std::vector<uint64_t>& nodes);
std::optional<std::vector<uint64_t>> decode_space_alarms(std::string_view bytes);

inline uint64_t expired_version(uint64_t version) { return version | (1ull << 63); }

}  // namespace seshat::storage
