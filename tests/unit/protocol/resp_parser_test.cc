// RequestParser against the behaviour of redis-server 7.0 (each expected error text and quirk
// below was checked by sending the same bytes to a real redis-server).
#include "protocol/resp_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/protocol/parser_harness.h"

namespace seshat::protocol {
namespace {

using testing::Connection;
using testing::multibulk;
using testing::parse_all;
using testing::Parsed;
using Commands = std::vector<std::vector<std::string>>;
using namespace std::string_literals;

Parsed ok(Commands commands) { return Parsed{std::move(commands), ""}; }
Parsed failed(Commands commands, std::string error) {
  return Parsed{std::move(commands), std::move(error)};
}

// A stream exercising every kind of request and every skip rule.
std::string mixed_stream() {
  return multibulk({"SET", "key", std::string("v\0\r\n\r\nal", 8)}) + "\r\n" +  // blank line
         "*0\r\n" + "*-1\r\n" + "GET key\r\n" + "   \t\r\n" + multibulk({"ECHO", ""}) +
         "ECHO \"a\\x41 b\" 'it\\'s'\n" + multibulk({"PING"});
}

Commands mixed_commands() {
  return {{"SET", "key", std::string("v\0\r\n\r\nal", 8)},
          {"GET", "key"},
          {"ECHO", ""},
          {"ECHO", "aA b", "it's"},
          {"PING"}};
}

TEST(RequestParser, MultibulkCommand) {
  EXPECT_EQ(parse_all("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), ok({{"GET", "k"}}));
}

TEST(RequestParser, MultibulkIsBinarySafe) {
  const std::string value("\0\r\n$3\r\n*1\r\n", 11);
  EXPECT_EQ(parse_all(multibulk({"SET", value, ""})), ok({{"SET", value, ""}}));
}

TEST(RequestParser, InlineCommands) {
  EXPECT_EQ(parse_all("PING\r\n"), ok({{"PING"}}));
  EXPECT_EQ(parse_all("PING\n"), ok({{"PING"}}));
  EXPECT_EQ(parse_all("SET  k\tv \r\n"), ok({{"SET", "k", "v"}}));
  // Only one '\r' before the '\n' belongs to the terminator; another one is a blank.
  EXPECT_EQ(parse_all("ECHO a\r\r\n"), ok({{"ECHO", "a"}}));
  EXPECT_EQ(parse_all("ECHO a\rb\r\n"), ok({{"ECHO", "a", "b"}}));
}

TEST(RequestParser, OneCommandPerCallWithoutCopyingTheRest) {
  const std::string stream = multibulk({"PING"}) + "GET a\r\n" + multibulk({"GET", "b"});
  RequestParser parser;
  std::string_view rest = stream;
  std::vector<std::string> argv;
  std::string error;
  size_t consumed = 0;
  ASSERT_EQ(parser.parse(rest, consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string>{"PING"}));
  EXPECT_EQ(consumed, multibulk({"PING"}).size());
  rest.remove_prefix(consumed);
  ASSERT_EQ(parser.parse(rest, consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string>{"GET", "a"}));
  EXPECT_EQ(consumed, 7u);
  rest.remove_prefix(consumed);
  ASSERT_EQ(parser.parse(rest, consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string>{"GET", "b"}));
  rest.remove_prefix(consumed);
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(parser.parse(rest, consumed, argv, error), ParseResult::kIncomplete);
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(parser.idle());
}

TEST(RequestParser, PipelineOfManyCommands) {
  std::string stream;
  Commands expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "key:" + std::to_string(i);
    stream += i % 3 == 0 ? "GET " + key + "\r\n" : multibulk({"GET", key});
    expected.push_back({"GET", key});
  }
  EXPECT_EQ(parse_all(stream), ok(expected));
}

TEST(RequestParser, EmptyRequestsAreSkipped) {
  // Redis ignores blank inline lines and multibulk counts <= 0.
  EXPECT_EQ(parse_all("\r\n\n   \r\n*0\r\n*-1\r\n*-10\r\nPING\r\n"), ok({{"PING"}}));
  RequestParser parser;
  size_t consumed = 0;
  std::vector<std::string> argv;
  std::string error;
  EXPECT_EQ(parser.parse("\r\n*0\r\n\r\n", consumed, argv, error), ParseResult::kIncomplete);
  EXPECT_EQ(consumed, 8u);  // skipped bytes are consumed even without a command
}

TEST(RequestParser, StreamSplitAtEveryPoint) {
  const std::string stream = mixed_stream();
  for (size_t i = 0; i <= stream.size(); ++i) {
    Connection c;
    c.receive(stream.substr(0, i));
    c.receive(stream.substr(i));
    EXPECT_EQ(c.parsed(), ok(mixed_commands())) << "split at " << i;
    EXPECT_TRUE(c.unconsumed().empty());
    EXPECT_TRUE(c.parser().idle());
  }
}

TEST(RequestParser, StreamSplitAtEveryPairOfPoints) {
  const std::string stream = multibulk({"SET", "k", "v"}) + "GET 'k'\r\n" + multibulk({"PING"});
  const Commands expected = {{"SET", "k", "v"}, {"GET", "k"}, {"PING"}};
  for (size_t i = 0; i <= stream.size(); ++i) {
    for (size_t j = i; j <= stream.size(); ++j) {
      Connection c;
      c.receive(stream.substr(0, i));
      c.receive(stream.substr(i, j - i));
      c.receive(stream.substr(j));
      EXPECT_EQ(c.parsed(), ok(expected)) << "split at " << i << ", " << j;
    }
  }
}

TEST(RequestParser, StreamByteByByte) {
  const std::string stream = mixed_stream();
  Connection c;
  for (char byte : stream) c.receive(std::string_view(&byte, 1));
  EXPECT_EQ(c.parsed(), ok(mixed_commands()));
}

TEST(RequestParser, LargeBulkInPiecesIsConsumedAsItArrives) {
  const std::string payload(1 << 20, 'x');
  const std::string header = "*2\r\n$3\r\nSET\r\n$" + std::to_string(payload.size()) + "\r\n";
  Connection c;
  c.receive(header);
  EXPECT_TRUE(c.unconsumed().empty());
  EXPECT_EQ(c.parser().buffered_bytes(), 3u);
  for (size_t off = 0; off < payload.size(); off += 4096) {
    c.receive(std::string_view(payload).substr(off, 4096));
    // Every chunk moves into the parser at once: nothing waits to be rescanned.
    EXPECT_TRUE(c.unconsumed().empty());
    EXPECT_EQ(c.parser().buffered_bytes(), 3 + off + 4096);
    EXPECT_FALSE(c.parser().idle());
  }
  EXPECT_TRUE(c.parsed().commands.empty());
  c.receive("\r");
  EXPECT_TRUE(c.parsed().commands.empty());
  c.receive("\n");
  ASSERT_EQ(c.parsed(), ok({{"SET", payload}}));
  EXPECT_EQ(c.parser().buffered_bytes(), 0u);
  EXPECT_TRUE(c.parser().idle());
}

TEST(RequestParser, TerminatorBytesAreNotChecked) {
  // Redis skips the byte after a count line's '\r' and the two bytes after a payload.
  EXPECT_EQ(parse_all("*1\rX$4\r\nPINGxy"), ok({{"PING"}}));
  EXPECT_EQ(parse_all("*2\r\n$3\rXGET\r\n$1\r\nkAB*1\r\n$4\r\nPING\r\n"),
            ok({{"GET", "k"}, {"PING"}}));
}

TEST(RequestParser, WaitsForTheByteAfterCarriageReturn) {
  Connection c;
  c.receive("*1\r");
  c.receive("\n$4\r");
  EXPECT_EQ(c.unconsumed(), "$4\r");
  c.receive("\nPING\r\n");
  EXPECT_EQ(c.parsed(), ok({{"PING"}}));
  EXPECT_EQ(parse_all("PING\r"), ok({}));
}

TEST(RequestParser, NulBeforeTerminatorHidesIt) {
  // Redis searches lines with strchr(), which stops at a NUL: the request waits until the size
  // limit turns it into an error. A NUL inside a bulk payload is just data.
  EXPECT_EQ(parse_all("ECHO a\0b\r\n"s), ok({}));
  EXPECT_EQ(parse_all("*1\0\r\n$4\r\nPING\r\n"s), ok({}));
  EXPECT_EQ(parse_all("*1\r\n$4\0\r\nPING\r\n"s), ok({}));
  EXPECT_EQ(parse_all("ECHO a\0"s + std::string(kMaxInlineSize, '\n')),
            failed({}, "Protocol error: too big inline request"));
  EXPECT_EQ(parse_all("*1\r\n$4\r\nPI\0G\r\n"s), ok({{"PI\0G"s}}));
}

TEST(RequestParser, InvalidMultibulkLength) {
  const std::string error = "Protocol error: invalid multibulk length";
  for (const char* bad :
       {"*\r\n", "*abc\r\n", "*-0\r\n", "*+1\r\n", "*01\r\n", "*1 \r\n", "* 1\r\n",
        "*2147483648\r\n", "*99999999999999999999999\r\n", "*1x\r\n"}) {
    EXPECT_EQ(parse_all(bad), failed({}, error)) << bad;
  }
  // INT_MAX itself is accepted: the parser waits for the arguments, allocating nothing yet.
  EXPECT_EQ(parse_all("*2147483647\r\n"), ok({}));
}

TEST(RequestParser, InvalidBulkLength) {
  const std::string error = "Protocol error: invalid bulk length";
  for (const char* bad : {"$\r\n", "$-1\r\n", "$-0\r\n", "$04\r\n", "$+4\r\n", "$abc\r\n",
                          "$536870913\r\n", "$4 \r\n", "$99999999999999999999999\r\n"}) {
    EXPECT_EQ(parse_all("*1\r\n"s + bad), failed({}, error)) << bad;
  }
  EXPECT_EQ(parse_all("*1\r\n$536870912\r\n"), ok({}));
}

TEST(RequestParser, ExpectedDollar) {
  EXPECT_EQ(parse_all("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"),
            failed({}, "Protocol error: expected '$', got 'f'"));
  EXPECT_EQ(parse_all("*2\r\n$4\r\nECHO\r\n*1\r\n"),
            failed({}, "Protocol error: expected '$', got '*'"));
  // CR and LF are shown as a space so the error stays on one line.
  EXPECT_EQ(parse_all("*1\r\n\r\n"), failed({}, "Protocol error: expected '$', got ' '"));
  EXPECT_EQ(parse_all("*1\r\n\nPING\r\n"), failed({}, "Protocol error: expected '$', got ' '"));
  EXPECT_EQ(parse_all("*1\r\n\xffx\r\n"), failed({}, "Protocol error: expected '$', got '\xff'"));
  // Only a complete line is checked, so a short prefix just waits.
  EXPECT_EQ(parse_all("*1\r\nfoo"), ok({}));
}

TEST(RequestParser, TooBigInlineRequest) {
  EXPECT_EQ(parse_all(std::string(kMaxInlineSize, 'a')), ok({}));
  EXPECT_EQ(parse_all(std::string(kMaxInlineSize + 1, 'a')),
            failed({}, "Protocol error: too big inline request"));
  // The limit applies while the line is incomplete; Redis then reads 16 KiB at a time, so a
  // longer line that arrives whole is accepted (the command layer sees it).
  const std::string long_arg(kMaxInlineSize + 100, 'a');
  EXPECT_EQ(parse_all("ECHO " + long_arg + "\r\n"), ok({{"ECHO", long_arg}}));
  // Growing past the limit across reads fails on the read that crosses it.
  Connection c;
  c.receive(std::string(kMaxInlineSize, 'a'));
  EXPECT_FALSE(c.failed());
  c.receive("a");
  EXPECT_EQ(c.parsed().error, "Protocol error: too big inline request");
}

TEST(RequestParser, TooBigCountStrings) {
  EXPECT_EQ(parse_all("*" + std::string(kMaxInlineSize - 1, '1')), ok({}));
  EXPECT_EQ(parse_all("*" + std::string(kMaxInlineSize, '1')),
            failed({}, "Protocol error: too big mbulk count string"));
  EXPECT_EQ(parse_all("*1\r\n$" + std::string(kMaxInlineSize - 1, '1')), ok({}));
  EXPECT_EQ(parse_all("*1\r\n$" + std::string(kMaxInlineSize, '1')),
            failed({}, "Protocol error: too big bulk count string"));
  EXPECT_EQ(parse_all("*1\r\n" + std::string(kMaxInlineSize + 1, 'x')),
            failed({}, "Protocol error: too big bulk count string"));
  // A count line that does end is judged by its number instead.
  EXPECT_EQ(parse_all("*" + std::string(kMaxInlineSize + 10, '1') + "\r\n"),
            failed({}, "Protocol error: invalid multibulk length"));
}

TEST(RequestParser, UnbalancedQuotes) {
  for (const char* bad : {"ECHO \"abc\r\n", "ECHO 'abc\r\n", "ECHO \"abc\"d\r\n", "ECHO 'abc'd\r\n",
                          "ECHO \"\\\r\n", "ECHO \"\\\"\r\n"}) {
    EXPECT_EQ(parse_all(bad), failed({}, "Protocol error: unbalanced quotes in request")) << bad;
  }
}

TEST(RequestParser, UnauthenticatedLimits) {
  const bool unauth = false;
  EXPECT_EQ(parse_all("*10\r\n", unauth), ok({}));
  EXPECT_EQ(parse_all("*11\r\n", unauth),
            failed({}, "Protocol error: unauthenticated multibulk length"));
  EXPECT_EQ(parse_all("*1\r\n$16384\r\n", unauth), ok({}));
  EXPECT_EQ(parse_all("*1\r\n$16385\r\n", unauth),
            failed({}, "Protocol error: unauthenticated bulk length"));
  // Invalid lengths are reported as such first, as Redis does.
  EXPECT_EQ(parse_all("*2147483648\r\n", unauth),
            failed({}, "Protocol error: invalid multibulk length"));
  EXPECT_EQ(parse_all("*1\r\n$-1\r\n", unauth), failed({}, "Protocol error: invalid bulk length"));
  EXPECT_EQ(parse_all("*1\r\n$536870913\r\n", unauth),
            failed({}, "Protocol error: invalid bulk length"));
  // Inline requests have no separate unauthenticated limit.
  EXPECT_EQ(parse_all("AUTH a b c d e f g h i j k l\r\n", unauth),
            ok({{"AUTH", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}}));
  // Authenticated clients get the normal limits.
  EXPECT_EQ(parse_all("*11\r\n"), ok({}));
  EXPECT_EQ(parse_all("*1\r\n$16385\r\n"), ok({}));
}

TEST(RequestParser, CommandsBeforeAnErrorAreReturned) {
  EXPECT_EQ(parse_all("PING\r\n" + multibulk({"ECHO", "a"}) + "*1\r\nx\r\n"),
            failed({{"PING"}, {"ECHO", "a"}}, "Protocol error: expected '$', got 'x'"));
}

TEST(RequestParser, ErrorResetsTheParser) {
  RequestParser parser;
  size_t consumed = 99;
  std::vector<std::string> argv;
  std::string error;
  EXPECT_EQ(parser.parse("*1\r\n$-1\r\n", consumed, argv, error), ParseResult::kError);
  EXPECT_EQ(error, "Protocol error: invalid bulk length");
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(parser.idle());
  EXPECT_EQ(parser.parse("PING\r\n", consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, std::vector<std::string>{"PING"});
}

TEST(RequestParser, ResetDropsAPartialRequest) {
  Connection c;
  c.receive("*2\r\n$3\r\nGET\r\n$5\r\nab");
  EXPECT_FALSE(c.parser().idle());
  EXPECT_EQ(c.parser().buffered_bytes(), 5u);
  c.parser().reset();
  EXPECT_TRUE(c.parser().idle());
  EXPECT_EQ(c.parser().buffered_bytes(), 0u);
  c.receive("PING\r\n");
  EXPECT_EQ(c.parsed(), ok({{"PING"}}));
}

TEST(RequestParser, ShorterInputThanScannedIsSafe) {
  // A caller that breaks the contract (passes less than it did) must not crash the parser.
  RequestParser parser;
  size_t consumed = 0;
  std::vector<std::string> argv;
  std::string error;
  EXPECT_EQ(parser.parse("GET somekey", consumed, argv, error), ParseResult::kIncomplete);
  EXPECT_EQ(parser.parse("GE", consumed, argv, error), ParseResult::kIncomplete);
  EXPECT_EQ(parser.parse("GET k\r\n", consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string>{"GET", "k"}));
}

TEST(RequestParser, ArgvIsReplacedNotAppended) {
  RequestParser parser;
  size_t consumed = 0;
  std::vector<std::string> argv = {"stale", "values"};
  std::string error;
  ASSERT_EQ(parser.parse(multibulk({"PING"}), consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, std::vector<std::string>{"PING"});
  ASSERT_EQ(parser.parse("ECHO hi\r\n", consumed, argv, error), ParseResult::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string>{"ECHO", "hi"}));
}

}  // namespace
}  // namespace seshat::protocol
