// Hash commands: HSET, HGET and the rest of the field-level family. A hash is a collection
// (storage/keyspace.h): one metadata record holding its generation and field count, and one
// member entry per field, so a point operation reads and writes only the fields it names.
// Semantics, validation order and error texts follow Redis 7.0's t_hash.c.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/glob_match.h"
#include "kv/handler_util.h"
#include "kv/number_parse.h"

namespace seshat::kv::cmd {

namespace {

using storage::CollectionMeta;
using storage::ValueType;

constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";
constexpr std::string_view kIncrementNotFinite = "ERR value is NaN or Infinity";
// HRANDFIELD's count limits (getRangeLongFromObjectOrReply, and the WITHVALUES bound).
constexpr std::string_view kCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";
constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
// The most fields HRANDFIELD with a negative count returns (Seshat's own bound).
constexpr uint64_t kMaxRepeatedPicks = 1ull << 24;

// A hash as a command finds it: absent (meta empty), or live with its metadata. `error` is set
// when the key holds another type.
struct HashLookup {
  std::optional<storage::Record> rec;
  CollectionMeta meta;
  bool wrong_type = false;
  bool exists() const { return rec.has_value(); }
};

HashLookup lookup(CommandContext& ctx, const std::string& key, bool counted) {
  HashLookup h;
  h.rec = counted ? read_key(ctx, key) : ctx.keyspace.get(key);
  if (!h.rec) return h;
  if (h.rec->type != ValueType::kHash) {
    h.wrong_type = true;
    return h;
  }
  if (auto meta = storage::decode_collection_meta(h.rec->value)) h.meta = *meta;
  return h;
}

// A hash a write may add fields to: the existing one, or a new empty one (not yet stored).
HashLookup lookup_or_create(CommandContext& ctx, const std::string& key) {
  HashLookup h = lookup(ctx, key, false);
  if (!h.wrong_type && !h.exists()) h.meta = CollectionMeta{ctx.keyspace.new_generation(), 0};
  return h;
}

// Stores the metadata after fields were added or removed: a hash left empty is deleted (Redis
// never keeps an empty collection); otherwise it keeps its expiry and takes this write's version.
void store(CommandContext& ctx, const std::string& key, const HashLookup& h) {
  if (h.meta.size == 0) {
    if (h.exists()) ctx.keyspace.erase(key);
    return;
  }
  ctx.keyspace.put_record(key, ValueType::kHash, storage::encode_collection_meta(h.meta),
                          h.exists() ? h.rec->expire_at_ms : 0);
}

// Sets one field; returns whether it is new.
bool set_field(CommandContext& ctx, const std::string& key, HashLookup& h, const std::string& field,
               const std::string& value) {
  const bool is_new = !ctx.keyspace.get_member(key, h.meta.generation, field).has_value();
  ctx.keyspace.put_member(key, h.meta.generation, field, value);
  if (is_new) ++h.meta.size;
  return is_new;
}

Reply wrong_type_reply() { return error_reply(err::kWrongType); }

// HSET and HMSET: field/value pairs after the key.
std::optional<Reply> set_pairs(CommandContext& ctx, const Argv& argv, int64_t& added) {
  HashLookup h = lookup_or_create(ctx, argv[1]);
  if (h.wrong_type) return wrong_type_reply();
  for (size_t i = 2; i + 1 < argv.size(); i += 2) {
    if (set_field(ctx, argv[1], h, argv[i], argv[i + 1])) ++added;
  }
  store(ctx, argv[1], h);
  return std::nullopt;
}

enum class Part { kFields, kValues, kBoth };

Reply list_members(CommandContext& ctx, const Argv& argv, Part part) {
  HashLookup h = lookup(ctx, argv[1], true);
  if (h.wrong_type) return wrong_type_reply();
  std::vector<Reply> items;
  if (h.exists()) {
    items.reserve(part == Part::kBoth ? 2 * h.meta.size : h.meta.size);
    ctx.keyspace.scan_members(argv[1], h.meta.generation, {},
                              [&](std::string_view field, std::string_view value) {
                                if (part != Part::kValues)
                                  items.push_back(Reply::Bulk(std::string(field)));
                                if (part != Part::kFields)
                                  items.push_back(Reply::Bulk(std::string(value)));
                                return true;
                              });
  }
  return part == Part::kBoth ? Reply::Map(std::move(items)) : Reply::Array(std::move(items));
}

// HSCAN's cursor names where the next call resumes: the first bytes (at most 7) of the next
// field, left-aligned in bits 63..8, and how many there are in bits 7..0. Seeking to that prefix
// lands on the next field, provided a call stops only between two fields whose first 7 bytes
// differ (fields sharing them are returned by the same call). 0 starts over and ends a scan;
// no stop point encodes to 0, since the first field is never a stop point.
constexpr size_t kCursorBytes = 7;

std::string_view cursor_prefix(std::string_view field) {
  return field.substr(0, std::min(field.size(), kCursorBytes));
}

uint64_t encode_member_cursor(std::string_view field) {
  const std::string_view p = cursor_prefix(field);
  uint64_t v = 0;
  for (size_t i = 0; i < kCursorBytes; ++i) {
    v = (v << 8) | (i < p.size() ? static_cast<uint8_t>(p[i]) : 0);
  }
  return (v << 8) | p.size();
}

std::string decode_member_cursor(uint64_t cursor) {
  const size_t n = std::min<size_t>(cursor & 0xff, kCursorBytes);
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(static_cast<char>(cursor >> (8 * (kCursorBytes - i))));
  }
  return out;
}

}  // namespace

