// A caller of RequestParser as the server is one: a buffer that grows at the back as bytes
// arrive and drops `consumed` bytes at the front. Shared by the parser tests.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_parser.h"

namespace seshat::protocol::testing {

// What a byte stream parses into: the commands, then the error that ended it (if any).
struct Parsed {
  std::vector<std::vector<std::string>> commands;
  std::string error;  // empty when the stream ended without a protocol error
  bool operator==(const Parsed&) const = default;
};

// Readable failure messages: commands as quoted argument lists, bytes escaped.
inline void PrintTo(const Parsed& p, std::ostream* os) {
  auto quoted = [os](const std::string& s) {
    *os << '"';
    for (unsigned char c : s.substr(0, 64)) {
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        *os << c;
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        *os << "\\x" << kHex[c >> 4] << kHex[c & 15];
      }
    }
    *os << (s.size() > 64 ? "\"..." : "\"");
  };
  *os << "{";
  for (const auto& command : p.commands) {
    *os << "[";
    for (const auto& arg : command) {
      quoted(arg);
      *os << " ";
    }
    *os << "] ";
  }
  *os << "error: ";
  quoted(p.error);
  *os << "}";
}

class Connection {
 public:
  explicit Connection(bool authenticated = true) : authenticated_(authenticated) {}

  // Appends bytes as a read() would and parses every command they complete.
  void receive(std::string_view bytes) {
    if (failed()) return;
    buffer_.append(bytes);
    for (;;) {
      size_t consumed = 0;
      std::vector<std::string> argv;
      std::string error;
      const ParseResult r = parser_.parse(buffer_, consumed, argv, error, authenticated_);
      if (r == ParseResult::kError) {
        parsed_.error = error;
        return;
      }
      if (consumed > buffer_.size()) {
        parsed_.error = "TEST: consumed past the end";
        return;
      }
      total_consumed_ += consumed;
      buffer_.erase(0, consumed);
      if (r == ParseResult::kIncomplete) return;
      if (consumed == 0 || argv.empty()) {
        parsed_.error = "TEST: command without progress";
        return;
      }
      parsed_.commands.push_back(std::move(argv));
    }
  }

  bool failed() const { return !parsed_.error.empty(); }
  const Parsed& parsed() const { return parsed_; }
  const std::string& unconsumed() const { return buffer_; }
  size_t total_consumed() const { return total_consumed_; }
  RequestParser& parser() { return parser_; }

 private:
  bool authenticated_;
  RequestParser parser_;
  std::string buffer_;
  size_t total_consumed_ = 0;
  Parsed parsed_;
};

inline Parsed parse_all(std::string_view bytes, bool authenticated = true) {
  Connection c(authenticated);
  c.receive(bytes);
  return c.parsed();
}

// Encodes argv as a RESP multibulk request.
inline std::string multibulk(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

}  // namespace seshat::protocol::testing
