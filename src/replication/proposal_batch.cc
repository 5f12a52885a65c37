#include "replication/proposal_batch.h"

namespace seshat::replication {

namespace {

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool get_le(std::string_view in, size_t& pos, int bytes, uint64_t& v) {
  if (in.size() - pos < static_cast<size_t>(bytes)) return false;
  v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[pos + i]);
  pos += bytes;
  return true;
}

}  // namespace

std::string encode_proposal_batch(const std::vector<Proposal>& proposals) {
  size_t size = 4;
  for (const auto& p : proposals) size += 12 + p.operation.size();
  std::string out;
  out.reserve(size);
  put_le(out, proposals.size(), 4);
  for (const auto& p : proposals) {
    put_le(out, p.id, 8);
    put_le(out, p.operation.size(), 4);
    out.append(p.operation);
  }
  return out;
}

std::optional<std::vector<Proposal>> decode_proposal_batch(std::string_view bytes) {
  size_t pos = 0;
  uint64_t count = 0;
  if (!get_le(bytes, pos, 4, count)) return std::nullopt;
  // Each proposal takes at least 12 bytes: bound the count before reserving.
  if (count > (bytes.size() - pos) / 12) return std::nullopt;
  std::vector<Proposal> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    Proposal p;
    uint64_t len = 0;
    if (!get_le(bytes, pos, 8, p.id) || !get_le(bytes, pos, 4, len)) return std::nullopt;
    if (bytes.size() - pos < len) return std::nullopt;
    p.operation.assign(bytes.substr(pos, len));
    pos += len;
    out.push_back(std::move(p));
  }
  if (pos != bytes.size()) return std::nullopt;
  return out;
}

}  // namespace seshat::replication
