#include "kv/number_parse.h"

#include <cmath>
#include <limits>

namespace seshat::kv {

namespace {

bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::optional<uint64_t> parse_scan_cursor(std::string_view s) {
  size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  if (s.empty()) return 0;  // strtoul("") is 0 with nothing left over
  if (is_c_space(s[0])) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    ++i;
  }
  if (i == s.size()) return std::nullopt;  // a lone sign: strtoul consumes nothing
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;  // ERANGE
    v = v * 10 + digit;
  }
  return negative ? ~v + 1 : v;
}

BlockTimeout parse_block_timeout(std::string_view s) {
  auto seconds = parse_long_double(s);
  if (!seconds) return {std::nullopt, "ERR timeout is not a float or out of range"};
  const long double ms = std::ceil(*seconds * 1000.0L);
  constexpr long double kLimit = 9223372036854775808.0L;  // 2^63
  if (!(ms < kLimit) || ms < 0) return {std::nullopt, "ERR timeout is negative"};
  return {static_cast<int64_t>(ms), {}};
}

std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

}  // namespace seshat::kv
