// The cache of kv_data records: it answers what was filled or written through it, including
// keys known to have no record, and refuses a fill whose read may predate a write.
#include "storage/read_cache.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace seshat::storage {
namespace {

using Entry = ReadCache::Entry;
using Written = std::vector<std::pair<std::string, Entry>>;

TEST(ReadCache, AnswersWhatWasFilledAndWhatWasWritten) {
  ReadCache cache;
  uint64_t epoch = 0;
  EXPECT_EQ(cache.find("k", &epoch), std::nullopt);
  cache.fill("k", Entry("v1"), epoch);
  uint64_t later = 0;
  EXPECT_EQ(cache.find("k", &later), std::optional<Entry>(Entry("v1")));
  cache.update(Written{{"k", Entry("v2")}});
  EXPECT_EQ(cache.find("k", &later), std::optional<Entry>(Entry("v2")));
  // A delete leaves the key known to have no record: found, and empty.
  cache.update(Written{{"k", std::nullopt}});
  auto gone = cache.find("k", &later);
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(*gone, std::nullopt);
}

TEST(ReadCache, RemembersKeysWithoutARecord) {
  ReadCache cache;
  uint64_t epoch = 0;
  EXPECT_EQ(cache.find("missing", &epoch), std::nullopt);
  cache.fill("missing", std::nullopt, epoch);
  auto hit = cache.find("missing", &epoch);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, std::nullopt);
  cache.update(Written{{"missing", Entry("now")}});
  EXPECT_EQ(cache.find("missing", &epoch), std::optional<Entry>(Entry("now")));
}

// A reader missed, read RocksDB before a batch was committed, and comes back with the old
// record (or the old absence) after the apply path wrote the key: neither may return.
TEST(ReadCache, RefusesAFillThatAWriteOvertook) {
  ReadCache cache;
  uint64_t epoch = 0;
  EXPECT_EQ(cache.find("k", &epoch), std::nullopt);
  EXPECT_EQ(cache.find("absent", &epoch), std::nullopt);
  cache.update(Written{{"k", Entry("new")}, {"absent", Entry("born")}});
  cache.fill("k", Entry("old"), epoch);
  cache.fill("absent", std::nullopt, epoch);
  uint64_t now = 0;
  EXPECT_EQ(cache.find("k", &now), std::optional<Entry>(Entry("new")));
  EXPECT_EQ(cache.find("absent", &now), std::optional<Entry>(Entry("born")));
  EXPECT_NE(now, epoch);
  cache.clear();  // a snapshot install: nothing survives, and older reads cannot refill
  cache.fill("k", Entry("new"), now);
  EXPECT_EQ(cache.find("k", &now), std::nullopt);
}

TEST(ReadCache, KeepsWithinItsBytesAndSkipsLargeRecords) {
  ReadCache cache(/*max_bytes=*/64 * 1024);  // 1 KiB per shard
  uint64_t epoch = 0;
  (void)cache.find("big", &epoch);
  cache.fill("big", Entry(std::string(ReadCache::kMaxRecordBytes + 1, 'x')), epoch);
  EXPECT_EQ(cache.find("big", &epoch), std::nullopt);
  // A large record written over a cached one: the cached one must not stay.
  cache.fill("big", Entry("small"), epoch);
  cache.update(Written{{"big", Entry(std::string(ReadCache::kMaxRecordBytes + 1, 'y'))}});
  EXPECT_EQ(cache.find("big", &epoch), std::nullopt);
  // Many records in one shard's budget: the shard starts over rather than growing.
  size_t cached = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string key = "key" + std::to_string(i);
    (void)cache.find(key, &epoch);
    cache.fill(key, Entry(std::string(100, 'v')), epoch);
  }
  for (int i = 0; i < 2000; ++i) {
    cached += cache.find("key" + std::to_string(i), &epoch).has_value();
  }
  EXPECT_GT(cached, 0u);
  EXPECT_LE(cached * 164, 64u * 1024);
}

}  // namespace
}  // namespace seshat::storage
