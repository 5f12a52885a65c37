// Error replies of the keyspace commands. Their texts are a compatibility surface: clients and
// the differential tests compare them byte for byte with Redis 7.0, so each lives here once and
// the unit tests pin every one of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kv/command.h"

namespace seshat::kv::err {

inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
// getIntFromObjectOrReply's text for an integer that does not fit in a C int (COPY ... DB n).
inline constexpr std::string_view kNotInt32 =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrementOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtLtConflict =
    "ERR GT and LT options at the same time are not compatible";
// Replies of apply for operations that no client can produce through the server (a corrupt or
// foreign log entry); they exist so that apply never crashes on them.
inline constexpr std::string_view kMalformedOperation = "ERR malformed operation";
// A kSetAcl whose table changed since it was read: the front end reads it again and retries.
inline constexpr std::string_view kAclChanged = "ERR the ACL table changed meanwhile";

// A command that may add data while members' disks are below the free-space reserve: "NOSPACE
// ..." naming them (Redis has no such state; the text says what to do about it).
std::string no_space(const std::vector<uint64_t>& nodes);

// "ERR invalid expire time in 'set' command": Redis names the command (set, getex, setex,
// psetex, expire, pexpire, expireat, pexpireat).
std::string invalid_expire_time(std::string_view command_name);

// "ERR wrong number of arguments for 'get' command", with the table's lower-case name.
std::string wrong_arity(std::string_view command_name);

// "ERR unknown command 'foo', with args beginning with: 'a' 'b' ", formatted as Redis does:
// the name cut at 128 bytes, the arguments quoted until 128 bytes of them are shown, each cut at
// a NUL byte (Redis formats them with %s), CR and LF turned into spaces.
std::string unknown_command(const Argv& argv);

// "ERR unknown subcommand 'foo'. Try CLIENT HELP." (the subcommand cut at 128 bytes).
std::string unknown_subcommand(std::string_view sub, std::string_view command);

// A key or value over Seshat's configured limits (max_key_size_bytes, max_value_size_bytes).
// A value limit left at Redis's default (512 MB, proto-max-bulk-len) keeps Redis's own text for
// APPEND/SETRANGE growth, so a client sees exactly what Redis says.
inline constexpr uint64_t kRedisProtoMaxBulkLen = 512ull * 1024 * 1024;
std::string key_too_large(uint64_t limit);
std::string value_too_large(uint64_t limit);
std::string string_grows_too_large(uint64_t limit);

// "ERR Unsupported option foo" (EXPIRE and friends).
std::string unsupported_option(std::string_view option);

// "ERR command 'ping' is not executed by the state machine": a server-level command reached
// apply (the server must run those itself, also inside MULTI).
std::string not_applicable(std::string_view command_name);

}  // namespace seshat::kv::err
