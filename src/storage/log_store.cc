#include "storage/log_store.h"

#include <zlib.h>

#include <memory>

#include "storage/kv_format.h"

namespace seshat::storage {

namespace {

std::string index_key(uint64_t index) {
  std::string k;
  put_u64_be(k, index);
  return k;
}

uint32_t checksum(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

}  // namespace

// Layout: crc32 (4, LE) over the rest | term (8, LE) | type (1) | data.
std::string encode_log_entry(const LogEntry& e) {
  std::string body;
  body.reserve(9 + e.data.size());
  put_u64_le(body, e.term);
  body.push_back(static_cast<char>(e.type));
  body.append(e.data);
  uint32_t crc = checksum(body);
  std::string out;
  out.reserve(4 + body.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  out.append(body);
  return out;
}

absl::StatusOr<LogEntry> decode_log_entry(uint64_t index, std::string_view bytes) {
  if (bytes.size() < 13) {
    return absl::DataLossError("log entry " + std::to_string(index) + " is truncated");
  }
  uint32_t stored = 0;
  for (int i = 3; i >= 0; --i) stored = (stored << 8) | static_cast<unsigned char>(bytes[i]);
  std::string_view body = bytes.substr(4);
  if (checksum(body) != stored) {
    return absl::DataLossError("log entry " + std::to_string(index) + " fails its checksum");
  }
  LogEntry e;
  e.index = index;
  e.term = get_u64_le(body.data());
  e.type = static_cast<uint8_t>(body[8]);
  e.data.assign(body.substr(9));
  return e;
}

void LogStore::append(rocksdb::WriteBatch& batch, const LogEntry& e) {
  batch.Put(engine_.cf(Cf::kRaftLog), index_key(e.index), encode_log_entry(e));
}

void LogStore::truncate_suffix(rocksdb::WriteBatch& batch, uint64_t from) {
  batch.DeleteRange(engine_.cf(Cf::kRaftLog), index_key(from), index_key(UINT64_MAX));
}

void LogStore::compact_prefix(rocksdb::WriteBatch& batch, uint64_t up_to) {
  batch.DeleteRange(engine_.cf(Cf::kRaftLog), index_key(0), index_key(up_to + 1));
}

absl::StatusOr<std::vector<LogEntry>> LogStore::read(uint64_t from, uint64_t to,
                                                     size_t max_bytes) const {
  std::vector<LogEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.cf(Cf::kRaftLog)));
  size_t bytes = 0;
  uint64_t expect = from;
  for (it->Seek(index_key(from)); it->Valid(); it->Next()) {
    uint64_t index = get_u64_be(it->key().data());
    if (index > to) break;
    if (index != expect) {
      return absl::DataLossError("log has a gap: expected entry " + std::to_string(expect) +
                                 ", found " + std::to_string(index));
    }
    auto e = decode_log_entry(index, it->value().ToStringView());
    if (!e.ok()) return e.status();
    bytes += e->data.size();
    out.push_back(std::move(*e));
    ++expect;
    if (bytes >= max_bytes) break;
  }
  if (!it->status().ok()) return to_status(it->status(), "read log");
  return out;
}

absl::StatusOr<uint64_t> LogStore::first_index() const {
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.cf(Cf::kRaftLog)));
  it->SeekToFirst();
  if (!it->status().ok()) return to_status(it->status(), "read log");
  return it->Valid() ? get_u64_be(it->key().data()) : 0;
}

absl::StatusOr<uint64_t> LogStore::last_index() const {
  std::unique_ptr<rocksdb::Iterator> it(
      engine_.db()->NewIterator(rocksdb::ReadOptions(), engine_.cf(Cf::kRaftLog)));
  it->SeekToLast();
  if (!it->status().ok()) return to_status(it->status(), "read log");
  return it->Valid() ? get_u64_be(it->key().data()) : 0;
}

}  // namespace seshat::storage
