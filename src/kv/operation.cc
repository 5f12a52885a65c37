// The Operation wire format (version 1), little-endian, lengths as LEB128 varints:
//
//   u8 format (1) | u8 kind | i64 now_ms (8 bytes LE)
//   varint n_commands, then per command: varint argc, then per argument: varint len | bytes
//   varint n_watches, then per watch: varint key_len | key bytes | u64 version (8 bytes LE)
//
// Operations live in the replicated log, so this format is forever: a new field means a new
// format byte, and decode keeps understanding every older one. Decode treats its input as
// untrusted: every count and length is checked against the bytes that remain before anything is
// allocated, so no input can make it crash or reserve more memory than the input's size.
#include "kv/operation.h"

#include <cstring>

namespace seshat::kv {

namespace {

constexpr uint8_t kFormatV1 = 1;
constexpr size_t kMaxVarintBytes = 10;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_u64_le(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_bytes(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  size_t remaining() const { return in_.size() - pos_; }

  std::optional<uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return static_cast<uint8_t>(in_[pos_++]);
  }

  std::optional<uint64_t> u64_le() {
    if (remaining() < 8) return std::nullopt;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += 8;
    return v;
  }

  std::optional<uint64_t> varint() {
    uint64_t v = 0;
    for (size_t i = 0; i < kMaxVarintBytes; ++i) {
      if (remaining() < 1) return std::nullopt;
      auto byte = static_cast<uint8_t>(in_[pos_++]);
      // The tenth byte may only carry the top bit of a 64-bit value, and a final zero byte
      // after others would be a second spelling of a shorter varint: every operation has one
      // encoding, so equal operations are equal bytes in every replica's log.
      if (i == kMaxVarintBytes - 1 && byte > 1) return std::nullopt;
      if (i > 0 && byte == 0) return std::nullopt;
      v |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) return v;
    }
    return std::nullopt;
  }

  // A count of items that each take at least `min_item_bytes`: bounded by what remains.
  std::optional<size_t> count(size_t min_item_bytes) {
    auto n = varint();
    if (!n || *n > remaining() / min_item_bytes) return std::nullopt;
    return static_cast<size_t>(*n);
  }

  std::optional<std::string> bytes() {
    auto n = varint();
    if (!n || *n > remaining()) return std::nullopt;
    std::string s(in_.substr(pos_, static_cast<size_t>(*n)));
    pos_ += static_cast<size_t>(*n);
    return s;
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

bool well_formed(const Operation& op) {
  switch (op.kind) {
    case Operation::Kind::kCommand:
      return op.commands.size() == 1 && !op.commands[0].empty() && op.watches.empty();
    case Operation::Kind::kTransaction:
      for (const Argv& argv : op.commands) {
        if (argv.empty()) return false;
      }
      return true;
    case Operation::Kind::kPurgeExpired:
    case Operation::Kind::kCollectTombstones: return op.commands.size() == 1 && op.watches.empty();
    case Operation::Kind::kSetAcl:
      return op.commands.size() == 1 && op.commands[0].size() == 1 && op.watches.size() == 1 &&
             op.watches[0].first.empty();
    case Operation::Kind::kSetSpaceAlarm:
      return op.commands.size() == 1 && op.commands[0].size() == 2 && op.watches.empty();
  }
  return false;
}

}  // namespace

std::string encode_operation(const Operation& op) {
  std::string out;
  size_t size = 2 + 8 + 2;
  for (const Argv& argv : op.commands) {
    size += 2;
    for (const std::string& arg : argv) size += arg.size() + 2;
  }
  for (const auto& [key, version] : op.watches) size += key.size() + 10;
  out.reserve(size);

  out.push_back(static_cast<char>(kFormatV1));
  out.push_back(static_cast<char>(op.kind));
  put_u64_le(out, static_cast<uint64_t>(op.now_ms));
  put_varint(out, op.commands.size());
  for (const Argv& argv : op.commands) {
    put_varint(out, argv.size());
    for (const std::string& arg : argv) put_bytes(out, arg);
  }
  put_varint(out, op.watches.size());
  for (const auto& [key, version] : op.watches) {
    put_bytes(out, key);
    put_u64_le(out, version);
  }
  return out;
}

std::optional<Operation> decode_operation(std::string_view bytes) {
  Reader r(bytes);
  auto format = r.u8();
  if (!format || *format != kFormatV1) return std::nullopt;
  auto kind = r.u8();
  if (!kind || *kind < static_cast<uint8_t>(Operation::Kind::kCommand) ||
      *kind > static_cast<uint8_t>(Operation::Kind::kSetSpaceAlarm)) {
    return std::nullopt;
  }
  Operation op;
  op.kind = static_cast<Operation::Kind>(*kind);
  auto now = r.u64_le();
  if (!now) return std::nullopt;
  op.now_ms = static_cast<int64_t>(*now);

  // A command takes at least one byte (its argc), an argument at least one (its length), a
  // watch at least nine (key length and version).
  auto n_commands = r.count(1);
  if (!n_commands) return std::nullopt;
  op.commands.reserve(*n_commands);
  for (size_t i = 0; i < *n_commands; ++i) {
    auto argc = r.count(1);
    if (!argc) return std::nullopt;
    Argv argv;
    argv.reserve(*argc);
    for (size_t j = 0; j < *argc; ++j) {
      auto arg = r.bytes();
      if (!arg) return std::nullopt;
      argv.push_back(std::move(*arg));
    }
    op.commands.push_back(std::move(argv));
  }
  auto n_watches = r.count(9);
  if (!n_watches) return std::nullopt;
  op.watches.reserve(*n_watches);
  for (size_t i = 0; i < *n_watches; ++i) {
    auto key = r.bytes();
    if (!key) return std::nullopt;
    auto version = r.u64_le();
    if (!version) return std::nullopt;
    op.watches.emplace_back(std::move(*key), *version);
  }
  if (r.remaining() != 0 || !well_formed(op)) return std::nullopt;
  return op;
}

}  // namespace seshat::kv