Reply hscan(CommandContext& ctx, const Argv& argv) {
  auto cursor = parse_scan_cursor(argv[2]);
  if (!cursor) return error_reply(err::kInvalidCursor);
  HashLookup h = lookup(ctx, argv[1], true);
  auto reply = [](uint64_t next, std::vector<Reply> items) {
    std::vector<Reply> out;
    out.push_back(Reply::Bulk(std::to_string(next)));
    out.push_back(Reply::Array(std::move(items)));
    return Reply::Array(std::move(out));
  };
  if (!h.exists()) return reply(0, {});
  if (h.wrong_type) return wrong_type_reply();
  ScanOptions opts;
  if (Reply error; !parse_scan_options(argv, 3, /*allow_type=*/false, opts, error)) return error;
  const std::string* pattern = opts.pattern;
  const int64_t count = opts.count;
  std::vector<Reply> items;
  int64_t visited = 0;
  std::string last;
  uint64_t next = 0;
  ctx.keyspace.scan_members(argv[1], h.meta.generation, decode_member_cursor(*cursor),
                            [&](std::string_view field, std::string_view value) {
                              if (visited >= count && cursor_prefix(field) != cursor_prefix(last)) {
                                next = encode_member_cursor(field);
                                return false;
                              }
                              ++visited;
                              last.assign(field);
                              if (pattern == nullptr || glob_match(*pattern, field)) {
                                items.push_back(Reply::Bulk(std::string(field)));
                                items.push_back(Reply::Bulk(std::string(value)));
                              }
                              return true;
                            });
  return reply(next, std::move(items));
}

