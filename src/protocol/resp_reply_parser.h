// Incremental parser for server replies (RESP2 and RESP3), the other direction from
// RequestParser: a follower that proxies commands to the leader (cluster/leader_proxy.h) reads the
// leader's replies with it, to find where each reply ends and, where it needs to, what it says.
//
// The caller owns the input buffer and calls parse() with everything it has not handed to the
// parser yet; the parser takes `consumed` bytes each call. A reply that arrives in pieces is
// never rescanned: completed elements of an aggregate are kept in the parser's stack, and only
// a line without its terminator, or a bulk payload not yet complete, stays in the caller's
// buffer (then `consumed` stops before its header, so the header is read again next time; that
// is a few bytes, never the payload). The caller can therefore relay the reply's exact bytes:
// they are the bytes consumed since the previous kReply.
//
// The values map onto protocol::Reply, so a reply that Seshat's writer produced parses back to
// the Reply that produced it and re-encodes to the same bytes. Differences, for replies Seshat
// never sends: a RESP3 verbatim string keeps its data but not its format (Reply knows only
// "txt"); a blob error (!) becomes a plain error; big numbers (() and attributes (|) are refused
// as protocol errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply.h"

namespace seshat::protocol {

// Bounds on what a peer may send: the writer never exceeds them for a real reply, and a stream
// that does is broken or hostile, so it is refused rather than buffered without limit.
inline constexpr size_t kMaxReplyLineSize = size_t{64} * 1024;
inline constexpr int64_t kMaxReplyBulkLength = 512LL * 1024 * 1024;
inline constexpr int64_t kMaxReplyAggregateLength = 1LL << 32;
inline constexpr size_t kMaxReplyDepth = 128;

enum class ReplyParseResult {
  kIncomplete,  // need more bytes; `consumed` may be > 0 (elements of an aggregate taken)
  kReply,       // one whole reply is in `reply`; the reply ends after `consumed` bytes
  kError,       // the stream is not RESP: `error` says why; the parser is reset
};

class ReplyParser {
 public:
  ReplyParseResult parse(std::string_view input, size_t& consumed, Reply& reply,
                         std::string& error);

  // True between replies: nothing of a partial reply is held.
  bool idle() const { return stack_.empty(); }
  void reset() { stack_.clear(); }

 private:
  struct Frame {
    Reply::Type type;
    int64_t remaining;  // elements still to come (a map counts keys and values)
    std::vector<Reply> items;
  };
  enum class Step : uint8_t { kValue, kOpened, kNeedMore, kError };

  // Reads one element at the front of `rest`: a scalar into `value` (kValue), or the header of
  // an aggregate that it pushes on the stack (kOpened; an empty aggregate is a kValue).
  Step parse_element(std::string_view rest, size_t& used, Reply& value, std::string& error);

  std::vector<Frame> stack_;
};

}  // namespace seshat::protocol
