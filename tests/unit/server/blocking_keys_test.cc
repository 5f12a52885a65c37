// The wake-up rules of BlockingKeys: one waiter per written key, oldest first; a write during a
// try makes it try again; a woken waiter that leaves empty-handed passes its turn on.
#include "server/blocking_keys.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace seshat::server {
namespace {

// Waiters whose callbacks record what happened to them, by name.
struct Recorder {
  std::vector<std::string> events;
  BlockingKeys::Notify wake(const std::string& name) {
    return [this, name] { events.push_back("wake " + name); };
  }
  BlockingKeys::Notify lost(const std::string& name) {
    return [this, name] { events.push_back("lost " + name); };
  }
  uint64_t add(BlockingKeys& keys, const std::string& name, std::vector<std::string> on) {
    return keys.add(std::move(on), wake(name), lost(name));
  }
  std::vector<std::string> take() { return std::exchange(events, {}); }
};

using Events = std::vector<std::string>;

TEST(BlockingKeys, WakesTheOldestWaitingClientOfEachWrittenKey) {
  BlockingKeys keys;
  Recorder r;
  const uint64_t a = r.add(keys, "a", {"q"});
  const uint64_t b = r.add(keys, "b", {"q", "other"});
  const uint64_t c = r.add(keys, "c", {"z"});
  EXPECT_FALSE(keys.empty());
  EXPECT_EQ(keys.blocked(), 0u);  // no try has come back yet
  for (uint64_t id : {a, b, c}) EXPECT_FALSE(keys.settle(id));
  EXPECT_EQ(keys.blocked(), 3u);

  keys.keys_written({"q"});
  EXPECT_EQ(r.take(), (Events{"wake a"}));
  keys.keys_written({"q"});  // a is trying: it will try again; b gets this one
  EXPECT_EQ(r.take(), (Events{"wake b"}));
  EXPECT_TRUE(keys.settle(a));   // written during its try: again
  EXPECT_FALSE(keys.settle(a));  // nothing new: waits
  keys.keys_written({"z", "nobody"});
  EXPECT_EQ(r.take(), (Events{"wake c"}));
}

TEST(BlockingKeys, AServedWaiterLeavesTheNextTurnToItsOwnWrite) {
  BlockingKeys keys;
  Recorder r;
  const uint64_t a = r.add(keys, "a", {"q"});
  const uint64_t b = r.add(keys, "b", {"q"});
  keys.settle(a);
  keys.settle(b);
  keys.keys_written({"q"});
  EXPECT_EQ(r.take(), (Events{"wake a"}));
  keys.remove(a, /*served=*/true);  // its pop is a write: the driver reports it
  EXPECT_TRUE(r.take().empty());
  EXPECT_EQ(keys.blocked(), 1u);
  keys.keys_written({"q"});
  EXPECT_EQ(r.take(), (Events{"wake b"}));
}

TEST(BlockingKeys, AWokenWaiterThatLeavesEmptyHandedPassesItsTurn) {
  BlockingKeys keys;
  Recorder r;
  const uint64_t a = r.add(keys, "a", {"q"});
  const uint64_t b = r.add(keys, "b", {"q"});
  const uint64_t c = r.add(keys, "c", {"q"});
  for (uint64_t id : {a, b, c}) keys.settle(id);
  keys.remove(b, /*served=*/false);  // was waiting: nothing to pass on
  EXPECT_TRUE(r.take().empty());
  keys.keys_written({"q"});
  EXPECT_EQ(r.take(), (Events{"wake a"}));
  keys.remove(a, /*served=*/false);  // woken, then timed out or left
  EXPECT_EQ(r.take(), (Events{"wake c"}));
  keys.remove(c, /*served=*/true);
  EXPECT_TRUE(keys.empty());
  EXPECT_EQ(keys.blocked(), 0u);
}

TEST(BlockingKeys, WakeAllAndLeadershipLostReachEveryWaiter) {
  BlockingKeys keys;
  Recorder r;
  const uint64_t a = r.add(keys, "a", {"q"});
  const uint64_t b = r.add(keys, "b", {"z"});
  keys.settle(a);
  keys.settle(b);
  keys.wake_all();
  EXPECT_EQ(r.take(), (Events{"wake a", "wake b"}));
  keys.leadership_lost();
  EXPECT_EQ(r.take(), (Events{"lost a", "lost b"}));
}

}  // namespace
}  // namespace seshat::server
