// Serialises a Reply as RESP2 or RESP3, appending to the caller's output buffer so a whole
// pipeline's replies leave in one write.
//
// RESP2 has no map, set, push, double, boolean, verbatim or null type, so, as Redis does:
//   map -> flat array of 2N (key, value, ...)   set, push -> array   double -> bulk string
//   bool -> integer 1/0   verbatim -> bulk string   null -> $-1   null array -> *-1
// RESP3 uses % ~ > , # = and _ (both nulls).
//
// Simple strings and errors are one line: a CR or LF inside them is written as a space (Redis
// does the same to the error texts it formats), so a handler can never break the stream.
#pragma once

#include <string>

#include "protocol/reply.h"

namespace seshat::protocol {

enum class ProtocolVersion { kResp2 = 2, kResp3 = 3 };

void write_reply(std::string& out, const Reply& reply, ProtocolVersion version);

// Convenience for tests and one-off replies: the encoding of `reply` alone.
std::string encode_reply(const Reply& reply, ProtocolVersion version);

}  // namespace seshat::protocol
