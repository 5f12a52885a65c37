// Expiry commands: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT, TTL, PTTL, EXPIRETIME,
// PEXPIRETIME, PERSIST. Semantics and error texts follow Redis 7.0's expire.c.
//
// Times are absolute milliseconds in the record. "Now" is the keyspace's clock: at apply it is
// the time the proposer chose, so a relative EXPIRE resolves to the same instant on every
// replica, and a time already past deletes the key on every replica alike.
#include <cstdint>
#include <limits>
#include <string>

#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/handler_util.h"
#include "kv/number_parse.h"

namespace seshat::kv::cmd {

namespace {

enum class Unit { kSeconds, kMilliseconds };
enum class Base { kNow, kUnixEpoch };

enum ExpireCondition : uint32_t { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

Reply expire_generic(CommandContext& ctx, const Argv& argv, std::string_view command, Unit unit,
                     Base base) {
  auto& ks = ctx.keyspace;
  uint32_t cond = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    if (is_option(argv[j], "nx")) {
      cond |= kNx;
    } else if (is_option(argv[j], "xx")) {
      cond |= kXx;
    } else if (is_option(argv[j], "gt")) {
      cond |= kGt;
    } else if (is_option(argv[j], "lt")) {
      cond |= kLt;
    } else {
      return Reply::Error(err::unsupported_option(argv[j]));
    }
  }
  if ((cond & kNx) && (cond & (kXx | kGt | kLt))) return error_reply(err::kExpireNxConflict);
  if ((cond & kGt) && (cond & kLt)) return error_reply(err::kExpireGtLtConflict);

  auto parsed = parse_int64(argv[2]);
  if (!parsed) return error_reply(err::kNotInteger);
  // Negative times are allowed (they delete the key); only overflow is an error.
  int64_t when = *parsed;
  if (unit == Unit::kSeconds) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min() / 1000;
    if (when > kMax || when < kMin) return Reply::Error(err::invalid_expire_time(command));
    when *= 1000;
  }
  auto absolute = checked_add(when, base == Base::kNow ? ks.now_ms() : 0);
  if (!absolute) return Reply::Error(err::invalid_expire_time(command));
  when = *absolute;

  auto rec = ks.get(argv[1]);
  if (!rec) return Reply::Integer(0);
  // No expiry counts as an infinite one: GT never beats it, LT always does.
  const bool has_ttl = rec->expire_at_ms != 0;
  if ((cond & kNx) && has_ttl) return Reply::Integer(0);
  if ((cond & kXx) && !has_ttl) return Reply::Integer(0);
  if ((cond & kGt) && (!has_ttl || when <= rec->expire_at_ms)) return Reply::Integer(0);
  if ((cond & kLt) && has_ttl && when >= rec->expire_at_ms) return Reply::Integer(0);

  // A time already past (Redis's checkAlreadyExpired) deletes the key. A non-positive time is
  // always past: 0 in a record means "no expiry", so it must never be stored as one.
  if (when <= ks.now_ms() || when <= 0) {
    ks.erase(argv[1]);
  } else {
    ks.put_record(argv[1], rec->type, rec->value, when);
  }
  return Reply::Integer(1);
}

enum class TtlForm { kRemaining, kAbsolute };

Reply ttl_generic(CommandContext& ctx, const Argv& argv, Unit unit, TtlForm form) {
  auto rec = read_key(ctx, argv[1]);
  if (!rec) return Reply::Integer(-2);
  if (rec->expire_at_ms == 0) return Reply::Integer(-1);
  int64_t ms = rec->expire_at_ms;
  if (form == TtlForm::kRemaining) ms -= ctx.keyspace.now_ms();
  if (ms < 0) ms = 0;
  if (unit == Unit::kMilliseconds) return Reply::Integer(ms);
  // Rounded to the nearest second, computed without the overflow of (ms + 500) / 1000 near
  // INT64_MAX (Redis's compiled code yields the exact quotient there too).
  return Reply::Integer(ms / 1000 + (ms % 1000 + 500) / 1000);
}

}  // namespace

Reply expire(CommandContext& ctx, const Argv& argv) {
  return expire_generic(ctx, argv, "expire", Unit::kSeconds, Base::kNow);
}

Reply pexpire(CommandContext& ctx, const Argv& argv) {
  return expire_generic(ctx, argv, "pexpire", Unit::kMilliseconds, Base::kNow);
}

Reply expireat(CommandContext& ctx, const Argv& argv) {
  return expire_generic(ctx, argv, "expireat", Unit::kSeconds, Base::kUnixEpoch);
}

Reply pexpireat(CommandContext& ctx, const Argv& argv) {
  return expire_generic(ctx, argv, "pexpireat", Unit::kMilliseconds, Base::kUnixEpoch);
}

Reply ttl(CommandContext& ctx, const Argv& argv) {
  return ttl_generic(ctx, argv, Unit::kSeconds, TtlForm::kRemaining);
}

Reply pttl(CommandContext& ctx, const Argv& argv) {
  return ttl_generic(ctx, argv, Unit::kMilliseconds, TtlForm::kRemaining);
}

Reply expiretime(CommandContext& ctx, const Argv& argv) {
  return ttl_generic(ctx, argv, Unit::kSeconds, TtlForm::kAbsolute);
}

Reply pexpiretime(CommandContext& ctx, const Argv& argv) {
  return ttl_generic(ctx, argv, Unit::kMilliseconds, TtlForm::kAbsolute);
}

Reply persist(CommandContext& ctx, const Argv& argv) {
  auto rec = ctx.keyspace.get(argv[1]);
  if (!rec || rec->expire_at_ms == 0) return Reply::Integer(0);
  ctx.keyspace.put_record(argv[1], rec->type, rec->value, 0);
  return Reply::Integer(1);
}

}  // namespace seshat::kv::cmd
