// split_inline_args against Redis 7.0's sdssplitargs (each case checked against redis-server).
#include "protocol/inline_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace seshat::protocol {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

Args split(std::string_view line) {
  Args args = {"stale"};
  EXPECT_TRUE(split_inline_args(line, args)) << line;
  return args;
}

bool rejects(std::string_view line) {
  Args args = {"stale"};
  const bool ok = split_inline_args(line, args);
  EXPECT_TRUE(args.empty());
  return !ok;
}

TEST(InlineArgs, Blanks) {
  EXPECT_EQ(split(""), Args{});
  EXPECT_EQ(split(" \t\r\n\v\f"), Args{});
  EXPECT_EQ(split("  SET   k\tv  "), (Args{"SET", "k", "v"}));
  // Leading blanks include \v and \f, but only space, \t, \r, \n end an unquoted argument.
  EXPECT_EQ(split("\va\vb \fc"), (Args{"a\vb", "c"}));
  EXPECT_EQ(split("a\rb\nc"), (Args{"a", "b", "c"}));
}

TEST(InlineArgs, DoubleQuotes) {
  EXPECT_EQ(split("\"a b\""), Args{"a b"});
  EXPECT_EQ(split("\"\""), Args{""});
  EXPECT_EQ(split("\"a\\x41b\""), Args{"aAb"});
  EXPECT_EQ(split("\"\\x4a\\X4a\\x4\\xZZ\""), Args{"JX4ax4xZZ"});
  EXPECT_EQ(split("\"\\x00\\xff\""), Args{"\0\xff"s});
  EXPECT_EQ(split("\"a\\nb\\r\\t\\b\\a\\\"\\\\z\\q\""), Args{"a\nb\r\t\b\a\"\\zq"});
  EXPECT_EQ(split("\"it's\""), Args{"it's"});
}

TEST(InlineArgs, SingleQuotes) {
  EXPECT_EQ(split("'a b'"), Args{"a b"});
  EXPECT_EQ(split("''"), Args{""});
  EXPECT_EQ(split("'it\\'s'"), Args{"it's"});
  // Only \' is an escape: everything else is literal.
  EXPECT_EQ(split("'a\\nb\\x41\"'"), Args{"a\\nb\\x41\""});
}

TEST(InlineArgs, QuoteInsideAnArgument) {
  EXPECT_EQ(split("a\"b c\""), Args{"ab c"});
  EXPECT_EQ(split("a'b'"), Args{"ab"});
  EXPECT_EQ(split("a\"b\" c"), (Args{"ab", "c"}));
}

TEST(InlineArgs, ClosingQuoteMustEndTheArgument) {
  EXPECT_EQ(split("\"a\" b"), (Args{"a", "b"}));
  EXPECT_EQ(split("\"a\"\vb"), (Args{"a", "b"}));  // any blank counts here
  EXPECT_EQ(split("\"a\"\t"), Args{"a"});
  EXPECT_TRUE(rejects("\"a\"b"));
  EXPECT_TRUE(rejects("'a'b"));
  EXPECT_TRUE(rejects("\"a\"\"b\""));
}

TEST(InlineArgs, Unterminated) {
  EXPECT_TRUE(rejects("\"abc"));
  EXPECT_TRUE(rejects("'abc"));
  EXPECT_TRUE(rejects("ok \"abc"));
  EXPECT_TRUE(rejects("\"abc\\\""));  // the quote is escaped
  EXPECT_TRUE(rejects("\"\\"));
  EXPECT_TRUE(rejects("'\\\\'"));  // \\ is not an escape in single quotes, \' is
}

TEST(InlineArgs, NulEndsTheLine) {
  EXPECT_EQ(split("a\0b c"s), Args{"a"});
  EXPECT_TRUE(rejects("\"a\0\""s));
}

}  // namespace
}  // namespace seshat::protocol
