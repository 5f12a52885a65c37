#include "storage/member_book.h"

#include "storage/kv_format.h"

namespace seshat::storage {

namespace {

constexpr char kVersion = 1;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool get_u32(std::string_view& in, uint32_t& v) {
  if (in.size() < 4) return false;
  v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(4);
  return true;
}

void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

bool get_string(std::string_view& in, std::string& s) {
  uint32_t n = 0;
  if (!get_u32(in, n) || in.size() < n) return false;
  s.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

}  // namespace

std::string encode_member(const MemberAddress& m) {
  std::string out;
  put_u64_le(out, m.id);
  put_string(out, m.internal_addr);
  put_string(out, m.client_addr);
  return out;
}

std::optional<MemberAddress> decode_member(std::string_view& bytes) {
  MemberAddress m;
  if (bytes.size() < 8) return std::nullopt;
  m.id = get_u64_le(bytes.data());
  bytes.remove_prefix(8);
  if (!get_string(bytes, m.internal_addr) || !get_string(bytes, m.client_addr)) return std::nullopt;
  return m;
}

std::string encode_member_book(const MemberBook& book) {
  std::string out(1, kVersion);
  put_u32(out, static_cast<uint32_t>(book.size()));
  for (const auto& [id, m] : book) out += encode_member(m);
  return out;
}

std::optional<MemberBook> decode_member_book(std::string_view bytes) {
  if (bytes.empty() || bytes[0] != kVersion) return std::nullopt;
  bytes.remove_prefix(1);
  uint32_t n = 0;
  if (!get_u32(bytes, n)) return std::nullopt;
  MemberBook book;
  for (uint32_t i = 0; i < n; ++i) {
    auto m = decode_member(bytes);
    if (!m) return std::nullopt;
    book[m->id] = std::move(*m);
  }
  if (!bytes.empty()) return std::nullopt;
  return book;
}

absl::StatusOr<std::optional<MemberBook>> load_member_book(Engine& engine) {
  auto raw = engine.get(Cf::kMetadata, kMetaMembers);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<MemberBook>();
  auto book = decode_member_book(**raw);
  if (!book) return absl::DataLossError("the member book in metadata is corrupt");
  return std::optional<MemberBook>(std::move(*book));
}

void stage_member_book(rocksdb::WriteBatchBase& batch, Engine& engine, const MemberBook& book) {
  (void)batch.Put(engine.cf(Cf::kMetadata), std::string(kMetaMembers), encode_member_book(book));
}

}  // namespace seshat::storage
