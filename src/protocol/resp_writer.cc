#include "protocol/resp_writer.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace seshat::protocol {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// "<prefix><n>\r\n" without a temporary string.
void append_header(std::string& out, char prefix, int64_t n) {
  char buf[24];  // prefix, 20 characters of int64, and slack
  buf[0] = prefix;
  const auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf), n);
  out.append(buf, end);
  out.append(kCrlf);
}

// "<prefix><text>\r\n" for simple strings, errors and RESP3 doubles, which must be one line.
void append_line(std::string& out, char prefix, std::string_view text) {
  out.push_back(prefix);
  const size_t start = out.size();
  out.append(text);
  if (text.find_first_of(kCrlf) != std::string_view::npos) {
    std::replace_if(
        out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
        [](char c) { return c == '\r' || c == '\n'; }, ' ');
  }
  out.append(kCrlf);
}

void append_bulk(std::string& out, std::string_view data) {
  append_header(out, '$', static_cast<int64_t>(data.size()));
  out.append(data);
  out.append(kCrlf);
}

void append_aggregate(std::string& out, char resp3_prefix, const Reply& reply,
                      ProtocolVersion version) {
  const auto& items = reply.items();
  const char prefix = version == ProtocolVersion::kResp3 ? resp3_prefix : '*';
  append_header(out, prefix, static_cast<int64_t>(items.size()));
  for (const Reply& item : items) write_reply(out, item, version);
}

void append_map(std::string& out, const Reply& reply, ProtocolVersion version) {
  const auto& items = reply.items();
  // Items alternate key, value; an odd count is a handler bug. Pad with a null value rather
  // than emit a stream the client cannot parse.
  assert(items.size() % 2 == 0 && "Reply::Map needs key, value pairs");
  const bool odd = items.size() % 2 != 0;
  const auto pairs = static_cast<int64_t>(items.size() / 2 + (odd ? 1 : 0));
  if (version == ProtocolVersion::kResp3) {
    append_header(out, '%', pairs);
  } else {
    append_header(out, '*', 2 * pairs);
  }
  for (const Reply& item : items) write_reply(out, item, version);
  if (odd) write_reply(out, Reply::Null(), version);
}

void append_pairs(std::string& out, const Reply& reply, ProtocolVersion version) {
  const auto& items = reply.items();
  assert(items.size() % 2 == 0 && "Reply::Pairs needs a, b pairs");
  const size_t whole = items.size() / 2 * 2;  // a stray last item is dropped (a handler bug)
  if (version != ProtocolVersion::kResp3) {
    append_header(out, '*', static_cast<int64_t>(whole));
    for (size_t i = 0; i < whole; ++i) write_reply(out, items[i], version);
    return;
  }
  append_header(out, '*', static_cast<int64_t>(whole / 2));
  for (size_t i = 0; i < whole; i += 2) {
    append_header(out, '*', 2);
    write_reply(out, items[i], version);
    write_reply(out, items[i + 1], version);
  }
}

}  // namespace

void write_reply(std::string& out, const Reply& reply, ProtocolVersion version) {
  const bool resp3 = version == ProtocolVersion::kResp3;
  switch (reply.type()) {
    case Reply::Type::kSimple: append_line(out, '+', reply.str()); return;
    case Reply::Type::kError: append_line(out, '-', reply.str()); return;
    case Reply::Type::kInteger: append_header(out, ':', reply.integer()); return;
    case Reply::Type::kBulk: append_bulk(out, reply.str()); return;
    case Reply::Type::kNull: out.append(resp3 ? "_\r\n" : "$-1\r\n"); return;
    case Reply::Type::kNullArray: out.append(resp3 ? "_\r\n" : "*-1\r\n"); return;
    case Reply::Type::kArray: append_aggregate(out, '*', reply, version); return;
    case Reply::Type::kMap: append_map(out, reply, version); return;
    case Reply::Type::kPairs: append_pairs(out, reply, version); return;
    case Reply::Type::kSet: append_aggregate(out, '~', reply, version); return;
    case Reply::Type::kPush: append_aggregate(out, '>', reply, version); return;
    case Reply::Type::kDouble:
      if (resp3) {
        append_line(out, ',', reply.str());
      } else {
        append_bulk(out, reply.str());
      }
      return;
    case Reply::Type::kBool:
      if (resp3) {
        out.append(reply.integer() != 0 ? "#t\r\n" : "#f\r\n");
      } else {
        out.append(reply.integer() != 0 ? ":1\r\n" : ":0\r\n");
      }
      return;
    case Reply::Type::kVerbatim:
      if (resp3) {
        // "=<len>\r\ntxt:<data>\r\n": the length counts the 4-byte format prefix.
        append_header(out, '=', static_cast<int64_t>(reply.str().size() + 4));
        out.append("txt:");
        out.append(reply.str());
        out.append(kCrlf);
      } else {
        append_bulk(out, reply.str());
      }
      return;
  }
}

std::string encode_reply(const Reply& reply, ProtocolVersion version) {
  std::string out;
  write_reply(out, reply, version);
  return out;
}

}  // namespace seshat::protocol
