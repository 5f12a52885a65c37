// Expiry commands against MemKeyspace: options, overflow, negative and past times, the
// visibility boundary, and TTL rounding. Expected replies checked against redis-server 7.0.
#include <string>

#include "kv_test_util.h"

namespace seshat::kv::testing {
namespace {

using ExpiryCommands = KvTest;

TEST_F(ExpiryCommands, ExpireFamilySetsAbsoluteTimes) {
  EXPECT_EQ(run({"MSET", "a", "1", "b", "1", "c", "1", "d", "1"}), Ok());
  EXPECT_EQ(run({"EXPIRE", "a", "10"}), Int(1));
  EXPECT_EQ(run({"PEXPIRETIME", "a"}), Int(kNow + 10'000));
  EXPECT_EQ(run({"PEXPIRE", "b", "1500"}), Int(1));
  EXPECT_EQ(run({"PEXPIRETIME", "b"}), Int(kNow + 1500));
  EXPECT_EQ(run({"EXPIREAT", "c", std::to_string(kNow / 1000 + 60)}), Int(1));
  EXPECT_EQ(run({"PEXPIRETIME", "c"}), Int(kNow + 60'000));
  EXPECT_EQ(run({"PEXPIREAT", "d", std::to_string(kNow + 1)}), Int(1));
  EXPECT_EQ(run({"PTTL", "d"}), Int(1));
  EXPECT_EQ(run({"EXPIRE", "nokey", "10"}), Int(0));
}

TEST_F(ExpiryCommands, VisibilityBoundary) {
  EXPECT_EQ(run({"SET", "k", "v", "PX", "100"}), Ok());
  advance_ms(99);
  EXPECT_EQ(run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(run({"PTTL", "k"}), Int(1));
  // now == expiry time: still visible during that millisecond (Redis: expired only if now > when)
  advance_ms(1);
  EXPECT_EQ(run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(1));
  EXPECT_EQ(run({"PTTL", "k"}), Int(0));
  EXPECT_EQ(run({"TTL", "k"}), Int(0));
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), Int(kNow + 100));
  advance_ms(1);  // one millisecond past the expiry time: expired
  EXPECT_EQ(run({"GET", "k"}), Nil());
  EXPECT_EQ(run({"PTTL", "k"}), Int(-2));
  EXPECT_EQ(run({"TTL", "k"}), Int(-2));
  EXPECT_EQ(run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(run({"EXPIRE", "k", "100"}), Int(0));  // cannot revive it
  EXPECT_EQ(run({"GET", "k"}), Nil());
}

TEST_F(ExpiryCommands, PastAndNegativeTimesDeleteTheKey) {
  for (auto args : {Argv{"EXPIRE", "k", "-1"}, Argv{"EXPIRE", "k", "0"}, Argv{"PEXPIRE", "k", "0"},
                    Argv{"EXPIREAT", "k", "1"}, Argv{"PEXPIREAT", "k", std::to_string(kNow)},
                    Argv{"EXPIRE", "k", "-9223372036854775"}}) {
    ASSERT_EQ(run({"SET", "k", "v"}), Ok());
    EXPECT_EQ(run(args), Int(1)) << args[0] << " " << args[2];
    EXPECT_EQ(run({"EXISTS", "k"}), Int(0));
    EXPECT_EQ(run({"DBSIZE"}), Int(0));
  }
}

TEST_F(ExpiryCommands, OverflowIsAnError) {
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"EXPIRE", "k", "9223372036854776"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"EXPIRE", "k", "9223372036854775"}),  // fits in ms, overflows with now added
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"EXPIRE", "k", "-9223372036854776"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(run({"PEXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(run({"EXPIREAT", "k", "9223372036854776"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(run({"EXPIRE", "k", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"EXPIRE", "k", "1.5"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
  // The largest absolute times are fine.
  EXPECT_EQ(run({"EXPIREAT", "k", "9223372036854775"}), Int(1));
  EXPECT_EQ(run({"EXPIRETIME", "k"}), Int(9223372036854775));
  EXPECT_EQ(run({"PEXPIREAT", "k", "9223372036854775807"}), Int(1));
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), Int(INT64_MAX));
  EXPECT_EQ(run({"EXPIRETIME", "k"}), Int(9223372036854776));
  EXPECT_EQ(run({"TTL", "k"}), Int((INT64_MAX - kNow + 500) / 1000));
}

TEST_F(ExpiryCommands, OptionErrors) {
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"EXPIRE", "k", "10", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(run({"EXPIRE", "nokey", "10", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(run({"EXPIRE", "k", "10", "a\r\nb"}), Err("ERR Unsupported option a  b"));
  const Reply nx = Err("ERR NX and XX, GT or LT options at the same time are not compatible");
  EXPECT_EQ(run({"EXPIRE", "k", "10", "NX", "XX"}), nx);
  EXPECT_EQ(run({"EXPIRE", "k", "10", "nx", "gt"}), nx);
  EXPECT_EQ(run({"EXPIRE", "k", "10", "LT", "NX"}), nx);
  const Reply gtlt = Err("ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(run({"EXPIRE", "k", "10", "GT", "LT"}), gtlt);
  EXPECT_EQ(run({"EXPIRE", "k", "10", "XX", "GT", "LT"}), gtlt);
  // Options are checked before the time.
  EXPECT_EQ(run({"EXPIRE", "k", "abc", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
}

TEST_F(ExpiryCommands, Conditions) {
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"EXPIRE", "k", "100", "XX"}), Int(0));  // no TTL yet
  EXPECT_EQ(run({"EXPIRE", "k", "100", "GT"}), Int(0));  // no TTL counts as infinite
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(run({"EXPIRE", "k", "100", "LT"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(100));
  EXPECT_EQ(run({"EXPIRE", "k", "50", "NX"}), Int(0));
  EXPECT_EQ(run({"EXPIRE", "k", "50", "GT"}), Int(0));
  EXPECT_EQ(run({"EXPIRE", "k", "100", "GT"}), Int(0));  // equal is not greater
  EXPECT_EQ(run({"EXPIRE", "k", "200", "GT"}), Int(1));
  EXPECT_EQ(run({"EXPIRE", "k", "300", "LT"}), Int(0));
  EXPECT_EQ(run({"EXPIRE", "k", "200", "LT"}), Int(0));  // equal is not less
  EXPECT_EQ(run({"EXPIRE", "k", "150", "XX", "LT"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(150));
  EXPECT_EQ(run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(run({"EXPIRE", "k", "10", "NX"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(10));
  // A condition that fails leaves even a past time alone; one that passes deletes.
  EXPECT_EQ(run({"EXPIRE", "k", "-1", "GT"}), Int(0));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(1));
  EXPECT_EQ(run({"EXPIRE", "k", "-1", "LT"}), Int(1));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(0));
}

TEST_F(ExpiryCommands, TtlRounding) {
  EXPECT_EQ(run({"TTL", "k"}), Int(-2));
  EXPECT_EQ(run({"PTTL", "k"}), Int(-2));
  EXPECT_EQ(run({"EXPIRETIME", "k"}), Int(-2));
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), Int(-2));
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(run({"PTTL", "k"}), Int(-1));
  EXPECT_EQ(run({"EXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(run({"PEXPIRE", "k", "1499"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(1));
  EXPECT_EQ(run({"PEXPIRE", "k", "1500"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(2));  // rounded to nearest
  EXPECT_EQ(run({"PEXPIRE", "k", "499"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(0));
  EXPECT_EQ(run({"PEXPIREAT", "k", std::to_string(kNow + 1'234'567)}), Int(1));
  EXPECT_EQ(run({"EXPIRETIME", "k"}), Int((kNow + 1'234'567 + 500) / 1000));
}

TEST_F(ExpiryCommands, Persist) {
  EXPECT_EQ(run({"PERSIST", "nokey"}), Int(0));
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(run({"EXPIRE", "k", "10"}), Int(1));
  EXPECT_EQ(run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
  advance_ms(1'000'000);
  EXPECT_EQ(run({"GET", "k"}), Bulk("v"));
}

TEST_F(ExpiryCommands, RelativeTimesUseTheKeyspaceClock) {
  // The handler never reads a clock: the same command at two keyspace times gives two absolute
  // expiries that differ by exactly the clock difference.
  EXPECT_EQ(run({"SET", "a", "v", "EX", "10"}), Ok());
  advance_ms(12'345);
  EXPECT_EQ(run({"SET", "b", "v", "EX", "10"}), Ok());
  EXPECT_EQ(ks.raw("b")->expire_at_ms - ks.raw("a")->expire_at_ms, 12'345);
}

}  // namespace
}  // namespace seshat::kv::testing
