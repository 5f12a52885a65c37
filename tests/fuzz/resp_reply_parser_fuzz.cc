// libFuzzer target for the reply parser a follower proxy reads the leader's replies with.
// Invariants: no crash or unbounded work on any bytes; cutting the input into reads of any size
// yields the same replies, each ending at the same byte, as parsing it whole (the proxy relays
// a reply's bytes by that end); a parsed reply, once written, parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_reply_parser.h"
#include "protocol/resp_writer.h"

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

using namespace seshat::protocol;

namespace {

struct Outcome {
  std::vector<Reply> replies;
  std::vector<size_t> ends;  // offset in the input where each reply ends
  bool error = false;
};

// Feeds `input` in reads of `chunk` bytes (0: all at once), keeping unconsumed bytes as the
// proxy's read loop does.
Outcome run(std::string_view input, size_t chunk) {
  Outcome out;
  ReplyParser parser;
  std::string buffer;
  size_t offset = 0;  // input bytes consumed by the parser
  size_t fed = 0;
  while (fed < input.size()) {
    const size_t n = chunk == 0 ? input.size() : std::min(chunk, input.size() - fed);
    buffer.append(input.substr(fed, n));
    fed += n;
    while (true) {
      size_t consumed = 0;
      Reply reply;
      std::string error;
      const auto result = parser.parse(buffer, consumed, reply, error);
      FUZZ_CHECK(consumed <= buffer.size());
      if (result == ReplyParseResult::kError) {
        out.error = true;
        return out;
      }
      buffer.erase(0, consumed);
      offset += consumed;
      if (result == ReplyParseResult::kIncomplete) break;
      out.replies.push_back(std::move(reply));
      out.ends.push_back(offset);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Outcome whole = run(input, 0);
  for (size_t chunk : {1, 3, 16}) {
    const Outcome pieces = run(input, chunk);
    FUZZ_CHECK(pieces.error == whole.error);
    FUZZ_CHECK(pieces.replies == whole.replies);
    FUZZ_CHECK(pieces.ends == whole.ends);
  }
  for (const Reply& reply : whole.replies) {
    for (auto version : {ProtocolVersion::kResp2, ProtocolVersion::kResp3}) {
      // Writing normalises (a lone CR in a simple string becomes a space), then it is stable.
      const std::string once = encode_reply(reply, version);
      const Outcome again = run(once, 0);
      FUZZ_CHECK(!again.error && again.replies.size() == 1 && again.ends[0] == once.size());
      FUZZ_CHECK(encode_reply(again.replies[0], version) == once);
    }
  }
  return 0;
}
