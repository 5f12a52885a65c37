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

// a + b, or nullopt if it overflows int64.
std::optional<int64_t> checked_add(int64_t a, int64_t b);

}  // namespace seshat::kv
