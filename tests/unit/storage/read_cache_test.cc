// The io threads' cache of kv_data records: it answers what was filled, forgets what the apply
// path invalidates, and refuses a fill whose read may predate an invalidation.
#include "storage/read_cache.h"

#include <gtest/gtest.h>

namespace seshat::storage {
namespace {

TEST(ReadCache, AnswersWhatWasFilledUntilInvalidated) {
  ReadCache cache;
  uint64_t epoch = 0;
  EXPECT_EQ(cache.find("k", &epoch), std::nullopt);
  cache.fill("k", "v1", epoch);
  uint64_t later = 0;
  EXPECT_EQ(cache.find("k", &later), std::optional<std::string>("v1"));
  cache.invalidate({"k"});
  EXPECT_EQ(cache.find("k", &later), std::nullopt);
}

// A reader missed, read RocksDB before a batch was committed, and comes back with the old
// record after the apply path invalidated the key: the old record must not return.
TEST(ReadCache, RefusesAFillThatAnInvalidationOvertook) {
  ReadCache cache;
  uint64_t epoch = 0;
  EXPECT_EQ(cache.find("k", &epoch), std::nullopt);
  cache.invalidate({"k"});
  cache.fill("k", "old", epoch);
  uint64_t now = 0;
  EXPECT_EQ(cache.find("k", &now), std::nullopt);
  EXPECT_NE(now, epoch);
  cache.fill("k", "new", now);
  EXPECT_EQ(cache.find("k", &now), std::optional<std::string>("new"));
  cache.clear();  // a snapshot install: nothing survives, and older reads cannot refill
  cache.fill("k", "new", now);
  EXPECT_EQ(cache.find("k", &now), std::nullopt);
}

TEST(ReadCache, KeepsWithinItsBytesAndSkipsLargeRecords) {
  ReadCache cache(/*max_bytes=*/64 * 1024);  // 1 KiB per shard
  uint64_t epoch = 0;
  (void)cache.find("big", &epoch);
  cache.fill("big", std::string(ReadCache::kMaxRecordBytes + 1, 'x'), epoch);
  EXPECT_EQ(cache.find("big", &epoch), std::nullopt);
  // Many records in one shard's budget: the shard starts over rather than growing.
  size_t cached = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string key = "key" + std::to_string(i);
    (void)cache.find(key, &epoch);
    cache.fill(key, std::string(100, 'v'), epoch);
  }
  for (int i = 0; i < 2000; ++i) {
    cached += cache.find("key" + std::to_string(i), &epoch).has_value();
  }
  EXPECT_GT(cached, 0u);
  EXPECT_LE(cached * 164, 64u * 1024);
}

}  // namespace
}  // namespace seshat::storage
