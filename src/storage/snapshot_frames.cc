#include "storage/snapshot_frames.h"

#include <zlib.h>

#include <algorithm>

#include "storage/kv_format.h"

namespace seshat::storage {

namespace {

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

absl::Status check_frame(const SnapshotFrame& f) {
  switch (f.tag) {
    case 'R':
      if (f.key.size() < kHashPrefixSize || data_key(user_key_of_data_key(f.key)) != f.key) {
        return absl::DataLossError("snapshot has a record under a malformed key");
      }
      if (!decode_record(f.value)) return absl::DataLossError("snapshot has a corrupt record");
      return absl::OkStatus();
    case 'T':
      if (!decode_tombstone(f.value))
        return absl::DataLossError("snapshot has a corrupt tombstone");
      return absl::OkStatus();
    case 'C':
    case 'M': return absl::OkStatus();
    default: return absl::DataLossError("snapshot has an unknown frame");
  }
}

}  // namespace

uint32_t snapshot_crc(uint32_t crc, std::string_view bytes) {
  // In pieces zlib's 32-bit lengths can take: a whole snapshot can be over 4 GiB.
  uLong out = crc;
  while (!bytes.empty()) {
    const size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    out = crc32(out, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(out);
}

absl::StatusOr<SnapshotHeader> check_snapshot_data(std::string_view data) {
  if (data.size() < kSnapshotHeaderSize + 5 ||
      data.substr(0, kSnapshotMagic.size()) != kSnapshotMagic) {
    return absl::DataLossError("snapshot data has no Seshat header");
  }
  if (snapshot_crc(0, data.substr(0, data.size() - 4)) != get_u32(data.data() + data.size() - 4)) {
    return absl::DataLossError("snapshot data fails its checksum");
  }
  return SnapshotHeader{get_u64_le(data.data() + kSnapshotMagic.size()),
                        get_u64_le(data.data() + kSnapshotMagic.size() + 8)};
}

absl::Status read_snapshot_frames(std::string_view data,
                                  const std::function<absl::Status(const SnapshotFrame&)>& visit) {
  if (data.size() < kSnapshotHeaderSize + 4) {
    return absl::DataLossError("snapshot data has no Seshat header");
  }
  std::string_view frames = data.substr(kSnapshotHeaderSize, data.size() - kSnapshotHeaderSize - 4);
  for (;;) {
    if (frames.empty()) return absl::DataLossError("snapshot ends without its end mark");
    SnapshotFrame f;
    f.tag = frames[0];
    frames.remove_prefix(1);
    if (f.tag == 'E') break;
    std::string_view* parts[2] = {&f.key, &f.value};
    for (std::string_view* part : parts) {
      if (frames.size() < 4) return absl::DataLossError("snapshot frame truncated");
      const uint32_t n = get_u32(frames.data());
      frames.remove_prefix(4);
      if (frames.size() < n) return absl::DataLossError("snapshot frame truncated");
      *part = frames.substr(0, n);
      frames.remove_prefix(n);
    }
    if (auto st = check_frame(f); !st.ok()) return st;
    if (auto st = visit(f); !st.ok()) return st;
  }
  if (!frames.empty()) return absl::DataLossError("snapshot has trailing bytes");
  return absl::OkStatus();
}

}  // namespace seshat::storage
