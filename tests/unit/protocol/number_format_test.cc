// Number parsing and formatting against Redis 7.0 (expected values taken from redis-server:
// SET / INCRBY for integers, INCRBYFLOAT for long doubles).
#include "protocol/number_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace seshat::protocol {
namespace {

using namespace std::string_literals;

TEST(ParseInt64, Accepts) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("7"), 7);
  EXPECT_EQ(parse_int64("-7"), -7);
  EXPECT_EQ(parse_int64("1234567890"), 1234567890);
  EXPECT_EQ(parse_int64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_int64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64, RejectsWhatRedisRejects) {
  for (const std::string& bad :
       {""s, "-"s, "+1"s, "01"s, "00"s, "-0"s, "-01"s, " 1"s, "1 "s, "1.0"s, "1e3"s, "0x10"s,
        "9223372036854775808"s, "-9223372036854775809"s, "99999999999999999999999"s, "1\0"s,
        "\0001"s, "--1"s, "abc"s}) {
    EXPECT_EQ(parse_int64(bad), std::nullopt) << bad;
  }
}

TEST(ParseLongDouble, Accepts) {
  EXPECT_EQ(parse_long_double("1.5"), 1.5L);
  EXPECT_EQ(parse_long_double(".5"), 0.5L);
  EXPECT_EQ(parse_long_double("5."), 5.0L);
  EXPECT_EQ(parse_long_double("-.5"), -0.5L);
  EXPECT_EQ(parse_long_double("+1.5"), 1.5L);
  EXPECT_EQ(parse_long_double("1e+2"), 100.0L);
  EXPECT_EQ(parse_long_double("0x1p3"), 8.0L);
  EXPECT_EQ(parse_long_double("007"), 7.0L);
  EXPECT_EQ(parse_long_double("inf"), std::numeric_limits<long double>::infinity());
  EXPECT_EQ(parse_long_double("-Infinity"), -std::numeric_limits<long double>::infinity());
  EXPECT_EQ(parse_long_double("+INF"), std::numeric_limits<long double>::infinity());
  // Subnormal results are kept; only underflow all the way to zero is an error.
  ASSERT_TRUE(parse_long_double("1e-4940").has_value());
  EXPECT_GT(*parse_long_double("1e-4940"), 0.0L);
  EXPECT_TRUE(parse_long_double("1e4932").has_value());
  EXPECT_EQ(parse_long_double("1." + std::string(5117, '0')), 1.0L);  // 5119 bytes
}

TEST(ParseLongDouble, RejectsWhatRedisRejects) {
  for (const std::string& bad :
       {""s, " 1"s, "\t1"s, "1 "s, "1e"s, "1_0"s, "nan"s, "NaN"s, "-nan"s, "1e5000"s, "-1e5000"s,
        "0.1e-4950"s, "1\0abc"s, "abc"s, "."s, "1." + std::string(5118, '0')}) {
    EXPECT_EQ(parse_long_double(bad), std::nullopt) << bad.substr(0, 20);
  }
}

// What INCRBYFLOAT replies for `value` + `increment`, computed as Redis does.
std::string incrbyfloat(const char* value, const char* increment) {
  return format_double(*parse_long_double(value) + *parse_long_double(increment));
}

TEST(FormatDouble, MatchesIncrbyfloat) {
  EXPECT_EQ(incrbyfloat("10.5", "0.1"), "10.6");
  EXPECT_EQ(incrbyfloat("0.1", "0.2"), "0.3");
  EXPECT_EQ(incrbyfloat("1", "1e-20"), "1");
  EXPECT_EQ(incrbyfloat("-0.0", "0"), "0");
  EXPECT_EQ(incrbyfloat("5.0e3", "0"), "5000");
  EXPECT_EQ(incrbyfloat("3", "-3"), "0");
  EXPECT_EQ(incrbyfloat("-1", "0.5"), "-0.5");
  EXPECT_EQ(incrbyfloat("0x10", "0"), "16");
  EXPECT_EQ(incrbyfloat("1", "+1.5"), "2.5");
  EXPECT_EQ(incrbyfloat("0", "1e-7"), "0.0000001");
  EXPECT_EQ(incrbyfloat("1.23456789012345678901", "0"), "1.23456789012345679");
  // Not "%.17Lg": large values are written out in full.
  EXPECT_EQ(incrbyfloat("1e20", "0"), "100000000000000000000");
  // Redis prints every digit of the 80-bit long double nearest to 1e300.
  EXPECT_EQ(incrbyfloat("1e300", "0"),
            "10000000000000000000089973240795591938705239442732907479382600823212656465961809"
            "35755849152083750497190350372508614274835903592556184672983913096260520748646287"
            "32713564184365329408425510760601678972665293237003055138294762099454029477278188"
            "9620606179267611627097410650567187386105690089424915104006144");
  EXPECT_EQ(format_double(*parse_long_double("1e4932")).size(), 4933u);
}

TEST(FormatDouble, Infinities) {
  EXPECT_EQ(format_double(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(format_double(-std::numeric_limits<long double>::infinity()), "-inf");
}

TEST(FormatReplyDouble, PercentPoint17g) {
  EXPECT_EQ(format_reply_double(1.5), "1.5");
  EXPECT_EQ(format_reply_double(3), "3");
  EXPECT_EQ(format_reply_double(0.1), "0.10000000000000001");
  EXPECT_EQ(format_reply_double(-0.0), "-0");
  EXPECT_EQ(format_reply_double(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(format_reply_double(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_reply_double(-std::numeric_limits<double>::infinity()), "-inf");
}

}  // namespace
}  // namespace seshat::protocol
