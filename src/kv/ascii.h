// Small text helpers for command handling, shared by every layer that reads commands: ASCII
// case folding (Redis compares command, option and subcommand names without case, byte by
// byte), how an error line shows a client's bytes, and strict decimal ids.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seshat::kv {

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// A client-supplied string as Redis's "%.*s" formatting shows it in an error line: cut at the
// first NUL byte and at `max_len` bytes, with CR and LF turned into spaces so that the error
// stays one RESP line.
inline std::string shown(std::string_view s, size_t max_len = SIZE_MAX) {
  std::string out(s.substr(0, std::min(s.find('\0'), max_len)));
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

// Digits only (no sign, no spaces), at most 19 of them so the value fits: a node id, a percent.
inline std::optional<uint64_t> parse_decimal_id(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace seshat::kv
