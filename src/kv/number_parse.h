// Number rules that only the keyspace commands need. The general ones (Redis's string2ll,
// string2ld, ld2string) live in protocol/number_format.h and are re-exported here so handlers
// name them in one way.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/number_format.h"

namespace seshat::kv {

using protocol::parse_int64;
using protocol::parse_long_double;

// A SCAN cursor as Redis reads it: strtoul semantics (an optional sign, base 10, "-1" wraps to
// the maximum, "" is 0), up to the first NUL byte, no leading space, no overflow.
std::optional<uint64_t> parse_scan_cursor(std::string_view s);

// The timeout of a blocking command (BLPOP ... timeout), in seconds as a long double, read as
// Redis 7.0 reads it: milliseconds rounded up; 0 (and anything that rounds to it, such as
// -0.0001) blocks without limit. A timeout beyond the range of int64 milliseconds is answered
// "timeout is negative" by Redis 7.0 (its conversion wraps), and so here. Returns the
// milliseconds, or the error line.
struct BlockTimeout {
  std::optional<int64_t> ms;  // set when valid; 0 = no limit
  std::string_view error;     // otherwise
};
BlockTimeout parse_block_timeout(std::string_view s);

// a + b, or nullopt if it overflows int64.
std::optional<int64_t> checked_add(int64_t a, int64_t b);

}  // namespace seshat::kv
