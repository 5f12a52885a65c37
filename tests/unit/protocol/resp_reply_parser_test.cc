#include "protocol/resp_reply_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "protocol/resp_writer.h"

namespace seshat::protocol {
namespace {

using namespace std::string_literals;

struct Parsed {
  ReplyParseResult result;
  Reply reply;
  size_t consumed = 0;
  std::string error;
};

Parsed parse_all(std::string_view wire) {
  ReplyParser parser;
  Parsed p;
  p.result = parser.parse(wire, p.consumed, p.reply, p.error);
  return p;
}

// Feeds `wire` one byte at a time, dropping what the parser consumed, as the proxy's read loop
// does; returns every reply and checks that each one's bytes are exactly what was consumed
// since the previous reply.
std::vector<Reply> parse_bytewise(const std::string& wire) {
  ReplyParser parser;
  std::vector<Reply> replies;
  std::string buffer;
  size_t reply_bytes = 0;
  size_t reply_start = 0;
  for (size_t i = 0; i < wire.size(); ++i) {
    buffer.push_back(wire[i]);
    while (true) {
      size_t consumed = 0;
      Reply reply;
      std::string error;
      auto result = parser.parse(buffer, consumed, reply, error);
      EXPECT_NE(result, ReplyParseResult::kError) << error;
      if (result == ReplyParseResult::kError) return replies;
      buffer.erase(0, consumed);
      reply_bytes += consumed;
      if (result != ReplyParseResult::kReply) break;
      // Relaying raw bytes relies on this: the reply is exactly the bytes consumed for it.
      // (The test's wire is written in RESP3.)
      EXPECT_EQ(wire.substr(reply_start, reply_bytes),
                encode_reply(reply, ProtocolVersion::kResp3));
      reply_start += reply_bytes;
      reply_bytes = 0;
      replies.push_back(std::move(reply));
      EXPECT_TRUE(parser.idle());
    }
  }
  EXPECT_TRUE(buffer.empty());
  return replies;
}

// Every reply shape Seshat's writer produces, in both protocols: parsing the bytes and writing
// the result again gives the same bytes, so a proxied reply reaches the client unchanged.
TEST(RespReplyParser, RoundTripsWhatTheWriterProduces) {
  const std::vector<Reply> replies = {
      Reply::Ok(),
      Reply::Queued(),
      Reply::Simple(""),
      Reply::Error("ERR syntax error"),
      Reply::Error("MOVED 3999 127.0.0.1:6381"),
      Reply::Integer(0),
      Reply::Integer(std::numeric_limits<int64_t>::min()),
      Reply::Integer(std::numeric_limits<int64_t>::max()),
      Reply::Bulk(""),
      Reply::Bulk("a\0\r\nb"s),
      Reply::Bulk(std::string(100000, 'x')),
      Reply::Null(),
      Reply::NullArray(),
      Reply::Array(),
      Reply::Array({Reply::Bulk("a"), Reply::Null(), Reply::Integer(7)}),
      Reply::Array({Reply::Array({Reply::Array({Reply::Ok()}), Reply::Array()}), Reply::Bulk("z")}),
      Reply::Map(
          {Reply::Bulk("server"), Reply::Bulk("seshat"), Reply::Bulk("proto"), Reply::Integer(3)}),
      Reply::Map(),
      Reply::Set({Reply::Bulk("a"), Reply::Bulk("b")}),
      Reply::Push({Reply::Bulk("message"), Reply::Bulk("ch")}),
      Reply::Double("3.5"),
      Reply::Double("-inf"),
      Reply::Bool(true),
      Reply::Bool(false),
      Reply::Verbatim("# Server\r\nredis_version:7.0.15\r\n"),
  };
  for (auto version : {ProtocolVersion::kResp2, ProtocolVersion::kResp3}) {
    for (const Reply& reply : replies) {
      const std::string wire = encode_reply(reply, version);
      Parsed p = parse_all(wire);
      ASSERT_EQ(p.result, ReplyParseResult::kReply) << wire << " " << p.error;
      EXPECT_EQ(p.consumed, wire.size()) << wire;
      EXPECT_EQ(encode_reply(p.reply, version), wire);
    }
  }
}

TEST(RespReplyParser, Resp3TypesKeepTheirType) {
  EXPECT_EQ(parse_all("%1\r\n+a\r\n:1\r\n").reply,
            Reply::Map({Reply::Simple("a"), Reply::Integer(1)}));
  EXPECT_EQ(parse_all("~2\r\n:1\r\n:2\r\n").reply,
            Reply::Set({Reply::Integer(1), Reply::Integer(2)}));
  EXPECT_EQ(parse_all(",1.5\r\n").reply, Reply::Double("1.5"));
  EXPECT_EQ(parse_all("#f\r\n").reply, Reply::Bool(false));
  EXPECT_EQ(parse_all("_\r\n").reply, Reply::Null());
  EXPECT_EQ(parse_all("=7\r\ntxt:abc\r\n").reply, Reply::Verbatim("abc"));
  EXPECT_EQ(parse_all("!9\r\nERR oops!\r\n").reply, Reply::Error("ERR oops!"));
  // RESP2 nulls are told apart, as the writer needs them to be.
  EXPECT_EQ(parse_all("$-1\r\n").reply, Reply::Null());
  EXPECT_EQ(parse_all("*-1\r\n").reply, Reply::NullArray());
}

TEST(RespReplyParser, ArrivesInPiecesAndInPipelines) {
  const std::vector<Reply> replies = {
      Reply::Ok(),
      Reply::Array({Reply::Bulk("v1"), Reply::Null(), Reply::Array({Reply::Integer(1)})}),
      Reply::Bulk(std::string(3000, 'y')),
      Reply::Map({Reply::Bulk("k"), Reply::Set({Reply::Bool(true)})}),
      Reply::Error("TRYAGAIN later"),
      Reply::Integer(-5),
  };
  std::string wire;
  for (const Reply& r : replies) write_reply(wire, r, ProtocolVersion::kResp3);
  EXPECT_EQ(parse_bytewise(wire), replies);
}

TEST(RespReplyParser, IncompleteInputConsumesNothingOfAPartialBulk) {
  ReplyParser parser;
  size_t consumed = 99;
  Reply reply;
  std::string error;
  EXPECT_EQ(parser.parse("$5\r\nab", consumed, reply, error), ReplyParseResult::kIncomplete);
  EXPECT_EQ(consumed, 0u);
  EXPECT_TRUE(parser.idle());
  // Elements of an aggregate that are complete are taken, so they are never parsed twice.
  EXPECT_EQ(parser.parse("*2\r\n:1\r\n$3\r\nab", consumed, reply, error),
            ReplyParseResult::kIncomplete);
  EXPECT_EQ(consumed, 8u);
  EXPECT_FALSE(parser.idle());
  EXPECT_EQ(parser.parse("$3\r\nabc\r\n", consumed, reply, error), ReplyParseResult::kReply);
  EXPECT_EQ(consumed, 9u);
  EXPECT_EQ(reply, Reply::Array({Reply::Integer(1), Reply::Bulk("abc")}));
  EXPECT_TRUE(parser.idle());
}

TEST(RespReplyParser, StopsAfterOneReply) {
  Parsed p = parse_all("+OK\r\n:1\r\n");
  ASSERT_EQ(p.result, ReplyParseResult::kReply);
  EXPECT_EQ(p.consumed, 5u);
  EXPECT_EQ(p.reply, Reply::Ok());
}

TEST(RespReplyParser, RefusesWhatIsNotRespAndResets) {
  const std::vector<std::string> bad = {
      "?what\r\n",           // unknown type byte
      "(12345\r\n",          // big numbers are not supported
      "|1\r\n+a\r\n+b\r\n",  // nor attributes
      ":12x\r\n",            // not an integer
      ":\r\n",               // empty integer
      "$-2\r\n",             // negative length
      "$abc\r\n",            // not a length
      "$3\r\nabcXY",         // payload not followed by CRLF
      "*-2\r\n",             // negative count
      "%-1\r\n",             // a null map does not exist
      "#x\r\n",              // not a boolean
      "_x\r\n",              // null with data
      "=3\r\nabc\r\n",       // verbatim without format
      "\r\n",                // empty line
      "$999999999999\r\n",   // over the bulk limit
  };
  for (const std::string& wire : bad) {
    ReplyParser parser;
    size_t consumed = 0;
    Reply reply;
    std::string error;
    EXPECT_EQ(parser.parse(wire, consumed, reply, error), ReplyParseResult::kError) << wire;
    EXPECT_EQ(error.rfind("Protocol error: ", 0), 0u) << error;
    EXPECT_TRUE(parser.idle());
  }
  // A line that never ends is refused once it is longer than any real reply line.
  ReplyParser parser;
  size_t consumed = 0;
  Reply reply;
  std::string error;
  EXPECT_EQ(parser.parse("+" + std::string(kMaxReplyLineSize + 1, 'a'), consumed, reply, error),
            ReplyParseResult::kError);
}

TEST(RespReplyParser, BoundsNesting) {
  std::string wire;
  for (size_t i = 0; i <= kMaxReplyDepth; ++i) wire += "*1\r\n";
  wire += ":1\r\n";
  Parsed p = parse_all(wire);
  EXPECT_EQ(p.result, ReplyParseResult::kError);
  EXPECT_NE(p.error.find("nested"), std::string::npos);

  std::string ok;
  for (size_t i = 0; i < kMaxReplyDepth; ++i) ok += "*1\r\n";
  ok += ":1\r\n";
  EXPECT_EQ(parse_all(ok).result, ReplyParseResult::kReply);
}

}  // namespace
}  // namespace seshat::protocol
