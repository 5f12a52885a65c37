// Conversions between numbers and the strings clients send and receive, with Redis 7.0's exact
// rules (util.c: string2ll, string2ld, ld2string; networking.c: addReplyDouble). The command
// layer uses them so that "value is not an integer or out of range", "value is not a valid
// float" and the text INCRBYFLOAT returns match Redis byte for byte.
//
// All of them assume the "C" numeric locale, which the server never changes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seshat::protocol {

// string2ll: an optional '-', then "0" or a digit 1-9 followed by digits; nothing else (no '+',
// no blanks, no leading zeros, no "-0"); nullopt on overflow of int64.
std::optional<int64_t> parse_int64(std::string_view s);

// string2ld: what strtold() accepts (decimal, exponent, hex floats, "inf"/"infinity" in any
// case, a leading '+' or '-') provided it consumes the whole string; rejects the empty string,
// a leading blank, NaN, overflow to +-inf, underflow to zero, and strings of 5120 bytes or more.
std::optional<long double> parse_long_double(std::string_view s);

// The text INCRBYFLOAT stores and replies (ld2string in LD_STR_HUMAN mode): "%.17Lf" with the
// trailing zeros and a trailing '.' removed, "-0" printed as "0", infinities as "inf"/"-inf".
// E.g. 10.5 + 0.1 -> "10.6", 1e20 -> "100000000000000000000", 1e-7 -> "0.0000001".
// Note: this is not "%.17Lg"; Redis 7.0 really prints large values in full.
std::string format_double(long double value);

// The text of a double reply (addReplyDouble): "%.17g", with infinities as "inf"/"-inf". Use it
// for Reply::Double, which the writer sends as RESP3 ",<text>" or a RESP2 bulk string.
std::string format_reply_double(double value);

}  // namespace seshat::protocol
