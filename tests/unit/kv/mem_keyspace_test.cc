// MemKeyspace: the reference Keyspace that the handler tests run on must itself behave like the
// RocksDB views (visibility, versions, tombstones, scan cursors).
#include "storage/mem_keyspace.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace seshat::storage {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

TEST(MemKeyspace, PutGetErase) {
  MemKeyspace ks(kNow, 5);
  EXPECT_FALSE(ks.get("k"));
  ks.put("k", "v", 0);
  auto r = ks.get("k");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value, "v");
  EXPECT_EQ(r->expire_at_ms, 0);
  EXPECT_EQ(r->version, 5u);
  EXPECT_EQ(ks.count(), 1u);
  EXPECT_TRUE(ks.erase("k"));
  EXPECT_FALSE(ks.erase("k"));
  EXPECT_FALSE(ks.get("k"));
  EXPECT_EQ(ks.count(), 0u);
}

TEST(MemKeyspace, ExpiredRecordsAreHiddenButCountedUntilPurged) {
  MemKeyspace ks(kNow, 1);
  ks.put("k", "v", kNow + 10);
  ks.set_now_ms(kNow + 9);
  EXPECT_TRUE(ks.get("k"));
  EXPECT_FALSE(ks.purge_if_expired("k"));
  ks.set_now_ms(kNow + 10);  // the expiry time itself: still live (expired only once now > it)
  EXPECT_TRUE(ks.get("k"));
  EXPECT_FALSE(ks.purge_if_expired("k"));
  ks.set_now_ms(kNow + 11);
  EXPECT_FALSE(ks.get("k"));
  EXPECT_EQ(ks.count(), 1u);
  EXPECT_TRUE(ks.raw("k"));
  EXPECT_TRUE(ks.purge_if_expired("k"));
  EXPECT_EQ(ks.count(), 0u);
  EXPECT_FALSE(ks.purge_if_expired("k"));
}

TEST(MemKeyspace, EraseOfAnExpiredRecordRemovesItButReportsNoDelete) {
  MemKeyspace ks(kNow, 1);
  ks.put("k", "v", kNow);
  ks.set_now_ms(kNow + 1);
  EXPECT_FALSE(ks.erase("k"));
  EXPECT_EQ(ks.count(), 0u);
}

TEST(MemKeyspace, VersionsTellEveryChangeApart) {
  MemKeyspace ks(kNow, 3);
  const uint64_t never = ks.version("k");
  EXPECT_EQ(never, 0u);
  ks.put("k", "v", kNow + 100);
  const uint64_t written = ks.version("k");
  EXPECT_EQ(written, 3u);
  ks.set_now_ms(kNow + 100);
  EXPECT_EQ(ks.version("k"), written);  // still live at its expiry time
  ks.set_now_ms(kNow + 101);
  const uint64_t expired = ks.version("k");
  EXPECT_NE(expired, written);
  EXPECT_NE(expired, never);
  ks.set_index(4);
  ks.purge_if_expired("k");
  const uint64_t purged = ks.version("k");
  EXPECT_EQ(purged, 4u);  // the tombstone remembers the delete
  ks.set_index(5);
  ks.put("k", "again", 0);
  EXPECT_EQ(ks.version("k"), 5u);
  ks.set_index(6);
  ks.erase("k");
  EXPECT_EQ(ks.version("k"), 6u);
  ks.set_index(7);
  ks.put("other", "x", 0);
  ks.clear();
  EXPECT_EQ(ks.version("other"), 7u);
}

TEST(MemKeyspace, ScanVisitsEveryLiveKeyInStableOrder) {
  MemKeyspace ks(kNow, 1);
  std::set<std::string> live;
  for (int i = 0; i < 300; ++i) {
    std::string key = "k" + std::to_string(i);
    bool dead = i % 7 == 0;
    ks.put(key, "v", dead ? kNow : 0);
    if (!dead) live.insert(key);
  }
  ks.set_now_ms(kNow + 1);  // past the dead keys' expiry time
  std::vector<std::string> order;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    size_t before = order.size();
    cursor =
        ks.scan(cursor, 10, [&](std::string_view key, const Record&) { order.emplace_back(key); });
    EXPECT_LE(order.size() - before, 10u);
    ++calls;
  } while (cursor != 0);
  EXPECT_EQ(std::set<std::string>(order.begin(), order.end()), live);
  EXPECT_EQ(order.size(), live.size());
  EXPECT_GE(calls, 30);
  // A second walk sees the same order.
  std::vector<std::string> again;
  ks.scan(0, 1'000'000, [&](std::string_view key, const Record&) { again.emplace_back(key); });
  EXPECT_EQ(again, order);
}

TEST(MemKeyspace, ScanContinuesAcrossWrites) {
  // Keys present for the whole iteration are visited even if others come and go meanwhile.
  MemKeyspace ks(kNow, 1);
  for (int i = 0; i < 100; ++i) ks.put("stable" + std::to_string(i), "v", 0);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int round = 0;
  do {
    cursor = ks.scan(cursor, 5, [&](std::string_view key, const Record&) { seen.emplace(key); });
    ks.put("churn" + std::to_string(round), "v", 0);
    if (round > 0) ks.erase("churn" + std::to_string(round - 1));
    ++round;
  } while (cursor != 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.count("stable" + std::to_string(i)));
}

TEST(MemKeyspace, RandomKeyIsLiveAndReproducible) {
  MemKeyspace a(kNow, 1, 42), b(kNow, 1, 42);
  EXPECT_FALSE(a.random_key());
  for (int i = 0; i < 50; ++i) {
    a.put("k" + std::to_string(i), "v", i < 45 ? kNow : 0);
    b.put("k" + std::to_string(i), "v", i < 45 ? kNow : 0);
  }
  a.set_now_ms(kNow + 1);  // past the expiry time of k0..k44
  b.set_now_ms(kNow + 1);
  for (int i = 0; i < 20; ++i) {
    auto ka = a.random_key();
    ASSERT_TRUE(ka);
    EXPECT_TRUE(a.get(*ka));
    EXPECT_EQ(ka, b.random_key());
  }
}

TEST(MemKeyspace, BinaryKeys) {
  MemKeyspace ks(kNow, 1);
  const std::string k1("a\0b", 3), k2("a\0c", 3), k3("a", 1);
  ks.put(k1, "1", 0);
  ks.put(k2, "2", 0);
  ks.put(k3, "3", 0);
  EXPECT_EQ(ks.get(k1)->value, "1");
  EXPECT_EQ(ks.get(k2)->value, "2");
  EXPECT_EQ(ks.get(k3)->value, "3");
  EXPECT_EQ(ks.count(), 3u);
}

TEST(MemKeyspace, DumpComparesWholeState) {
  MemKeyspace a(kNow, 1), b(kNow, 1);
  a.put("x", "1", 0);
  b.put("x", "1", 0);
  EXPECT_EQ(a.dump(), b.dump());
  b.set_index(2);
  b.put("x", "1", 0);  // same value, different version
  EXPECT_FALSE(a.dump() == b.dump());
}

}  // namespace
}  // namespace seshat::storage