// HRANDFIELD key [count [WITHVALUES]]: random fields, as Redis 7.0's t_hash.c picks them. A
// positive count gives distinct fields (the whole hash when count >= its size), a negative one
// |count| fields that may repeat. The choice is this node's and reaches only the reply.
Reply hrandfield(CommandContext& ctx, const Argv& argv) {
  int64_t count = 0;
  bool with_count = argv.size() >= 3;
  bool with_values = false;
  if (with_count) {
    auto n = parse_int64(argv[2]);
    if (!n) return error_reply(err::kNotInteger);
    if (*n == std::numeric_limits<int64_t>::min()) return error_reply(kCountOutOfRange);
    count = *n;
    if (argv.size() > 4 || (argv.size() == 4 && !is_option(argv[3], "withvalues"))) {
      return error_reply(err::kSyntax);
    }
    if (argv.size() == 4) {
      with_values = true;
      constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
      if (count < -kHalf || count > kHalf) return error_reply(kValueOutOfRange);
    }
  }
  HashLookup h = lookup(ctx, argv[1], true);
  if (!h.exists()) return with_count ? Reply::Array() : Reply::Null();
  if (h.wrong_type) return wrong_type_reply();
  auto& ks = ctx.keyspace;
  if (!with_count) {
    auto m = ks.random_member(argv[1], h.meta.generation);
    return m ? Reply::Bulk(std::move(m->first)) : Reply::Null();
  }
  if (count == 0) return Reply::Array();
  std::vector<std::pair<std::string, std::string>> picked;
  const uint64_t size = h.meta.size;
  if (count < 0 || count == 1) {
    // With repetition (and a single field, which cannot repeat). Redis would stream any number
    // of picks; a reply is built whole here, so an absurd count is refused instead.
    const uint64_t n = count < 0 ? static_cast<uint64_t>(-count) : 1;
    if (n > kMaxRepeatedPicks) return error_reply(kValueOutOfRange);
    picked.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      auto m = ks.random_member(argv[1], h.meta.generation);
      if (!m) break;
      picked.push_back(std::move(*m));
    }
  } else if (static_cast<uint64_t>(count) >= size) {
    ks.scan_members(argv[1], h.meta.generation, {}, [&](std::string_view f, std::string_view v) {
      picked.emplace_back(f, v);
      return true;
    });
  } else {
    // Distinct fields: random picks until there are enough. Picks are not uniform, so after a
    // bounded number of tries the rest is taken walking on from a random field.
    std::set<std::string> seen;
    const uint64_t want = static_cast<uint64_t>(count);
    for (uint64_t tries = 0; seen.size() < want && tries < 4 * want; ++tries) {
      auto m = ks.random_member(argv[1], h.meta.generation);
      if (!m) break;
      if (seen.insert(m->first).second) picked.push_back(std::move(*m));
    }
    auto start = ks.random_member(argv[1], h.meta.generation);
    for (int pass = 0; pass < 2 && seen.size() < want && start; ++pass) {
      ks.scan_members(argv[1], h.meta.generation, pass == 0 ? start->first : std::string(),
                      [&](std::string_view f, std::string_view v) {
                        if (seen.insert(std::string(f)).second) picked.emplace_back(f, v);
                        return seen.size() < want;
                      });
    }
  }
  // With values: field/value pairs (a flat array in RESP2, [field, value] arrays in RESP3).
  std::vector<Reply> items;
  for (auto& [field, value] : picked) {
    items.push_back(Reply::Bulk(std::move(field)));
    if (with_values) items.push_back(Reply::Bulk(std::move(value)));
  }
  return with_values ? Reply::Pairs(std::move(items)) : Reply::Array(std::move(items));
}

Reply hset(CommandContext& ctx, const Argv& argv) {
  if (argv.size() % 2 == 1) return Reply::Error(err::wrong_arity("hset"));
  int64_t added = 0;
  if (auto error = set_pairs(ctx, argv, added)) return std::move(*error);
  return Reply::Integer(added);
}

Reply hmset(CommandContext& ctx, const Argv& argv) {
  if (argv.size() % 2 == 1) return Reply::Error(err::wrong_arity("hmset"));
  int64_t added = 0;
  if (auto error = set_pairs(ctx, argv, added)) return std::move(*error);
  return Reply::Ok();
}

Reply hsetnx(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup_or_create(ctx, argv[1]);
  if (h.wrong_type) return wrong_type_reply();
  if (h.exists() && ctx.keyspace.get_member(argv[1], h.meta.generation, argv[2])) {
    return Reply::Integer(0);
  }
  set_field(ctx, argv[1], h, argv[2], argv[3]);
  store(ctx, argv[1], h);
  return Reply::Integer(1);
}

Reply hget(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup(ctx, argv[1], true);
  if (h.wrong_type) return wrong_type_reply();
  if (!h.exists()) return Reply::Null();
  auto value = ctx.keyspace.get_member(argv[1], h.meta.generation, argv[2]);
  return value ? Reply::Bulk(std::move(*value)) : Reply::Null();
}

