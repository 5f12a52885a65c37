// Snapshot data is checked before anything of it is written: the envelope (magic, checksum)
// and then every frame, so that data with a right checksum but a wrong inside (a bug or a
// hostile member on the other end) is refused instead of being stored for a later read to
// trip over.
#include "storage/snapshot_frames.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/kv_format.h"

namespace seshat::storage {
namespace {

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string frame(char tag, std::string_view key, std::string_view value) {
  std::string out(1, tag);
  put_u32(out, static_cast<uint32_t>(key.size()));
  out += key;
  put_u32(out, static_cast<uint32_t>(value.size()));
  out += value;
  return out;
}

// Snapshot data at applied index 7 holding `frames` (end mark included by the caller), with a
// right checksum.
std::string envelope(const std::string& frames) {
  std::string out(kSnapshotMagic);
  put_u64_le(out, 7);
  put_u64_le(out, 1);
  out += frames;
  put_u32(out, snapshot_crc(0, out));
  return out;
}

TEST(SnapshotFrames, GoodFramesAreVisitedInOrder) {
  const std::string data =
      envelope(frame('M', "members", "book") + frame('R', data_key("k"), encode_record("v", 0, 3)) +
               frame('T', "gone", encode_tombstone(5, 9)) + frame('C', "member", "") + "E");
  auto header = check_snapshot_data(data);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->applied_index, 7u);
  std::string tags;
  auto st = read_snapshot_frames(data, [&](const SnapshotFrame& f) {
    tags += f.tag;
    if (f.tag == 'R') {
      EXPECT_EQ(f.key, data_key("k"));
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(tags, "MRTC");
}

TEST(SnapshotFrames, ARightChecksumOverAWrongInsideIsRefused) {
  const std::string record = frame('R', data_key("k"), encode_record("v", 0, 3));
  std::string other_hash = data_key("k");
  other_hash[0] ^= 1;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {frame('R', "short", encode_record("v", 0, 3)) + "E",
       "snapshot has a record under a malformed key"},
      {frame('R', other_hash, encode_record("v", 0, 3)) + "E",
       "snapshot has a record under a malformed key"},
      {frame('R', data_key("k"), "not a record") + "E", "snapshot has a corrupt record"},
      {frame('T', "gone", "short") + "E", "snapshot has a corrupt tombstone"},
      {frame('X', "k", "v") + "E", "snapshot has an unknown frame"},
      {record, "snapshot ends without its end mark"},
      {record + "E" + "more", "snapshot has trailing bytes"},
      {record.substr(0, record.size() - 1), "snapshot frame truncated"},
      {std::string("R\xff\xff\xff\xff", 5) + "E", "snapshot frame truncated"},
  };
  for (const auto& [frames, why] : cases) {
    const std::string data = envelope(frames);
    ASSERT_TRUE(check_snapshot_data(data).ok());
    auto st = read_snapshot_frames(data, [](const SnapshotFrame&) { return absl::OkStatus(); });
    EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << why;
    EXPECT_EQ(st.message(), why);
  }
}

TEST(SnapshotFrames, AVisitorsErrorStopsTheReading) {
  const std::string data = envelope(frame('C', "a", "") + frame('C', "b", "") + "E");
  int visited = 0;
  auto st = read_snapshot_frames(data, [&](const SnapshotFrame&) {
    ++visited;
    return absl::DataLossError("no");
  });
  EXPECT_EQ(st.message(), "no");
  EXPECT_EQ(visited, 1);
}

TEST(SnapshotFrames, TheEnvelopeIsChecked) {
  std::string data = envelope("E");
  EXPECT_TRUE(check_snapshot_data(data).ok());
  std::string flipped = data;
  flipped[kSnapshotHeaderSize] ^= 1;
  EXPECT_EQ(check_snapshot_data(flipped).status().message(), "snapshot data fails its checksum");
  EXPECT_EQ(check_snapshot_data("SESHSNP1" + data.substr(8)).status().message(),
            "snapshot data has no Seshat header");
  EXPECT_FALSE(check_snapshot_data(data.substr(0, 10)).ok());
  EXPECT_FALSE(
      read_snapshot_frames("", [](const SnapshotFrame&) { return absl::OkStatus(); }).ok());
}

}  // namespace
}  // namespace seshat::storage
