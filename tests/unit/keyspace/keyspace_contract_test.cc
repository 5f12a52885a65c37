// The Keyspace contract (storage/keyspace.h), one typed suite run on both implementations: the
// in-memory keyspace the handler tests use and the RocksDB apply view the server uses. A
// behaviour the handler tests rely on is only worth something if the real keyspace shares it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "storage/mem_keyspace.h"
#include "storage/rocks_keyspace.h"
#include "unit/storage/open_storage.h"
#include "unit/storage/temp_dir.h"

namespace seshat::storage {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

// What a test drives: a keyspace, the log position and clock of the entry being applied, and a
// commit point (a no-op in memory; RocksDB writes the batch and starts a new one).
class MemHarness {
 public:
  Keyspace& ks() { return ks_; }
  void at(uint64_t index, int64_t now_ms) {
    ks_.set_index(index);
    ks_.set_now_ms(now_ms);
  }
  void commit() {}

 private:
  MemKeyspace ks_{kNow, 1};
};

class RocksHarness {
 public:
  RocksHarness() : engine_(testing::open_engine(dir_.path())) {
    EXPECT_NE(engine_, nullptr);
    batch_ = std::make_unique<ApplyBatch>(*engine_);
    batch_->begin_entry(1, kNow);
  }
  Keyspace& ks() { return *batch_; }
  void at(uint64_t index, int64_t now_ms) { batch_->begin_entry(index, now_ms); }
  void commit() {
    const uint64_t index = batch_->index();
    const int64_t now = batch_->now_ms();
    ASSERT_TRUE(batch_->commit(false).ok());
    batch_ = std::make_unique<ApplyBatch>(*engine_);
    batch_->begin_entry(index, now);
  }

 private:
  seshat::testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ApplyBatch> batch_;
};

template <typename H>
class KeyspaceContract : public ::testing::Test {
 protected:
  H h;
};

using Harnesses = ::testing::Types<MemHarness, RocksHarness>;
class HarnessNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemHarness> ? "Memory" : "RocksDB";
  }
};
TYPED_TEST_SUITE(KeyspaceContract, Harnesses, HarnessNames);

TYPED_TEST(KeyspaceContract, PutGetErase) {
  auto& h = this->h;
  h.at(5, kNow);
  Keyspace& ks = h.ks();
  EXPECT_FALSE(ks.get("k"));
  ks.put("k", "v", 0);
  auto r = ks.get("k");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->value, "v");
  EXPECT_EQ(r->expire_at_ms, 0);
  EXPECT_EQ(r->version, 5u);
  EXPECT_EQ(ks.count(), 1u);
  h.commit();
  EXPECT_EQ(h.ks().get("k")->value, "v");
  EXPECT_TRUE(h.ks().erase("k"));
  EXPECT_FALSE(h.ks().erase("k"));
  EXPECT_FALSE(h.ks().get("k"));
  EXPECT_EQ(h.ks().count(), 0u);
}

TYPED_TEST(KeyspaceContract, ExpiredRecordsAreHiddenButCountedUntilPurged) {
  auto& h = this->h;
  h.ks().put("k", "v", kNow + 10);
  h.commit();
  h.at(2, kNow + 10);  // the expiry time itself: still live (expired only once now is past it)
  EXPECT_TRUE(h.ks().get("k"));
  EXPECT_FALSE(h.ks().purge_if_expired("k"));
  h.at(3, kNow + 11);
  EXPECT_FALSE(h.ks().get("k"));
  EXPECT_EQ(h.ks().count(), 1u);
  EXPECT_TRUE(h.ks().purge_if_expired("k"));
  EXPECT_EQ(h.ks().count(), 0u);
  EXPECT_FALSE(h.ks().purge_if_expired("k"));
}

TYPED_TEST(KeyspaceContract, EraseOfAnExpiredRecordRemovesItButReportsNoDelete) {
  auto& h = this->h;
  h.ks().put("k", "v", kNow);
  h.commit();
  h.at(2, kNow + 1);
  EXPECT_FALSE(h.ks().erase("k"));
  EXPECT_EQ(h.ks().count(), 0u);
}

TYPED_TEST(KeyspaceContract, VersionsTellEveryChangeApart) {
  auto& h = this->h;
  h.at(3, kNow);
  const uint64_t never = h.ks().version("k");
  EXPECT_EQ(never, 0u);
  h.ks().put("k", "v", kNow + 100);
  const uint64_t written = h.ks().version("k");
  EXPECT_EQ(written, 3u);
  h.commit();
  h.at(3, kNow + 100);
  EXPECT_EQ(h.ks().version("k"), written);  // still live at its expiry time
  h.at(3, kNow + 101);
  const uint64_t expired = h.ks().version("k");
  EXPECT_NE(expired, written);
  EXPECT_NE(expired, never);
  h.at(4, kNow + 101);
  h.ks().purge_if_expired("k");
  EXPECT_EQ(h.ks().version("k"), 4u);  // the tombstone remembers the delete
  h.commit();
  h.at(5, kNow + 101);
  h.ks().put("k", "again", 0);
  EXPECT_EQ(h.ks().version("k"), 5u);
  h.at(6, kNow + 101);
  h.ks().erase("k");
  EXPECT_EQ(h.ks().version("k"), 6u);
  h.at(7, kNow + 101);
  h.ks().put("other", "x", 0);
  h.ks().clear();
  h.commit();
  EXPECT_EQ(h.ks().version("other"), 7u);
}

