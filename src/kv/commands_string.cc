// String commands: GET, SET and its variants, MGET/MSET, APPEND, ranges and counters.
// Semantics and error texts follow Redis 7.0's t_string.c, including the order in which
// arguments are validated (which error a client sees when several things are wrong).
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/handler_util.h"
#include "kv/number_parse.h"

namespace seshat::kv::cmd {

using storage::ValueType;

namespace {

// The options of SET and GETEX, as Redis's parseExtendedStringArgumentsOrReply knows them.
enum SetFlag : uint32_t {
  kNx = 1u << 0,
  kXx = 1u << 1,
  kGet = 1u << 2,
  kKeepTtl = 1u << 3,
  kPersist = 1u << 4,
  kEx = 1u << 5,
  kPx = 1u << 6,
  kExAt = 1u << 7,
  kPxAt = 1u << 8,
};
constexpr uint32_t kAnyExpiry = kEx | kPx | kExAt | kPxAt;

enum class OptionsOf { kSet, kGetex };

struct StringOptions {
  uint32_t flags = 0;
  const std::string* expire = nullptr;  // the argument of EX/PX/EXAT/PXAT
};

uint32_t expiry_form(std::string_view opt) {
  if (is_option(opt, "ex")) return kEx;
  if (is_option(opt, "px")) return kPx;
  if (is_option(opt, "exat")) return kExAt;
  if (is_option(opt, "pxat")) return kPxAt;
  return 0;
}

// Each option may be repeated, but never combined with one it conflicts with (NX with XX, two
// different expiry forms, KEEPTTL or PERSIST with an expiry): those are syntax errors, as is an
// expiry form without its argument.
std::optional<StringOptions> parse_string_options(const Argv& argv, size_t first, OptionsOf of) {
  StringOptions o;
  const bool is_set = of == OptionsOf::kSet;
  for (size_t j = first; j < argv.size(); ++j) {
    const std::string& opt = argv[j];
    const uint32_t form = expiry_form(opt);
    const uint32_t conflicts_with_form = kKeepTtl | kPersist | (kAnyExpiry & ~form);
    if (is_set && is_option(opt, "nx") && !(o.flags & kXx)) {
      o.flags |= kNx;
    } else if (is_set && is_option(opt, "xx") && !(o.flags & kNx)) {
      o.flags |= kXx;
    } else if (is_set && is_option(opt, "get")) {
      o.flags |= kGet;
    } else if (is_set && is_option(opt, "keepttl") && !(o.flags & (kPersist | kAnyExpiry))) {
      o.flags |= kKeepTtl;
    } else if (!is_set && is_option(opt, "persist") && !(o.flags & (kKeepTtl | kAnyExpiry))) {
      o.flags |= kPersist;
    } else if (form != 0 && !(o.flags & conflicts_with_form) && j + 1 < argv.size()) {
      o.flags |= form;
      o.expire = &argv[++j];
    } else {
      return std::nullopt;
    }
  }
  return o;
}

// An absolute expiry in ms from the argument of EX/PX/EXAT/PXAT (or SETEX/PSETEX): it must be
// a positive integer whose conversion to an absolute time does not overflow. Relative forms are
// resolved against the keyspace clock, which at apply is the proposer's clock.
std::optional<int64_t> resolve_expiry(const std::string& arg, uint32_t form, int64_t now_ms,
                                      std::string_view command, protocol::Reply& error) {
  auto n = parse_int64(arg);
  if (!n) {
    error = error_reply(err::kNotInteger);
    return std::nullopt;
  }
  const bool seconds = form & (kEx | kExAt);
  int64_t ms = *n;
  if (ms <= 0 || (seconds && ms > std::numeric_limits<int64_t>::max() / 1000)) {
    error = protocol::Reply::Error(err::invalid_expire_time(command));
    return std::nullopt;
  }
  if (seconds) ms *= 1000;
  if (form & (kEx | kPx)) {
    auto sum = checked_add(ms, now_ms);
    if (!sum || *sum <= 0) {
      error = protocol::Reply::Error(err::invalid_expire_time(command));
      return std::nullopt;
    }
    ms = *sum;
  }
  return ms;
}

// What SET, SETNX, SETEX and PSETEX share (Redis's setGenericCommand). `ok` is the reply on
// success and `aborted` the one when NX/XX prevents the write (unless GET was given).
Reply set_generic(CommandContext& ctx, const std::string& key, const std::string& value,
                  std::string_view command, uint32_t flags, const std::string* expire, Reply ok,
                  Reply aborted) {
  auto& ks = ctx.keyspace;
  int64_t expire_at = 0;
  if (expire != nullptr) {
    Reply error;
    auto ms = resolve_expiry(*expire, flags & kAnyExpiry, ks.now_ms(), command, error);
    if (!ms) return error;
    expire_at = *ms;
  }
  // SET ... GET reads the old value as GET would (a counted lookup); a plain SET does not.
  auto old = flags & kGet ? read_key(ctx, key) : ks.get(key);
  // SET overwrites a key of any type, but SET ... GET must return the old string.
  if ((flags & kGet) && wrong_type(old, ValueType::kString)) return error_reply(err::kWrongType);
  if ((flags & kNx && old) || (flags & kXx && !old)) {
    return flags & kGet ? bulk_or_null(old) : aborted;
  }
  if (expire == nullptr && (flags & kKeepTtl) && old) expire_at = old->expire_at_ms;
  put_maybe_expired(ks, key, value, expire_at);
  return flags & kGet ? bulk_or_null(old) : ok;
}

// Redis's checkStringLength: the result of APPEND/SETRANGE may not exceed proto-max-bulk-len,
// which for Seshat is the configured maximum value size.
bool fits_value_limit(const CommandContext& ctx, uint64_t size, uint64_t append) {
  const uint64_t max = ctx.limits.max_value_size_bytes;
  return size <= max && append <= max - size;
}

Reply incr_decr(CommandContext& ctx, const std::string& key, int64_t by) {
  auto& ks = ctx.keyspace;
  auto old = ks.get(key);
  if (wrong_type(old, ValueType::kString)) return error_reply(err::kWrongType);
  int64_t value = 0;
  if (old) {
    auto parsed = parse_int64(old->value);
    if (!parsed) return error_reply(err::kNotInteger);
    value = *parsed;
  }
  auto sum = checked_add(value, by);
  if (!sum) return error_reply(err::kOverflow);
  // Counters keep their time to live, as in Redis.
  ks.put(key, std::to_string(*sum), old ? old->expire_at_ms : 0);
  return Reply::Integer(*sum);
}

}  // namespace

Reply get(CommandContext& ctx, const Argv& argv) {
  auto rec = read_key(ctx, argv[1]);
  if (wrong_type(rec, ValueType::kString)) return error_reply(err::kWrongType);
  return bulk_or_null(rec);
}

Reply set(CommandContext& ctx, const Argv& argv) {
  auto opts = parse_string_options(argv, 3, OptionsOf::kSet);
  if (!opts) return error_reply(err::kSyntax);
  return set_generic(ctx, argv[1], argv[2], "set", opts->flags, opts->expire, Reply::Ok(),
                     Reply::Null());
}

Reply setnx(CommandContext& ctx, const Argv& argv) {
  return set_generic(ctx, argv[1], argv[2], "setnx", kNx, nullptr, Reply::Integer(1),
                     Reply::Integer(0));
}

Reply setex(CommandContext& ctx, const Argv& argv) {
  return set_generic(ctx, argv[1], argv[3], "setex", kEx, &argv[2], Reply::Ok(), Reply::Null());
}

Reply psetex(CommandContext& ctx, const Argv& argv) {
  return set_generic(ctx, argv[1], argv[3], "psetex", kPx, &argv[2], Reply::Ok(), Reply::Null());
}

Reply getset(CommandContext& ctx, const Argv& argv) {
  auto old = read_key(ctx, argv[1]);
  if (wrong_type(old, ValueType::kString)) return error_reply(err::kWrongType);
  ctx.keyspace.put(argv[1], argv[2], 0);  // a plain SET: the old time to live goes
  return bulk_or_null(old);
}

Reply getdel(CommandContext& ctx, const Argv& argv) {
  auto old = read_key(ctx, argv[1]);
  if (wrong_type(old, ValueType::kString)) return error_reply(err::kWrongType);
  if (old) ctx.keyspace.erase(argv[1]);
  return bulk_or_null(old);
}

Reply getex(CommandContext& ctx, const Argv& argv) {
  auto& ks = ctx.keyspace;
  auto opts = parse_string_options(argv, 2, OptionsOf::kGetex);
  if (!opts) return error_reply(err::kSyntax);
  // Redis looks the key up before validating the expiry: a missing key answers nil even when
  // the expiry is invalid.
  auto rec = read_key(ctx, argv[1]);
  if (!rec) return Reply::Null();
  if (rec->type != ValueType::kString) return error_reply(err::kWrongType);
  if (opts->expire != nullptr) {
    Reply error;
    auto ms = resolve_expiry(*opts->expire, opts->flags & kAnyExpiry, ks.now_ms(), "getex", error);
    if (!ms) return error;
    if (*ms <= ks.now_ms()) {
      ks.erase(argv[1]);
    } else {
      ks.put(argv[1], rec->value, *ms);
    }
  } else if ((opts->flags & kPersist) && rec->expire_at_ms != 0) {
    ks.put(argv[1], rec->value, 0);
  }
  return Reply::Bulk(std::move(rec->value));
}

Reply mget(CommandContext& ctx, const Argv& argv) {
  std::vector<Reply> items;
  items.reserve(argv.size() - 1);
  for (size_t i = 1; i < argv.size(); ++i) {
    auto rec = read_key(ctx, argv[i]);
    items.push_back(is_string(rec) ? bulk_or_null(rec) : Reply::Null());  // other types: nil
  }
  return Reply::Array(std::move(items));
}

Reply mset(CommandContext& ctx, const Argv& argv) {
  // The table's arity (-3) admits an odd number of arguments; Redis reports that as an arity
  // error too.
  if (argv.size() % 2 == 0) return Reply::Error(err::wrong_arity("mset"));
  for (size_t i = 1; i + 1 < argv.size(); i += 2) ctx.keyspace.put(argv[i], argv[i + 1], 0);
  return Reply::Ok();
}

Reply msetnx(CommandContext& ctx, const Argv& argv) {
  if (argv.size() % 2 == 0) return Reply::Error(err::wrong_arity("msetnx"));
  for (size_t i = 1; i + 1 < argv.size(); i += 2) {
    if (ctx.keyspace.get(argv[i])) return Reply::Integer(0);
  }
  for (size_t i = 1; i + 1 < argv.size(); i += 2) ctx.keyspace.put(argv[i], argv[i + 1], 0);
  return Reply::Integer(1);
}

Reply append(CommandContext& ctx, const Argv& argv) {
  auto& ks = ctx.keyspace;
  auto old = ks.get(argv[1]);
  if (wrong_type(old, ValueType::kString)) return error_reply(err::kWrongType);
  if (!old) {
    ks.put(argv[1], argv[2], 0);
    return Reply::Integer(static_cast<int64_t>(argv[2].size()));
  }
  if (!fits_value_limit(ctx, old->value.size(), argv[2].size())) {
    return error_reply(err::string_grows_too_large(ctx.limits.max_value_size_bytes));
  }
  old->value += argv[2];
  ks.put(argv[1], old->value, old->expire_at_ms);
  return Reply::Integer(static_cast<int64_t>(old->value.size()));
}

Reply strlen(CommandContext& ctx, const Argv& argv) {
  auto rec = read_key(ctx, argv[1]);
  if (wrong_type(rec, ValueType::kString)) return error_reply(err::kWrongType);
  return Reply::Integer(rec ? static_cast<int64_t>(rec->value.size()) : 0);
}

Reply getrange(CommandContext& ctx, const Argv& argv) {
  auto start = parse_int64(argv[2]);
  if (!start) return error_reply(err::kNotInteger);
  auto end = parse_int64(argv[3]);
  if (!end) return error_reply(err::kNotInteger);
  auto rec = read_key(ctx, argv[1]);
  if (!rec) return Reply::Bulk("");
  if (rec->type != ValueType::kString) return error_reply(err::kWrongType);
  const auto len = static_cast<int64_t>(rec->value.size());
  int64_t s = *start, e = *end;
  if (s < 0 && e < 0 && s > e) return Reply::Bulk("");
  if (s < 0) s += len;
  if (e < 0) e += len;
  if (s < 0) s = 0;
  if (e < 0) e = 0;
  if (e >= len) e = len - 1;
  if (s > e || len == 0) return Reply::Bulk("");
  return Reply::Bulk(rec->value.substr(static_cast<size_t>(s), static_cast<size_t>(e - s + 1)));
}

Reply substr(CommandContext& ctx, const Argv& argv) { return getrange(ctx, argv); }

Reply setrange(CommandContext& ctx, const Argv& argv) {
  auto& ks = ctx.keyspace;
  auto offset = parse_int64(argv[2]);
  if (!offset) return error_reply(err::kNotInteger);
  if (*offset < 0) return error_reply(err::kOffsetOutOfRange);
  const std::string& patch = argv[3];
  auto rec = ks.get(argv[1]);
  if (wrong_type(rec, ValueType::kString)) return error_reply(err::kWrongType);
  if (!rec) {
    if (patch.empty()) return Reply::Integer(0);
    if (!fits_value_limit(ctx, static_cast<uint64_t>(*offset), patch.size())) {
      return error_reply(err::string_grows_too_large(ctx.limits.max_value_size_bytes));
    }
    rec = storage::Record{};
  } else {
    if (patch.empty()) return Reply::Integer(static_cast<int64_t>(rec->value.size()));
    if (!fits_value_limit(ctx, static_cast<uint64_t>(*offset), patch.size())) {
      return error_reply(err::string_grows_too_large(ctx.limits.max_value_size_bytes));
    }
  }
  const auto off = static_cast<size_t>(*offset);
  if (rec->value.size() < off + patch.size()) rec->value.resize(off + patch.size(), '\0');
  rec->value.replace(off, patch.size(), patch);
  ks.put(argv[1], rec->value, rec->expire_at_ms);
  return Reply::Integer(static_cast<int64_t>(rec->value.size()));
}

Reply incr(CommandContext& ctx, const Argv& argv) { return incr_decr(ctx, argv[1], 1); }

Reply decr(CommandContext& ctx, const Argv& argv) { return incr_decr(ctx, argv[1], -1); }

Reply incrby(CommandContext& ctx, const Argv& argv) {
  auto by = parse_int64(argv[2]);
  if (!by) return error_reply(err::kNotInteger);
  return incr_decr(ctx, argv[1], *by);
}

Reply decrby(CommandContext& ctx, const Argv& argv) {
  auto by = parse_int64(argv[2]);
  if (!by) return error_reply(err::kNotInteger);
  // Negating INT64_MIN would overflow before the value is even looked at.
  if (*by == std::numeric_limits<int64_t>::min()) return error_reply(err::kDecrementOverflow);
  return incr_decr(ctx, argv[1], -*by);
}

Reply incrbyfloat(CommandContext& ctx, const Argv& argv) {
  auto& ks = ctx.keyspace;
  auto old = ks.get(argv[1]);
  if (wrong_type(old, ValueType::kString)) return error_reply(err::kWrongType);
  // Redis parses the stored value before the increment.
  long double value = 0;
  if (old) {
    auto parsed = parse_long_double(old->value);
    if (!parsed) return error_reply(err::kNotFloat);
    value = *parsed;
  }
  auto by = parse_long_double(argv[2]);
  if (!by) return error_reply(err::kNotFloat);
  value += *by;
  if (std::isnan(value) || std::isinf(value)) return error_reply(err::kNanOrInfinity);
  std::string text = protocol::format_double(value);
  ks.put(argv[1], text, old ? old->expire_at_ms : 0);
  return Reply::Bulk(std::move(text));
}

}  // namespace seshat::kv::cmd
