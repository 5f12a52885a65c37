// MemKeyspace's own additions. The Keyspace contract it shares with the RocksDB apply view
// (visibility, versions, tombstones, scan cursors, members) is one typed suite run on both:
// tests/unit/keyspace/keyspace_contract_test.cc.
#include "storage/mem_keyspace.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace seshat::storage {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

TEST(MemKeyspace, ExpiredRecordsStayStoredUntilPurged) {
  MemKeyspace ks(kNow, 1);
  ks.put("k", "v", kNow + 10);
  ks.set_now_ms(kNow + 11);
  EXPECT_FALSE(ks.get("k"));
  EXPECT_TRUE(ks.raw("k"));
  EXPECT_TRUE(ks.purge_if_expired("k"));
  EXPECT_FALSE(ks.raw("k"));
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
