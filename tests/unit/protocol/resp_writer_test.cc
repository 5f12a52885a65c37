#include "protocol/resp_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace seshat::protocol {
namespace {

using namespace std::string_literals;

std::string resp2(const Reply& r) { return encode_reply(r, ProtocolVersion::kResp2); }
std::string resp3(const Reply& r) { return encode_reply(r, ProtocolVersion::kResp3); }

// Types that RESP2 and RESP3 encode the same way.
TEST(RespWriter, CommonTypes) {
  const struct {
    Reply reply;
    std::string wire;
  } cases[] = {
      {Reply::Ok(), "+OK\r\n"},
      {Reply::Queued(), "+QUEUED\r\n"},
      {Reply::Simple(""), "+\r\n"},
      {Reply::Error("ERR syntax error"), "-ERR syntax error\r\n"},
      {Reply::Error("WRONGTYPE Operation against a key holding the wrong kind of value"),
       "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
      {Reply::Integer(0), ":0\r\n"},
      {Reply::Integer(-42), ":-42\r\n"},
      {Reply::Integer(std::numeric_limits<int64_t>::max()), ":9223372036854775807\r\n"},
      {Reply::Integer(std::numeric_limits<int64_t>::min()), ":-9223372036854775808\r\n"},
      {Reply::Bulk("foo"), "$3\r\nfoo\r\n"},
      {Reply::Bulk(""), "$0\r\n\r\n"},
      {Reply::Bulk("a\0\r\nb"s), "$5\r\na\0\r\nb\r\n"s},
      {Reply::Array(), "*0\r\n"},
      {Reply::Array({Reply::Bulk("a"), Reply::Integer(1)}), "*2\r\n$1\r\na\r\n:1\r\n"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(resp2(c.reply), c.wire);
    EXPECT_EQ(resp3(c.reply), c.wire);
  }
}

TEST(RespWriter, Nulls) {
  EXPECT_EQ(resp2(Reply::Null()), "$-1\r\n");
  EXPECT_EQ(resp3(Reply::Null()), "_\r\n");
  EXPECT_EQ(resp2(Reply::NullArray()), "*-1\r\n");
  EXPECT_EQ(resp3(Reply::NullArray()), "_\r\n");
  EXPECT_EQ(resp2(Reply()), "$-1\r\n");  // a default Reply is a null
}

TEST(RespWriter, Map) {
  const Reply map = Reply::Map(
      {Reply::Bulk("server"), Reply::Bulk("seshat"), Reply::Bulk("proto"), Reply::Integer(3)});
  EXPECT_EQ(resp2(map), "*4\r\n$6\r\nserver\r\n$6\r\nseshat\r\n$5\r\nproto\r\n:3\r\n");
  EXPECT_EQ(resp3(map), "%2\r\n$6\r\nserver\r\n$6\r\nseshat\r\n$5\r\nproto\r\n:3\r\n");
  EXPECT_EQ(resp2(Reply::Map()), "*0\r\n");
  EXPECT_EQ(resp3(Reply::Map()), "%0\r\n");
}

// HRANDFIELD ... WITHVALUES: a flat array in RESP2, an array of [a, b] arrays in RESP3.
TEST(RespWriter, Pairs) {
  const Reply pairs =
      Reply::Pairs({Reply::Bulk("f"), Reply::Bulk("1"), Reply::Bulk("g"), Reply::Bulk("2")});
  EXPECT_EQ(resp2(pairs), "*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n");
  EXPECT_EQ(resp3(pairs), "*2\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n");
  EXPECT_EQ(resp2(Reply::Pairs()), "*0\r\n");
  EXPECT_EQ(resp3(Reply::Pairs()), "*0\r\n");
}

TEST(RespWriter, MapWithOddItemsStaysParseable) {
  const Reply odd = Reply::Map({Reply::Bulk("k")});
  std::string out;
  EXPECT_DEBUG_DEATH(write_reply(out, odd, ProtocolVersion::kResp3), "key, value pairs");
#ifdef NDEBUG
  EXPECT_EQ(out, "%1\r\n$1\r\nk\r\n_\r\n");
  EXPECT_EQ(resp2(odd), "*2\r\n$1\r\nk\r\n$-1\r\n");
#endif
}

TEST(RespWriter, SetAndPush) {
  const Reply set = Reply::Set({Reply::Bulk("a"), Reply::Bulk("b")});
  EXPECT_EQ(resp2(set), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(resp3(set), "~2\r\n$1\r\na\r\n$1\r\nb\r\n");
  const Reply push = Reply::Push({Reply::Bulk("message"), Reply::Bulk("ch"), Reply::Bulk("hi")});
  EXPECT_EQ(resp2(push), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  EXPECT_EQ(resp3(push), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST(RespWriter, Double) {
  EXPECT_EQ(resp2(Reply::Double("3.5")), "$3\r\n3.5\r\n");
  EXPECT_EQ(resp3(Reply::Double("3.5")), ",3.5\r\n");
  EXPECT_EQ(resp2(Reply::Double("-inf")), "$4\r\n-inf\r\n");
  EXPECT_EQ(resp3(Reply::Double("inf")), ",inf\r\n");
}

TEST(RespWriter, Bool) {
  EXPECT_EQ(resp2(Reply::Bool(true)), ":1\r\n");
  EXPECT_EQ(resp2(Reply::Bool(false)), ":0\r\n");
  EXPECT_EQ(resp3(Reply::Bool(true)), "#t\r\n");
  EXPECT_EQ(resp3(Reply::Bool(false)), "#f\r\n");
}

TEST(RespWriter, Verbatim) {
  EXPECT_EQ(resp2(Reply::Verbatim("# Server\r\nx:1\r\n")), "$15\r\n# Server\r\nx:1\r\n\r\n");
  EXPECT_EQ(resp3(Reply::Verbatim("# Server\r\nx:1\r\n")), "=19\r\ntxt:# Server\r\nx:1\r\n\r\n");
  EXPECT_EQ(resp3(Reply::Verbatim("")), "=4\r\ntxt:\r\n");
}

TEST(RespWriter, NestedAggregates) {
  // EXEC's reply: an array of replies of every kind, maps inside flattened for RESP2.
  const Reply exec = Reply::Array({
      Reply::Ok(),
      Reply::Error("ERR value is not an integer or out of range"),
      Reply::Map({Reply::Simple("k"), Reply::Array({Reply::Bool(true), Reply::NullArray()})}),
      Reply::Null(),
  });
  EXPECT_EQ(resp2(exec),
            "*4\r\n+OK\r\n-ERR value is not an integer or out of range\r\n"
            "*2\r\n+k\r\n*2\r\n:1\r\n*-1\r\n$-1\r\n");
  EXPECT_EQ(resp3(exec),
            "*4\r\n+OK\r\n-ERR value is not an integer or out of range\r\n"
            "%1\r\n+k\r\n*2\r\n#t\r\n_\r\n_\r\n");
}

TEST(RespWriter, LinesNeverBreakTheStream) {
  EXPECT_EQ(resp2(Reply::Error("ERR unknown command 'a\r\nb'")), "-ERR unknown command 'a  b'\r\n");
  EXPECT_EQ(resp3(Reply::Simple("a\nb")), "+a b\r\n");
  EXPECT_EQ(resp3(Reply::Double("1\r\n")), ",1  \r\n");
  // Bulk strings are binary safe and left alone.
  EXPECT_EQ(resp3(Reply::Bulk("a\r\nb")), "$4\r\na\r\nb\r\n");
}

TEST(RespWriter, AppendsToTheCallersBuffer) {
  std::string out = "+PONG\r\n";
  write_reply(out, Reply::Integer(7), ProtocolVersion::kResp2);
  write_reply(out, Reply::Bulk("x"), ProtocolVersion::kResp3);
  EXPECT_EQ(out, "+PONG\r\n:7\r\n$1\r\nx\r\n");
}

}  // namespace
}  // namespace seshat::protocol
