// Fuzzes snapshot data as a peer's snapshot stream or a backup file hands it over. The first
// byte picks how the rest is used: as the whole data (so the envelope check meets arbitrary
// bytes), or as the frames inside an envelope with a right checksum (so the frame reader, which
// a random input would never reach past the checksum, meets them). Neither may crash, and the
// frames read_snapshot_frames accepts must be what installing relies on: a known tag, a record
// under its own data key that decodes, a tombstone that decodes, every view inside the data.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "storage/kv_format.h"
#include "storage/snapshot_frames.h"

namespace {

void fail(const char* why) {
  std::fprintf(stderr, "%s\n", why);
  std::abort();
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  using namespace seshat::storage;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  std::string data;
  if (bytes[0] & 1) {
    data.assign(rest);
  } else {
    data.assign(kSnapshotMagic);
    put_u64_le(data, 7);
    put_u64_le(data, 1);
    data.append(rest);
    put_u32(data, snapshot_crc(0, data));
    // Too short for an end mark and a checksum: refused whatever the checksum says.
    if (!rest.empty() && !check_snapshot_data(data).ok()) fail("a right envelope was refused");
  }
  if (!check_snapshot_data(data).ok()) return 0;
  const std::string_view whole(data);
  (void)read_snapshot_frames(data, [&](const SnapshotFrame& f) {
    if (!inside(f.key, whole) || !inside(f.value, whole)) fail("a frame points outside the data");
    switch (f.tag) {
      case 'R':
        if (data_key(user_key_of_data_key(f.key)) != f.key) fail("a record under a foreign key");
        if (!decode_record(f.value)) fail("an undecodable record was accepted");
        break;
      case 'T':
        if (!decode_tombstone(f.value)) fail("an undecodable tombstone was accepted");
        break;
      case 'C':
      case 'M': break;
      default: fail("an unknown frame was accepted");
    }
    return absl::OkStatus();
  });
  return 0;
}
