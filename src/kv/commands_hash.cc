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

#include "kv/collection.h"
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

using HashLookup = Collection;

HashLookup lookup(CommandContext& ctx, const std::string& key, bool counted) {
  return lookup_collection(ctx, key, ValueType::kHash, counted);
}

HashLookup lookup_or_create(CommandContext& ctx, const std::string& key) {
  return lookup_or_create_collection(ctx, key, ValueType::kHash);
}

void store(CommandContext& ctx, const std::string& key, const HashLookup& h) {
  store_collection(ctx, key, h);
}

// Sets one field; returns whether it is new.
bool set_field(CommandContext& ctx, const std::string& key, HashLookup& h, const std::string& field,
               const std::string& value) {
  return put_collection_member(ctx, key, h, field, value);
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

}  // namespace

Reply hscan(CommandContext& ctx, const Argv& argv) {
  auto cursor = parse_scan_cursor(argv[2]);
  if (!cursor) return error_reply(err::kInvalidCursor);
  HashLookup h = lookup(ctx, argv[1], true);
  if (!h.exists()) return scan_reply(0, {});
  if (h.wrong_type) return wrong_type_reply();
  ScanOptions opts;
  if (Reply error; !parse_scan_options(argv, 3, /*allow_type=*/false, opts, error)) return error;
  std::vector<Reply> items;
  const uint64_t next = scan_collection(ctx, argv[1], h.meta.generation, *cursor, opts,
                                        [&](std::string_view field, std::string_view value) {
                                          items.push_back(Reply::Bulk(std::string(field)));
                                          items.push_back(Reply::Bulk(std::string(value)));
                                        });
  return scan_reply(next, std::move(items));
}

// HRANDFIELD key [count [WITHVALUES]] (collection.h).
Reply hrandfield(CommandContext& ctx, const Argv& argv) {
  return random_members_command(ctx, argv, ValueType::kHash, "withvalues",
                                [](std::string_view v) { return Reply::Bulk(std::string(v)); });
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
  return remove_members(ctx, argv, ValueType::kHash);
}

Reply hexists(CommandContext& ctx, const Argv& argv) {
  return has_member(ctx, argv, ValueType::kHash);
}

Reply hlen(CommandContext& ctx, const Argv& argv) {
  return member_count(ctx, argv, ValueType::kHash);
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
