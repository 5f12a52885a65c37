#include "kv/zset.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace seshat::kv::zset {

using protocol::Reply;

// A score argument as Redis's getDoubleFromObject reads it (strtod, all of the argument, no
// leading space, no NaN, no overflow or underflow to zero).
std::optional<double> parse_score(const std::string& arg) {
  if (arg.empty() || std::isspace(static_cast<unsigned char>(arg[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(arg.c_str(), &end);
  if (end != arg.c_str() + arg.size()) return std::nullopt;  // also catches a NUL inside
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) {
    return std::nullopt;
  }
  if (std::isnan(v)) return std::nullopt;
  return v;
}

// Scores as Redis 7.0 prints them: inf, -inf, or %.17g.
std::string format_score(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

Reply score_reply(double v) { return Reply::Double(format_score(v)); }

// The stored form of a score (member -> score map): the double's bits, little-endian.
std::string encode_score(double v) {
  if (v == 0) v = 0;  // Redis keeps no negative zero: ZADD z -0 m; ZSCORE z m answers 0
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(bits >> (8 * i));
  return out;
}

double decode_score(std::string_view bytes) {
  uint64_t bits = 0;
  for (int i = 7; i >= 0 && bytes.size() == 8; --i)
    bits = (bits << 8) | static_cast<uint8_t>(bytes[i]);
  double v;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

// The index form: 8 bytes whose byte order is the scores' numeric order (-0 sorts as 0, as
// Redis compares them equal).
std::string sortable_score(double v) {
  if (v == 0) v = 0;  // -0 -> +0
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  bits = (bits & (1ull << 63)) ? ~bits : bits | (1ull << 63);
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(bits >> shift));
  return out;
}

// The 8 bytes just above every index name of score `v` (any member).
std::string sortable_successor(double v) {
  std::string s = sortable_score(v);
  for (int i = 7; i >= 0; --i) {
    if (static_cast<uint8_t>(s[i]) != 0xff) {
      s[i] = static_cast<char>(static_cast<uint8_t>(s[i]) + 1);
      return s;
    }
    s[i] = '\0';
  }
  return std::string(8, '\xff');  // not reached for a score: the top value is a NaN's
}

}  // namespace seshat::kv::zset
