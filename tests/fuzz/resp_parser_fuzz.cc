// libFuzzer target for RequestParser: arbitrary bytes from an untrusted client.
//
// The first input byte picks the options (authenticated or not, and how the rest is cut into
// reads); the rest is the byte stream. Invariants checked, besides "no crash, no sanitizer
// report":
//   - `consumed` never exceeds the input; a command always consumes bytes and has arguments;
//   - the parser never holds more than the bytes it was given;
//   - the same stream cut into different reads parses into the same commands and error (the
//     incremental state is invisible), as long as no size limit is reachable;
//   - every command, re-encoded as a multibulk request, parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace {

using seshat::protocol::kMaxInlineSize;
using seshat::protocol::ParseResult;
using seshat::protocol::RequestParser;

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

struct Outcome {
  std::vector<std::vector<std::string>> commands;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

// Feeds `stream` in reads of the sizes `next_read` returns, as a server connection would.
template <typename NextRead>
Outcome run(std::string_view stream, bool authenticated, NextRead next_read) {
  Outcome out;
  RequestParser parser;
  std::string buffer;
  size_t fed = 0;
  while (fed < stream.size()) {
    const size_t n = std::min(next_read(), stream.size() - fed);
    buffer.append(stream.substr(fed, n));
    fed += n;
    for (;;) {
      size_t consumed = 0;
      std::vector<std::string> argv;
      std::string error;
      const ParseResult r = parser.parse(buffer, consumed, argv, error, authenticated);
      if (r == ParseResult::kError) {
        FUZZ_CHECK(error.rfind("Protocol error: ", 0) == 0);
        FUZZ_CHECK(parser.idle());
        out.error = error;
        return out;
      }
      FUZZ_CHECK(consumed <= buffer.size());
      buffer.erase(0, consumed);
      FUZZ_CHECK(parser.buffered_bytes() <= fed);
      if (r == ParseResult::kIncomplete) break;
      FUZZ_CHECK(consumed > 0);
      FUZZ_CHECK(!argv.empty());
      FUZZ_CHECK(parser.idle());
      out.commands.push_back(std::move(argv));
    }
  }
  return out;
}

std::string multibulk(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t options = data[0];
  const bool authenticated = (options & 1) == 0;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Outcome whole = run(stream, authenticated, [&] { return stream.size(); });

  // Read sizes from a small generator seeded by the options byte: 1..(options>>1)+1 bytes.
  uint32_t state = options * 2654435761u + 1;
  const size_t max_read = (options >> 1) + 1;
  const Outcome pieces = run(stream, authenticated, [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<size_t>(state >> 16) % max_read + 1;
  });
  const Outcome bytes = run(stream, authenticated, [] { return size_t{1}; });

  // The "too big" limits depend on how much has arrived at once; below them, cutting must not
  // matter at all.
  if (stream.size() <= kMaxInlineSize) {
    FUZZ_CHECK(whole == pieces);
    FUZZ_CHECK(whole == bytes);
  }

  for (const auto& argv : whole.commands) {
    const Outcome again = run(multibulk(argv), true, [] { return size_t{1} << 30; });
    FUZZ_CHECK(again.error.empty());
    FUZZ_CHECK(again.commands.size() == 1 && again.commands[0] == argv);
  }
  return 0;
}
