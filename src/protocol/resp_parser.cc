#include "protocol/resp_parser.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "protocol/inline_args.h"
#include "protocol/number_format.h"

namespace seshat::protocol {
namespace {

constexpr size_t kNotFound = std::string_view::npos;

// Redis preallocates argv for at most this many arguments, so a huge declared count costs
// nothing until the arguments actually arrive.
constexpr size_t kMaxArgvReserve = 1024;
// Likewise for an argument's payload: up to 1 MiB is reserved at once (one allocation for
// ordinary values); beyond that a client announcing 512 MiB gets memory as it sends it.
constexpr size_t kMaxPayloadReserve = size_t{1024} * 1024;

std::string expected_dollar_error(char got) {
  // Redis turns CR and LF in error texts into spaces so the reply stays one line.
  if (got == '\r' || got == '\n') got = ' ';
  std::string error = "Protocol error: expected '$', got '";
  error.push_back(got);
  error.push_back('\'');
  return error;
}

}  // namespace

void RequestParser::reset() {
  state_ = State::kIdle;
  line_scanned_ = 0;
  multibulk_remaining_ = 0;
  bulk_remaining_ = 0;
  trailer_remaining_ = 0;
  buffered_bytes_ = 0;
  args_.clear();
}

ParseResult RequestParser::parse(std::string_view input, size_t& consumed,
                                 std::vector<std::string>& argv, std::string& error,
                                 bool authenticated) {
  size_t pos = 0;
  for (;;) {
    const std::string_view rest = input.substr(pos);
    Step step = Step::kContinue;
    switch (state_) {
      case State::kIdle:
        if (rest.empty()) {
          step = Step::kNeedMore;
          break;
        }
        // As in Redis, the first byte alone decides the kind of request.
        state_ = rest[0] == '*' ? State::kMultibulkCount : State::kInline;
        line_scanned_ = 0;
        break;
      case State::kInline: step = parse_inline(rest, pos, error); break;
      case State::kMultibulkCount:
        step = parse_multibulk_count(rest, pos, error, authenticated);
        break;
      case State::kBulkHeader: step = parse_bulk_header(rest, pos, error, authenticated); break;
      case State::kBulkPayload: step = parse_bulk_payload(rest, pos); break;
      case State::kBulkTrailer: step = parse_bulk_trailer(rest, pos); break;
    }
    switch (step) {
      case Step::kContinue: continue;
      case Step::kNeedMore: consumed = pos; return ParseResult::kIncomplete;
      case Step::kCommand:
        // Swap rather than move so the caller's old vector becomes our next scratch space.
        argv.swap(args_);
        args_.clear();
        buffered_bytes_ = 0;
        state_ = State::kIdle;
        consumed = pos;
        return ParseResult::kCommand;
      case Step::kError:
        reset();
        consumed = 0;
        return ParseResult::kError;
    }
  }
}

size_t RequestParser::find_line_end(std::string_view rest, char terminator) {
  // Resume where the previous call stopped; clamp in case the caller passes less than before.
  for (size_t i = std::min(line_scanned_, rest.size()); i < rest.size(); ++i) {
    if (rest[i] == terminator) {
      line_scanned_ = i;
      return i;
    }
    if (rest[i] == '\0') {
      // Redis's strchr() stops here and never sees the terminator (see the header).
      line_scanned_ = i;
      return kNotFound;
    }
  }
  line_scanned_ = rest.size();
  return kNotFound;
}

RequestParser::Step RequestParser::parse_inline(std::string_view rest, size_t& pos,
                                                std::string& error) {
  const size_t newline = find_line_end(rest, '\n');
  if (newline == kNotFound) {
    if (rest.size() > kMaxInlineSize) {
      error = "Protocol error: too big inline request";
      return Step::kError;
    }
    return Step::kNeedMore;
  }
  size_t line_length = newline;
  if (line_length > 0 && rest[line_length - 1] == '\r') --line_length;
  if (!split_inline_args(rest.substr(0, line_length), args_)) {
    error = "Protocol error: unbalanced quotes in request";
    return Step::kError;
  }
  pos += newline + 1;
  if (args_.empty()) {
    // A blank line is no command; Redis skips it (clients send them as keep-alives).
    state_ = State::kIdle;
    return Step::kContinue;
  }
  return Step::kCommand;
}

RequestParser::Step RequestParser::parse_multibulk_count(std::string_view rest, size_t& pos,
                                                         std::string& error, bool authenticated) {
  const size_t cr = find_line_end(rest, '\r');
  if (cr == kNotFound) {
    if (rest.size() > kMaxInlineSize) {
      error = "Protocol error: too big mbulk count string";
      return Step::kError;
    }
    return Step::kNeedMore;
  }
  // Redis waits for the byte after '\r' but does not check that it is '\n'.
  if (cr + 1 >= rest.size()) return Step::kNeedMore;
  const std::optional<int64_t> count = parse_int64(rest.substr(1, cr - 1));
  if (!count || *count > kMaxMultibulkLength) {
    error = "Protocol error: invalid multibulk length";
    return Step::kError;
  }
  if (*count > kMaxUnauthMultibulkLength && !authenticated) {
    error = "Protocol error: unauthenticated multibulk length";
    return Step::kError;
  }
  pos += cr + 2;
  line_scanned_ = 0;
  if (*count <= 0) {
    state_ = State::kIdle;  // an empty request, skipped like a blank line
    return Step::kContinue;
  }
  multibulk_remaining_ = *count;
  args_.clear();
  args_.reserve(std::min(static_cast<size_t>(*count), kMaxArgvReserve));
  state_ = State::kBulkHeader;
  return Step::kContinue;
}

RequestParser::Step RequestParser::parse_bulk_header(std::string_view rest, size_t& pos,
                                                     std::string& error, bool authenticated) {
  const size_t cr = find_line_end(rest, '\r');
  if (cr == kNotFound) {
    if (rest.size() > kMaxInlineSize) {
      error = "Protocol error: too big bulk count string";
      return Step::kError;
    }
    return Step::kNeedMore;
  }
  if (cr + 1 >= rest.size()) return Step::kNeedMore;
  // Checked only once the whole line is here, as Redis does (it affects which error wins).
  if (rest[0] != '$') {
    error = expected_dollar_error(rest[0]);
    return Step::kError;
  }
  const std::optional<int64_t> length = parse_int64(rest.substr(1, cr - 1));
  if (!length || *length < 0 || *length > kMaxBulkLength) {
    error = "Protocol error: invalid bulk length";
    return Step::kError;
  }
  if (*length > kMaxUnauthBulkLength && !authenticated) {
    error = "Protocol error: unauthenticated bulk length";
    return Step::kError;
  }
  pos += cr + 2;
  line_scanned_ = 0;
  bulk_remaining_ = static_cast<size_t>(*length);
  args_.emplace_back().reserve(std::min(bulk_remaining_, kMaxPayloadReserve));
  state_ = State::kBulkPayload;
  return Step::kContinue;
}

RequestParser::Step RequestParser::parse_bulk_payload(std::string_view rest, size_t& pos) {
  const size_t take = std::min(bulk_remaining_, rest.size());
  std::string& arg = args_.back();
  const size_t needed = arg.size() + take;
  if (needed > arg.capacity()) {
    // Grow geometrically but never past the announced length, so a 512 MiB argument costs
    // 512 MiB and not the 1 GiB that plain doubling could reach.
    const size_t announced = arg.size() + bulk_remaining_;
    arg.reserve(std::min(announced, std::max(needed, 2 * arg.capacity())));
  }
  arg.append(rest.data(), take);
  pos += take;
  bulk_remaining_ -= take;
  buffered_bytes_ += take;
  if (bulk_remaining_ > 0) return Step::kNeedMore;
  trailer_remaining_ = 2;
  state_ = State::kBulkTrailer;
  return Step::kContinue;
}

RequestParser::Step RequestParser::parse_bulk_trailer(std::string_view rest, size_t& pos) {
  // Redis skips the two bytes after the payload without looking at them.
  const size_t skip = std::min(trailer_remaining_, rest.size());
  pos += skip;
  trailer_remaining_ -= skip;
  if (trailer_remaining_ > 0) return Step::kNeedMore;
  if (--multibulk_remaining_ > 0) {
    state_ = State::kBulkHeader;
    return Step::kContinue;
  }
  return Step::kCommand;
}

}  // namespace seshat::protocol
