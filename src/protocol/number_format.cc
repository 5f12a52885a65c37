#include "protocol/number_format.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace seshat::protocol {
namespace {

// Redis's MAX_LONG_DOUBLE_CHARS: its buffer for long double text, which bounds both the input
// string2ld accepts and the output of ld2string ("%.17Lf" of the largest long double fits).
constexpr size_t kMaxLongDoubleChars = size_t{5} * 1024;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::optional<int64_t> parse_int64(std::string_view s) {
  if (s == "0") return 0;
  // Redis's shape rules, which std::from_chars alone would not enforce (it accepts "007").
  const size_t first_digit = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (first_digit >= s.size() || s[first_digit] < '1' || s[first_digit] > '9') {
    return std::nullopt;
  }
  int64_t value = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<long double> parse_long_double(std::string_view s) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  // strtold needs a terminated string; a NUL inside `s` then stops it short of the end, which
  // the length check below rejects, as Redis does.
  char buf[kMaxLongDoubleChars];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buf, &end);
  const bool range_error =
      errno == ERANGE && (std::isinf(value) || std::fpclassify(value) == FP_ZERO);
  if (is_blank(buf[0]) || end != buf + s.size() || range_error || errno == EINVAL ||
      std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

std::string format_double(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[kMaxLongDoubleChars];
  int written = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  if (written < 0 || static_cast<size_t>(written) >= sizeof(buf)) {
    // Unreachable for finite values (the largest needs ~4952 bytes); NaN prints short.
    return std::string(buf, std::strlen(buf));
  }
  size_t len = static_cast<size_t>(written);
  // "%.17Lf" always has a '.' for finite values (NaN has none and is left alone).
  if (std::memchr(buf, '.', len) != nullptr) {
    while (buf[len - 1] == '0') --len;
    if (buf[len - 1] == '.') --len;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

std::string format_reply_double(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];  // "%.17g" of a double is at most 24 characters
  const int written = std::snprintf(buf, sizeof(buf), "%.17g", value);
  return std::string(buf, written > 0 ? static_cast<size_t>(written) : 0);
}

}  // namespace seshat::protocol