Reply hmget(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup(ctx, argv[1], true);
  if (h.wrong_type) return wrong_type_reply();
  std::vector<Reply> items;
  items.reserve(argv.size() - 2);
  for (size_t i = 2; i < argv.size(); ++i) {
    std::optional<std::string> value;
    if (h.exists()) value = ctx.keyspace.get_member(argv[1], h.meta.generation, argv[i]);
    items.push_back(value ? Reply::Bulk(std::move(*value)) : Reply::Null());
  }
  return Reply::Array(std::move(items));
}

Reply hdel(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup(ctx, argv[1], false);
  if (h.wrong_type) return wrong_type_reply();
  if (!h.exists()) return Reply::Integer(0);
  int64_t deleted = 0;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (!ctx.keyspace.get_member(argv[1], h.meta.generation, argv[i])) continue;
    ctx.keyspace.erase_member(argv[1], h.meta.generation, argv[i]);
    --h.meta.size;
    ++deleted;
  }
  if (deleted > 0) store(ctx, argv[1], h);
  return Reply::Integer(deleted);
}

Reply hexists(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup(ctx, argv[1], true);
  if (h.wrong_type) return wrong_type_reply();
  const bool found =
      h.exists() && ctx.keyspace.get_member(argv[1], h.meta.generation, argv[2]).has_value();
  return Reply::Integer(found ? 1 : 0);
}

Reply hlen(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup(ctx, argv[1], true);
  if (h.wrong_type) return wrong_type_reply();
  return Reply::Integer(static_cast<int64_t>(h.meta.size));
}

Reply hstrlen(CommandContext& ctx, const Argv& argv) {
  HashLookup h = lookup(ctx, argv[1], true);
  if (h.wrong_type) return wrong_type_reply();
  std::optional<std::string> value;
  if (h.exists()) value = ctx.keyspace.get_member(argv[1], h.meta.generation, argv[2]);
  return Reply::Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

Reply hkeys(CommandContext& ctx, const Argv& argv) {
  return list_members(ctx, argv, Part::kFields);
}

Reply hvals(CommandContext& ctx, const Argv& argv) {
  return list_members(ctx, argv, Part::kValues);
}

Reply hgetall(CommandContext& ctx, const Argv& argv) {
  return list_members(ctx, argv, Part::kBoth);
}

Reply hincrby(CommandContext& ctx, const Argv& argv) {
  auto by = parse_int64(argv[3]);
  if (!by) return error_reply(err::kNotInteger);
  HashLookup h = lookup_or_create(ctx, argv[1]);
  if (h.wrong_type) return wrong_type_reply();
  int64_t value = 0;
  if (h.exists()) {
    if (auto old = ctx.keyspace.get_member(argv[1], h.meta.generation, argv[2])) {
      auto parsed = parse_int64(*old);
      if (!parsed) return error_reply(kHashValueNotInteger);
      value = *parsed;
    }
  }
  auto sum = checked_add(value, *by);
  if (!sum) return error_reply(err::kOverflow);
  set_field(ctx, argv[1], h, argv[2], std::to_string(*sum));
  store(ctx, argv[1], h);
  return Reply::Integer(*sum);
}

Reply hincrbyfloat(CommandContext& ctx, const Argv& argv) {
  auto by = parse_long_double(argv[3]);
  if (!by) return error_reply(err::kNotFloat);
  if (std::isnan(*by) || std::isinf(*by)) return error_reply(kIncrementNotFinite);
  HashLookup h = lookup_or_create(ctx, argv[1]);
  if (h.wrong_type) return wrong_type_reply();
  long double value = 0;
  if (h.exists()) {
    if (auto old = ctx.keyspace.get_member(argv[1], h.meta.generation, argv[2])) {
      auto parsed = parse_long_double(*old);
      if (!parsed) return error_reply(kHashValueNotFloat);
      value = *parsed;
    }
  }
  value += *by;
  if (std::isnan(value) || std::isinf(value)) return error_reply(err::kNanOrInfinity);
  std::string text = protocol::format_double(value);
  set_field(ctx, argv[1], h, argv[2], text);
  store(ctx, argv[1], h);
  return Reply::Bulk(std::move(text));
}

}  // namespace seshat::kv::cmd
