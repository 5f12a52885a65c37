#include "protocol/resp_reply_parser.h"

#include <charconv>
#include <utility>

namespace seshat::protocol {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool parse_int64(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  // from_chars takes no '+', and RESP never sends one; "-0" is accepted as 0 like Redis does.
  auto [ptr, ec] = std::from_chars(begin, end, out);
  return ec == std::errc() && ptr == end;
}

std::string type_name(char c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  const auto byte = static_cast<unsigned char>(c);
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0xf];
}

Reply make_aggregate(Reply::Type type, std::vector<Reply> items) {
  switch (type) {
    case Reply::Type::kMap: return Reply::Map(std::move(items));
    case Reply::Type::kSet: return Reply::Set(std::move(items));
    case Reply::Type::kPush: return Reply::Push(std::move(items));
    default: return Reply::Array(std::move(items));
  }
}

}  // namespace

ReplyParseResult ReplyParser::parse(std::string_view input, size_t& consumed, Reply& reply,
                                    std::string& error) {
  consumed = 0;
  while (true) {
    Reply value;
    size_t used = 0;
    const Step step = parse_element(input.substr(consumed), used, value, error);
    if (step == Step::kNeedMore) return ReplyParseResult::kIncomplete;
    if (step == Step::kError) {
      reset();
      return ReplyParseResult::kError;
    }
    consumed += used;
    if (step == Step::kOpened) continue;
    // A finished value fills its parent; a parent that is now full is itself a finished value.
    while (true) {
      if (stack_.empty()) {
        reply = std::move(value);
        return ReplyParseResult::kReply;
      }
      Frame& top = stack_.back();
      top.items.push_back(std::move(value));
      if (--top.remaining > 0) break;
      value = make_aggregate(top.type, std::move(top.items));
      stack_.pop_back();
    }
  }
}

ReplyParser::Step ReplyParser::parse_element(std::string_view rest, size_t& used, Reply& value,
                                             std::string& error) {
  const size_t line_end = rest.find(kCrlf);
  if (line_end == std::string_view::npos) {
    if (rest.size() > kMaxReplyLineSize) {
      error = "Protocol error: reply line too long";
      return Step::kError;
    }
    return Step::kNeedMore;
  }
  if (line_end == 0) {
    error = "Protocol error: empty reply line";
    return Step::kError;
  }
  if (line_end > kMaxReplyLineSize) {
    error = "Protocol error: reply line too long";
    return Step::kError;
  }
  const char type = rest[0];
  const std::string_view line = rest.substr(1, line_end - 1);
  const size_t after_line = line_end + kCrlf.size();
  used = after_line;

  auto read_count = [&](int64_t& n) {
    if (!parse_int64(line, n)) {
      error = "Protocol error: invalid length in reply of type " + type_name(type);
      return false;
    }
    return true;
  };

  switch (type) {
    case '+': value = Reply::Simple(std::string(line)); return Step::kValue;
    case '-': value = Reply::Error(std::string(line)); return Step::kValue;
    case ':': {
      int64_t n = 0;
      if (!parse_int64(line, n)) {
        error = "Protocol error: invalid integer reply";
        return Step::kError;
      }
      value = Reply::Integer(n);
      return Step::kValue;
    }
    case '_':
      if (!line.empty()) {
        error = "Protocol error: invalid null reply";
        return Step::kError;
      }
      value = Reply::Null();
      return Step::kValue;
    case ',': value = Reply::Double(std::string(line)); return Step::kValue;
    case '#':
      if (line != "t" && line != "f") {
        error = "Protocol error: invalid boolean reply";
        return Step::kError;
      }
      value = Reply::Bool(line == "t");
      return Step::kValue;
    case '$':
    case '!':
    case '=': {
      int64_t n = 0;
      if (!read_count(n)) return Step::kError;
      if (n == -1 && type == '$') {  // RESP2's null bulk string
        value = Reply::Null();
        return Step::kValue;
      }
      if (n < 0 || n > kMaxReplyBulkLength) {
        error = "Protocol error: invalid bulk length in reply";
        return Step::kError;
      }
      const size_t len = static_cast<size_t>(n);
      // The payload is taken whole or not at all: its header stays unconsumed until then.
      if (rest.size() < after_line + len + kCrlf.size()) {
        used = 0;
        return Step::kNeedMore;
      }
      if (rest.substr(after_line + len, kCrlf.size()) != kCrlf) {
        error = "Protocol error: bulk reply not followed by CRLF";
        return Step::kError;
      }
      std::string_view data = rest.substr(after_line, len);
      used = after_line + len + kCrlf.size();
      if (type == '$') {
        value = Reply::Bulk(std::string(data));
      } else if (type == '!') {
        value = Reply::Error(std::string(data));
      } else {
        // "=<len>\r\nfmt:<data>": three format characters and a colon come first.
        if (data.size() < 4 || data[3] != ':') {
          error = "Protocol error: verbatim reply without a format";
          return Step::kError;
        }
        value = Reply::Verbatim(std::string(data.substr(4)));
      }
      return Step::kValue;
    }
    case '*':
    case '%':
    case '~':
    case '>': {
      int64_t n = 0;
      if (!read_count(n)) return Step::kError;
      if (n == -1 && type == '*') {  // RESP2's null array
        value = Reply::NullArray();
        return Step::kValue;
      }
      if (n < 0 || n > kMaxReplyAggregateLength) {
        error = "Protocol error: invalid aggregate length in reply";
        return Step::kError;
      }
      const Reply::Type kind = type == '%'   ? Reply::Type::kMap
                               : type == '~' ? Reply::Type::kSet
                               : type == '>' ? Reply::Type::kPush
                                             : Reply::Type::kArray;
      if (n == 0) {
        value = make_aggregate(kind, {});
        return Step::kValue;
      }
      if (stack_.size() >= kMaxReplyDepth) {
        error = "Protocol error: reply nested too deeply";
        return Step::kError;
      }
      // A map's count is of pairs; its items alternate key, value.
      stack_.push_back(Frame{kind, type == '%' ? 2 * n : n, {}});
      return Step::kOpened;
    }
    default:
      error = "Protocol error: unexpected reply type " + type_name(type);
      return Step::kError;
  }
}

}  // namespace seshat::protocol
