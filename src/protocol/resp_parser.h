// Incremental parser for client requests: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and
// inline commands (`GET k\r\n`). The caller owns the input buffer, calls parse() with everything
// not yet consumed, and drops `consumed` bytes after each call (cheaply: advance an offset and
// compact only now and then, so a pipeline of many commands is never memmoved once per command).
// Many pipelined commands in one buffer are returned one per call without a syscall between them.
//
// A multibulk request is consumed as it is parsed: completed arguments, and the received part
// of the current one, move into the parser, so a 512 MiB argument arriving in pieces is copied
// once, never rescanned, and never held twice. Only a line still waiting for its terminator (a
// count line or an inline command, both at most kMaxInlineSize) stays in the caller's buffer.
//
// The limits and error texts are Redis 7's (networking.c), so a client sees the same errors:
//   "Protocol error: invalid multibulk length", "Protocol error: invalid bulk length",
//   "Protocol error: expected '$', got 'x'", "Protocol error: too big inline request",
//   "Protocol error: too big mbulk count string", "Protocol error: too big bulk count string",
//   "Protocol error: unbalanced quotes in request", "Protocol error: unauthenticated multibulk
//   length", "Protocol error: unauthenticated bulk length".
// The server replies "-ERR " + error and closes the connection after the replies of the commands
// that came before the error.
//
// Quirks kept on purpose because Redis has them (checked against redis-server 7.0):
//   - `*0\r\n`, `*-1\r\n` (any count <= 0) and empty or all-blank inline lines are skipped.
//   - The byte after the '\r' of a count line, and the two bytes after a bulk payload, are not
//     checked to be "\n" / "\r\n"; they are skipped.
//   - Redis looks for line terminators with strchr() on a NUL-terminated buffer, so a NUL byte
//     before the terminator hides it: the request waits until the size limit turns it into a
//     "too big ..." error. We do the same rather than invent a different error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace seshat::protocol {

// Redis's defaults: PROTO_INLINE_MAX_SIZE (also bounds count lines), proto-max-bulk-len, the
// multibulk count limit (INT_MAX), client-query-buffer-limit.
inline constexpr size_t kMaxInlineSize = size_t{64} * 1024;
inline constexpr int64_t kMaxBulkLength = 512LL * 1024 * 1024;
inline constexpr int64_t kMaxMultibulkLength = 2147483647;
inline constexpr size_t kMaxQueryBufferSize = 1024ULL * 1024 * 1024;
// Before AUTH succeeds Redis accepts only small requests (multibulk <= 10, bulk <= 16384).
inline constexpr int64_t kMaxUnauthMultibulkLength = 10;
inline constexpr int64_t kMaxUnauthBulkLength = 16384;

enum class ParseResult {
  kIncomplete,  // need more bytes; `consumed` may be > 0 (skipped empty lines, partial request)
  kCommand,     // one command is in `argv` (never empty); `consumed` > 0
  kError,       // protocol error: `error` holds "Protocol error: ..."; close the connection
};

class RequestParser {
 public:
  // Parses at most one command from the front of `input`. Sets `consumed` to the number of bytes
  // of `input` the caller must drop. On kCommand `argv` is replaced by the command's arguments
  // (its old storage is recycled). `authenticated` selects the limits for clients that still
  // have to AUTH. After kError the parser is reset and the connection must be closed.
  ParseResult parse(std::string_view input, size_t& consumed, std::vector<std::string>& argv,
                    std::string& error, bool authenticated = true);

  // Bytes of the request in progress that the parser holds (arguments received so far). The
  // server adds its own unconsumed bytes and closes a client whose sum exceeds
  // kMaxQueryBufferSize, as Redis does with client-query-buffer-limit.
  size_t buffered_bytes() const { return buffered_bytes_; }

  // True between requests: no partial request is held.
  bool idle() const { return state_ == State::kIdle; }

  // Forgets any partial request, so the parser can start over on a fresh byte stream.
  void reset();

 private:
  enum class State : uint8_t {
    kIdle,            // at the first byte of a request
    kInline,          // waiting for the '\n' of an inline command
    kMultibulkCount,  // waiting for the "*<count>\r" line
    kBulkHeader,      // waiting for the "$<len>\r" line of the next argument
    kBulkPayload,     // copying the payload of the current argument
    kBulkTrailer,     // skipping the two bytes after the payload
  };
  enum class Step : uint8_t { kContinue, kNeedMore, kCommand, kError };

  Step parse_inline(std::string_view rest, size_t& pos, std::string& error);
  Step parse_multibulk_count(std::string_view rest, size_t& pos, std::string& error,
                             bool authenticated);
  Step parse_bulk_header(std::string_view rest, size_t& pos, std::string& error,
                         bool authenticated);
  Step parse_bulk_payload(std::string_view rest, size_t& pos);
  Step parse_bulk_trailer(std::string_view rest, size_t& pos);
  size_t find_line_end(std::string_view rest, char terminator);

  State state_ = State::kIdle;
  // Bytes of the current line already searched for its terminator: a line that arrives in
  // pieces is scanned once. Relative to the line's first byte, which is the front of `input`.
  size_t line_scanned_ = 0;
  int64_t multibulk_remaining_ = 0;  // arguments still to come in this request
  size_t bulk_remaining_ = 0;        // payload bytes still to come for args_.back()
  size_t trailer_remaining_ = 0;     // bytes after the payload still to skip
  size_t buffered_bytes_ = 0;
  std::vector<std::string> args_;  // arguments of the request in progress
};

}  // namespace seshat::protocol
