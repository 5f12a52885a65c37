// Error texts built from arguments, and the SCAN cursor rules, byte for byte as Redis 7.0.
#include <gtest/gtest.h>

#include <string>

#include "kv/errors.h"
#include "kv/number_parse.h"

namespace seshat::kv {
namespace {

TEST(Errors, WrongArityAndExpireTime) {
  EXPECT_EQ(err::wrong_arity("get"), "ERR wrong number of arguments for 'get' command");
  EXPECT_EQ(err::invalid_expire_time("pexpireat"),
            "ERR invalid expire time in 'pexpireat' command");
}

TEST(Errors, UnknownCommand) {
  EXPECT_EQ(err::unknown_command({"foo"}), "ERR unknown command 'foo', with args beginning with: ");
  EXPECT_EQ(err::unknown_command({"FOO", "bar", "baz"}),
            "ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' ");
  EXPECT_EQ(err::unknown_command({"foo", "a\r\nb", "c"}),
            "ERR unknown command 'foo', with args beginning with: 'a  b' 'c' ");
  // Arguments are printed with %s: a NUL ends one.
  EXPECT_EQ(err::unknown_command({"foo", std::string("a\0b", 3), "c"}),
            "ERR unknown command 'foo', with args beginning with: 'a' 'c' ");
  // At most 128 bytes of arguments are shown, the last one cut to fit.
  EXPECT_EQ(
      err::unknown_command({"foo", std::string(200, 'a'), "next"}),
      "ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'a') + "' ");
  EXPECT_EQ(err::unknown_command({"foo", std::string(100, 'a'), std::string(100, 'b'), "c"}),
            "ERR unknown command 'foo', with args beginning with: '" + std::string(100, 'a') +
                "' '" + std::string(25, 'b') + "' ");
  EXPECT_EQ(err::unknown_command({std::string(200, 'x')}),
            "ERR unknown command '" + std::string(128, 'x') + "', with args beginning with: ");
  // Once 128 bytes (quotes and spaces counted) are written, no further argument is shown.
  EXPECT_EQ(
      err::unknown_command({"foo", std::string(126, 'a'), "b"}),
      "ERR unknown command 'foo', with args beginning with: '" + std::string(126, 'a') + "' ");
  // The name too ends at a NUL.
  EXPECT_EQ(err::unknown_command({std::string("fo\0o", 4), "x"}),
            "ERR unknown command 'fo', with args beginning with: 'x' ");
}

TEST(Errors, UnknownSubcommand) {
  EXPECT_EQ(err::unknown_subcommand("foo", "client"),
            "ERR unknown subcommand 'foo'. Try CLIENT HELP.");
  EXPECT_EQ(err::unknown_subcommand(std::string(200, 'x'), "CLIENT"),
            "ERR unknown subcommand '" + std::string(128, 'x') + "'. Try CLIENT HELP.");
  EXPECT_EQ(err::unknown_subcommand("a\nb", "client"),
            "ERR unknown subcommand 'a b'. Try CLIENT HELP.");
}

TEST(Errors, UnsupportedOption) {
  EXPECT_EQ(err::unsupported_option("foo"), "ERR Unsupported option foo");
  EXPECT_EQ(err::unsupported_option("a\nb"), "ERR Unsupported option a b");
}

TEST(ScanCursor, StrtoulSemantics) {
  EXPECT_EQ(parse_scan_cursor("0"), 0u);
  EXPECT_EQ(parse_scan_cursor(""), 0u);
  EXPECT_EQ(parse_scan_cursor("+7"), 7u);
  EXPECT_EQ(parse_scan_cursor("007"), 7u);
  EXPECT_EQ(parse_scan_cursor("-1"), UINT64_MAX);
  EXPECT_EQ(parse_scan_cursor("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_scan_cursor(std::string("12\0junk", 7)), 12u);
  EXPECT_FALSE(parse_scan_cursor("18446744073709551616"));
  EXPECT_FALSE(parse_scan_cursor(" 1"));
  EXPECT_FALSE(parse_scan_cursor("1 "));
  EXPECT_FALSE(parse_scan_cursor("-"));
  EXPECT_FALSE(parse_scan_cursor("+"));
  EXPECT_FALSE(parse_scan_cursor("0x1"));
  EXPECT_FALSE(parse_scan_cursor("abc"));
}

// The timeout of BLPOP and friends, as redis-server 7.0 reads it (each value checked against it).
TEST(BlockTimeout, RoundsUpAndRefusesWhatRedisRefuses) {
  EXPECT_EQ(parse_block_timeout("0").ms, 0);
  EXPECT_EQ(parse_block_timeout("1").ms, 1000);
  EXPECT_EQ(parse_block_timeout(".5").ms, 500);
  EXPECT_EQ(parse_block_timeout("0.0001").ms, 1);    // rounds up: it does time out
  EXPECT_EQ(parse_block_timeout("-0.0001").ms, 0);   // rounds to 0: blocks without limit
  EXPECT_EQ(parse_block_timeout("0x1p-3").ms, 125);  // strtold's hex floats
  EXPECT_EQ(parse_block_timeout("9.2e15").ms, 9200000000000000000);
  for (const char* bad : {"abc", "nan", "", " 1", "1 "}) {
    EXPECT_EQ(parse_block_timeout(bad).error, "ERR timeout is not a float or out of range") << bad;
  }
  for (const char* negative : {"-1", "-0.01", "1e16", "inf", "1e300", "-1e300"}) {
    EXPECT_EQ(parse_block_timeout(negative).error, "ERR timeout is negative") << negative;
  }
}

TEST(CheckedAdd, Overflow) {
  EXPECT_EQ(checked_add(1, 2), 3);
  EXPECT_EQ(checked_add(INT64_MAX, 0), INT64_MAX);
  EXPECT_FALSE(checked_add(INT64_MAX, 1));
  EXPECT_FALSE(checked_add(INT64_MIN, -1));
  EXPECT_EQ(checked_add(INT64_MIN, INT64_MAX), -1);
}

}  // namespace
}  // namespace seshat::kv