TYPED_TEST(KeyspaceContract, ScanVisitsEveryLiveKeyInStableOrder) {
  auto& h = this->h;
  std::set<std::string> live;
  for (int i = 0; i < 300; ++i) {
    std::string key = "k" + std::to_string(i);
    const bool dead = i % 7 == 0;
    h.ks().put(key, "v", dead ? kNow : 0);
    if (!dead) live.insert(key);
  }
  h.commit();
  h.at(2, kNow + 1);  // past the dead keys' expiry time
  std::vector<std::string> order;
  uint64_t cursor = 0;
  int calls = 0;
  do {
    const size_t before = order.size();
    cursor = h.ks().scan(cursor, 10,
                         [&](std::string_view key, const Record&) { order.emplace_back(key); });
    EXPECT_LE(order.size() - before, 10u);
    ++calls;
  } while (cursor != 0);
  EXPECT_EQ(std::set<std::string>(order.begin(), order.end()), live);
  EXPECT_EQ(order.size(), live.size());
  EXPECT_GE(calls, 30);
  std::vector<std::string> again;
  h.ks().scan(0, 1'000'000, [&](std::string_view key, const Record&) { again.emplace_back(key); });
  EXPECT_EQ(again, order);
}

TYPED_TEST(KeyspaceContract, ScanContinuesAcrossWrites) {
  auto& h = this->h;
  for (int i = 0; i < 100; ++i) h.ks().put("stable" + std::to_string(i), "v", 0);
  h.commit();
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int round = 0;
  do {
    cursor =
        h.ks().scan(cursor, 5, [&](std::string_view key, const Record&) { seen.emplace(key); });
    h.ks().put("churn" + std::to_string(round), "v", 0);
    if (round > 0) h.ks().erase("churn" + std::to_string(round - 1));
    if (round % 3 == 0) h.commit();
    ++round;
  } while (cursor != 0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(seen.count("stable" + std::to_string(i)));
}

// A transaction can write keys and then SCAN or KEYS them in the same apply round, and write
// again after: the scan sees the round's writes, the later writes are kept too.
TYPED_TEST(KeyspaceContract, ScanInsideTheRoundSeesItsWritesAndLaterWritesLand) {
  auto& h = this->h;
  h.ks().put("old", "v", 0);
  h.ks().put("gone", "v", 0);
  h.commit();
  h.at(2, kNow);
  h.ks().put("new", "v", 0);
  h.ks().erase("gone");
  auto keys = [&] {
    std::set<std::string> seen;
    h.ks().scan(0, 1'000'000, [&](std::string_view key, const Record&) { seen.emplace(key); });
    return seen;
  };
  EXPECT_EQ(keys(), (std::set<std::string>{"new", "old"}));
  h.ks().put("after", "v", 0);
  h.ks().erase("old");
  EXPECT_EQ(keys(), (std::set<std::string>{"after", "new"}));
  EXPECT_EQ(h.ks().count(), 2u);
  h.commit();
  EXPECT_EQ(keys(), (std::set<std::string>{"after", "new"}));
  ASSERT_TRUE(h.ks().get("after"));
  EXPECT_FALSE(h.ks().get("old"));
  EXPECT_EQ(h.ks().count(), 2u);
}

TYPED_TEST(KeyspaceContract, RandomKeyIsLive) {
  auto& h = this->h;
  EXPECT_FALSE(h.ks().random_key());
  for (int i = 0; i < 50; ++i) h.ks().put("k" + std::to_string(i), "v", i < 45 ? kNow : 0);
  h.commit();
  h.at(2, kNow + 1);  // past the expiry time of k0..k44
  std::set<std::string> picked;
  for (int i = 0; i < 40; ++i) {
    auto k = h.ks().random_key();
    ASSERT_TRUE(k);
    EXPECT_TRUE(h.ks().get(*k)) << *k;
    picked.insert(*k);
  }
  EXPECT_GE(picked.size(), 1u);
}

TYPED_TEST(KeyspaceContract, BinaryKeys) {
  auto& h = this->h;
  const std::string k1("a\0b", 3), k2("a\0c", 3), k3("a", 1);
  h.ks().put(k1, "1", 0);
  h.ks().put(k2, "2", 0);
  h.ks().put(k3, "3", 0);
  h.commit();
  EXPECT_EQ(h.ks().get(k1)->value, "1");
  EXPECT_EQ(h.ks().get(k2)->value, "2");
  EXPECT_EQ(h.ks().get(k3)->value, "3");
  EXPECT_EQ(h.ks().count(), 3u);
}

// ---- collection members ----

std::vector<std::string> names(Keyspace& ks, std::string_view key, uint64_t gen,
                               std::string_view from, bool reverse, size_t limit = 100) {
  std::vector<std::string> out;
  auto visit = [&](std::string_view m, std::string_view) {
    out.emplace_back(m);
    return out.size() < limit;
  };
  if (reverse) {
    ks.scan_members_reverse(key, gen, from, visit);
  } else {
    ks.scan_members(key, gen, from, visit);
  }
  return out;
}

TYPED_TEST(KeyspaceContract, GenerationsAreDistinctWithinAnEntryAndAcrossEntries) {
  auto& h = this->h;
  h.at(10, kNow);
  const uint64_t a = h.ks().new_generation();
  const uint64_t b = h.ks().new_generation();
  h.at(11, kNow);
  const uint64_t c = h.ks().new_generation();
  EXPECT_EQ(std::set<uint64_t>({a, b, c}).size(), 3u);
  EXPECT_LT(a, c);
  EXPECT_LT(b, c);
}

TYPED_TEST(KeyspaceContract, MembersAreOrderedByNameAndKeptApartByKeyAndGeneration) {
  auto& h = this->h;
  const uint64_t g1 = h.ks().new_generation();
  const uint64_t g2 = h.ks().new_generation();
  const std::string bin("m\0x", 3);
  for (const std::string& m : {std::string("b"), std::string("a"), bin, std::string("c")}) {
    h.ks().put_member("k", g1, m, "v-" + m);
  }
  h.ks().put_member("k", g2, "other-generation", "x");
  h.ks().put_member("k2", g1, "other-key", "x");
  h.ks().put_member(std::string("k\0", 2), g1, "prefix-key", "x");
  h.commit();
  Keyspace& ks = h.ks();
  EXPECT_EQ(names(ks, "k", g1, "", false), (std::vector<std::string>{"a", "b", "c", bin}));
  EXPECT_EQ(names(ks, "k", g1, "b", false), (std::vector<std::string>{"b", "c", bin}));
  EXPECT_EQ(names(ks, "k", g1, "bb", false), (std::vector<std::string>{"c", bin}));
  EXPECT_EQ(names(ks, "k", g1, "", false, 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names(ks, "k", g1, "", true), (std::vector<std::string>{bin, "c", "b", "a"}));
  EXPECT_EQ(names(ks, "k", g1, "bb", true), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(names(ks, "k", g1, "b", true), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(names(ks, "k", g2, "", false), (std::vector<std::string>{"other-generation"}));
  EXPECT_EQ(ks.get_member("k", g1, bin), "v-" + bin);
  EXPECT_FALSE(ks.get_member("k", g2, "a"));
  EXPECT_FALSE(ks.get_member("k2", g1, "a"));
  ks.erase_member("k", g1, "b");
  ks.erase_member("k", g1, "never-there");
  EXPECT_FALSE(ks.get_member("k", g1, "b"));
  EXPECT_EQ(names(ks, "k", g1, "", false), (std::vector<std::string>{"a", "c", bin}));
  h.commit();
  EXPECT_EQ(names(h.ks(), "k", g1, "", true), (std::vector<std::string>{bin, "c", "a"}));
}

// Picks spread over the whole collection, small (read once, uniform) or big (a descent over
// names that share a long prefix), and on the apply view they follow the log position.
TYPED_TEST(KeyspaceContract, PickedMembersSpreadOverTheCollectionAndFollowTheLog) {
  for (uint64_t size : {uint64_t{20}, MemberPicker::kListedLimit + 500}) {
    SCOPED_TRACE("size " + std::to_string(size));
    auto& h = this->h;
    h.at(100 + size, kNow);  // a generation of its own for each size
    const uint64_t g = h.ks().new_generation();
    EXPECT_FALSE(MemberPicker(h.ks(), "k", g, 0).pick());
    char name[32];
    for (uint64_t i = 0; i < size; ++i) {
      std::snprintf(name, sizeof(name), "user:%06llu", static_cast<unsigned long long>(i));
      h.ks().put_member("k", g, name, "v");
    }
    h.commit();
    std::map<std::string, int> seen;
    const int picks = 2000;
    for (int i = 0; i < picks; ++i) {
      h.at(1000 + static_cast<uint64_t>(i), kNow);
      auto m = MemberPicker(h.ks(), "k", g, size).pick();
      ASSERT_TRUE(m);
      EXPECT_TRUE(h.ks().get_member("k", g, m->first));
      ++seen[m->first];
    }
    // Not stuck on a few: many distinct members, and none picked far more often than its share.
    EXPECT_GE(seen.size(), std::min<size_t>(size, 400));
    int most = 0;
    for (const auto& [m, n] : seen) most = std::max(most, n);
    EXPECT_LT(most, std::max<int>(60, 10 * picks / static_cast<int>(size))) << "most picked";
    // On the apply view the bits are a function of the log position: the same entry picks alike.
    h.at(7000, kNow);
    auto first = MemberPicker(h.ks(), "k", g, size).pick();
    h.at(7001, kNow);
    h.at(7000, kNow);
    EXPECT_EQ(MemberPicker(h.ks(), "k", g, size).pick(), first);
  }
}

}  // namespace
}  // namespace seshat::storage
