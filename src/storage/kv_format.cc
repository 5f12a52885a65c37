#include "storage/kv_format.h"

#include <cstring>

namespace seshat::storage {

uint64_t key_hash(std::string_view key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // FNV-1a alone clusters short keys that differ in their last byte; a final mix spreads them.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

void put_u64_be(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_u64_le(std::string& out, uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t get_u64_be(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint64_t get_u64_le(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string data_key(std::string_view key) {
  std::string out;
  out.reserve(kHashPrefixSize + key.size());
  put_u64_be(out, key_hash(key));
  out.append(key);
  return out;
}

std::string_view user_key_of_data_key(std::string_view data_key) {
  return data_key.size() < kHashPrefixSize ? std::string_view() : data_key.substr(kHashPrefixSize);
}

uint64_t hash_of_data_key(std::string_view data_key) {
  return data_key.size() < kHashPrefixSize ? 0 : get_u64_be(data_key.data());
}

std::string encode_record(std::string_view value, int64_t expire_at_ms, uint64_t version,
                          ValueType type) {
  std::string out;
  out.reserve(kRecordHeaderSize + value.size());
  out.push_back(static_cast<char>(type));
  put_u64_le(out, static_cast<uint64_t>(expire_at_ms));
  put_u64_le(out, version);
  out.append(value);
  return out;
}

std::optional<Record> decode_record(std::string_view bytes) {
  if (bytes.size() < kRecordHeaderSize) return std::nullopt;
  const auto type = static_cast<ValueType>(static_cast<uint8_t>(bytes[0]));
  if (type != ValueType::kString && type != ValueType::kHash && type != ValueType::kList &&
      type != ValueType::kSet && type != ValueType::kZset) {
    return std::nullopt;
  }
  Record r;
  r.type = type;
  r.expire_at_ms = static_cast<int64_t>(get_u64_le(bytes.data() + 1));
  r.version = get_u64_le(bytes.data() + 9);
  r.value.assign(bytes.substr(kRecordHeaderSize));
  return r;
}

std::string expiry_key(int64_t expire_at_ms, std::string_view key) {
  std::string out;
  out.reserve(8 + key.size());
  put_u64_be(out, static_cast<uint64_t>(expire_at_ms));
  out.append(key);
  return out;
}

std::string members_prefix(std::string_view key, uint64_t generation) {
  std::string out;
  out.reserve(kHashPrefixSize + 4 + key.size() + 8);
  put_u64_be(out, key_hash(key));
  const auto n = static_cast<uint32_t>(key.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  out.append(key);
  put_u64_be(out, generation);
  return out;
}

std::string member_key(std::string_view key, uint64_t generation, std::string_view member) {
  std::string out = members_prefix(key, generation);
  out.append(member);
  return out;
}

std::string encode_tombstone(int64_t deleted_at_ms, uint64_t version) {
  std::string out;
  put_u64_le(out, static_cast<uint64_t>(deleted_at_ms));
  put_u64_le(out, version);
  return out;
}

std::optional<Tombstone> decode_tombstone(std::string_view bytes) {
  if (bytes.size() != 16) return std::nullopt;
  return Tombstone{static_cast<int64_t>(get_u64_le(bytes.data())), get_u64_le(bytes.data() + 8)};
}

std::string encode_acl_table(const AclTable& table) {
  std::string out;
  put_u64_le(out, table.version);
  out += table.text;
  return out;
}

std::optional<AclTable> decode_acl_table(std::string_view bytes) {
  if (bytes.size() < 8) return std::nullopt;
  return AclTable{get_u64_le(bytes.data()), std::string(bytes.substr(8))};
}

std::string encode_space_alarms(const std::vector<uint64_t>& nodes) {
  std::string out;
  for (uint64_t id : nodes) put_u64_le(out, id);
  return out;
}

std::optional<std::vector<uint64_t>> decode_space_alarms(std::string_view bytes) {
  if (bytes.size() % 8 != 0) return std::nullopt;
  std::vector<uint64_t> nodes;
  for (size_t at = 0; at < bytes.size(); at += 8) nodes.push_back(get_u64_le(bytes.data() + at));
  return nodes;
}

}  // namespace seshat::storage
