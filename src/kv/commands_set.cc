// Set commands. A set is a collection (storage/keyspace.h) whose members are its elements,
// stored with empty values: membership is one point read, and the algebra (SINTER, SUNION,
// SDIFF and their STORE forms) walks the sets in member order. SPOP's choice changes the state,
// so it draws from the apply view's random bits, which every replica draws alike.
// Semantics, validation order and error texts follow Redis 7.0's t_set.c.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kv/collection.h"
#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/glob_match.h"
#include "kv/handler_util.h"
#include "kv/number_parse.h"

namespace seshat::kv::cmd {

namespace {

using storage::ValueType;

constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kTooManyKeys = "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";

Collection lookup(CommandContext& ctx, const std::string& key, bool counted) {
  return lookup_collection(ctx, key, ValueType::kSet, counted);
}

Reply wrong_type_reply() { return error_reply(err::kWrongType); }

std::vector<std::string> members_of(CommandContext& ctx, const std::string& key,
                                    const Collection& c) {
  std::vector<std::string> out;
  if (!c.exists()) return out;
  out.reserve(c.meta.size);
  ctx.keyspace.scan_members(key, c.meta.generation, {}, [&](std::string_view m, std::string_view) {
    out.emplace_back(m);
    return true;
  });
  return out;
}

Reply set_reply(std::vector<std::string> members) {
  std::vector<Reply> items;
  items.reserve(members.size());
  for (auto& m : members) items.push_back(Reply::Bulk(std::move(m)));
  return Reply::Set(std::move(items));
}

enum class Algebra { kInter, kUnion, kDiff };

// SINTER/SUNION/SDIFF over argv[first..]: the result, or an error reply (a key of another
// type, found while reading the keys in order). A missing key is an empty set.
std::optional<Reply> combine(CommandContext& ctx, const Argv& argv, size_t first, Algebra op,
                             bool counted, std::vector<std::string>& result) {
  std::vector<Collection> sets;
  for (size_t i = first; i < argv.size(); ++i) {
    Collection c = lookup(ctx, argv[i], counted);
    if (c.wrong_type) return wrong_type_reply();
    sets.push_back(std::move(c));
  }
  if (op == Algebra::kInter) {
    // Walk the smallest set and probe the others.
    for (const Collection& c : sets) {
      if (!c.exists()) return std::nullopt;
    }
    size_t smallest = 0;
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i].meta.size < sets[smallest].meta.size) smallest = i;
    }
    for (std::string& m : members_of(ctx, argv[first + smallest], sets[smallest])) {
      bool everywhere = true;
      for (size_t i = 0; i < sets.size() && everywhere; ++i) {
        if (i == smallest) continue;
        everywhere =
            ctx.keyspace.get_member(argv[first + i], sets[i].meta.generation, m).has_value();
      }
      if (everywhere) result.push_back(std::move(m));
    }
    return std::nullopt;
  }
  if (op == Algebra::kUnion) {
    std::set<std::string> all;
    for (size_t i = 0; i < sets.size(); ++i) {
      for (std::string& m : members_of(ctx, argv[first + i], sets[i])) all.insert(std::move(m));
    }
    result.assign(std::make_move_iterator(all.begin()), std::make_move_iterator(all.end()));
    return std::nullopt;
  }
  for (std::string& m : members_of(ctx, argv[first], sets[0])) {
    bool elsewhere = false;
    for (size_t i = 1; i < sets.size() && !elsewhere; ++i) {
      elsewhere = sets[i].exists() &&
                  ctx.keyspace.get_member(argv[first + i], sets[i].meta.generation, m).has_value();
    }
    if (!elsewhere) result.push_back(std::move(m));
  }
  return std::nullopt;
}

Reply algebra(CommandContext& ctx, const Argv& argv, Algebra op) {
  std::vector<std::string> result;
  if (auto error = combine(ctx, argv, 1, op, true, result)) return std::move(*error);
  return set_reply(std::move(result));
}

// The STORE forms: the result replaces whatever argv[1] held (deleted when empty).
Reply algebra_store(CommandContext& ctx, const Argv& argv, Algebra op) {
  std::vector<std::string> result;
  if (auto error = combine(ctx, argv, 2, op, false, result)) return std::move(*error);
  const std::string& dest = argv[1];
  ctx.keyspace.erase(dest);
  if (!result.empty()) {
    Collection c{ValueType::kSet, {}, {ctx.keyspace.new_generation(), 0}, false};
    for (const std::string& m : result) put_collection_member(ctx, dest, c, m, "");
    store_collection(ctx, dest, c);
  }
  return Reply::Integer(static_cast<int64_t>(result.size()));
}

}  // namespace

Reply sadd(CommandContext& ctx, const Argv& argv) {
  Collection c = lookup_or_create_collection(ctx, argv[1], ValueType::kSet);
  if (c.wrong_type) return wrong_type_reply();
  int64_t added = 0;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (put_collection_member(ctx, argv[1], c, argv[i], "")) ++added;
  }
  store_collection(ctx, argv[1], c);
  return Reply::Integer(added);
}

Reply srem(CommandContext& ctx, const Argv& argv) {
  return remove_members(ctx, argv, ValueType::kSet);
}

Reply sismember(CommandContext& ctx, const Argv& argv) {
  return has_member(ctx, argv, ValueType::kSet);
}

Reply smismember(CommandContext& ctx, const Argv& argv) {
  Collection c = lookup(ctx, argv[1], true);
  if (c.wrong_type) return wrong_type_reply();
  std::vector<Reply> items;
  for (size_t i = 2; i < argv.size(); ++i) {
    const bool in =
        c.exists() && ctx.keyspace.get_member(argv[1], c.meta.generation, argv[i]).has_value();
    items.push_back(Reply::Integer(in ? 1 : 0));
  }
  return Reply::Array(std::move(items));
}

Reply scard(CommandContext& ctx, const Argv& argv) {
  return member_count(ctx, argv, ValueType::kSet);
}

Reply smembers(CommandContext& ctx, const Argv& argv) {
  Collection c = lookup(ctx, argv[1], true);
  if (c.wrong_type) return wrong_type_reply();
  return set_reply(members_of(ctx, argv[1], c));
}

Reply spop(CommandContext& ctx, const Argv& argv) {
  if (argv.size() > 3) return error_reply(err::kSyntax);
  const bool with_count = argv.size() == 3;
  uint64_t count = 1;
  if (with_count) {
    auto n = parse_int64(argv[2]);
    if (!n || *n < 0) return error_reply(kMustBePositive);
    count = static_cast<uint64_t>(*n);
  }
  Collection c = lookup(ctx, argv[1], false);
  if (!c.exists()) return with_count ? Reply::Set() : Reply::Null();
  if (c.wrong_type) return wrong_type_reply();
  if (with_count && count == 0) return Reply::Set();
  std::vector<std::string> popped;
  if (count >= c.meta.size) {
    popped = members_of(ctx, argv[1], c);
    ctx.keyspace.erase(argv[1]);
  } else {
    // Random picks from the apply view's random bits: every replica removes the same members.
    storage::MemberPicker picker(ctx.keyspace, argv[1], c.meta.generation, c.meta.size);
    for (uint64_t i = 0; i < count; ++i) {
      auto m = picker.pick();
      if (!m) break;
      picker.forget(m->first);
      erase_collection_member(ctx, argv[1], c, m->first);
      popped.push_back(std::move(m->first));
    }
    store_collection(ctx, argv[1], c);
  }
  if (!with_count) return popped.empty() ? Reply::Null() : Reply::Bulk(std::move(popped[0]));
  return set_reply(std::move(popped));
}

Reply srandmember(CommandContext& ctx, const Argv& argv) {
  return random_members_command(ctx, argv, ValueType::kSet, {},
                                [](std::string_view) { return Reply::Null(); });
}

Reply smove(CommandContext& ctx, const Argv& argv) {
  Collection source = lookup(ctx, argv[1], false);
  Collection destination = lookup(ctx, argv[2], false);
  if (!source.exists()) return Reply::Integer(0);
  if (source.wrong_type || destination.wrong_type) return wrong_type_reply();
  if (argv[1] == argv[2]) {
    const bool in = ctx.keyspace.get_member(argv[1], source.meta.generation, argv[3]).has_value();
    return Reply::Integer(in ? 1 : 0);
  }
  if (!erase_collection_member(ctx, argv[1], source, argv[3])) return Reply::Integer(0);
  store_collection(ctx, argv[1], source);
  if (!destination.exists()) {
    destination.meta = storage::CollectionMeta{ctx.keyspace.new_generation(), 0};
  }
  put_collection_member(ctx, argv[2], destination, argv[3], "");
  store_collection(ctx, argv[2], destination);
  return Reply::Integer(1);
}

Reply sinter(CommandContext& ctx, const Argv& argv) { return algebra(ctx, argv, Algebra::kInter); }
Reply sunion(CommandContext& ctx, const Argv& argv) { return algebra(ctx, argv, Algebra::kUnion); }
Reply sdiff(CommandContext& ctx, const Argv& argv) { return algebra(ctx, argv, Algebra::kDiff); }
Reply sinterstore(CommandContext& ctx, const Argv& argv) {
  return algebra_store(ctx, argv, Algebra::kInter);
}
Reply sunionstore(CommandContext& ctx, const Argv& argv) {
  return algebra_store(ctx, argv, Algebra::kUnion);
}
Reply sdiffstore(CommandContext& ctx, const Argv& argv) {
  return algebra_store(ctx, argv, Algebra::kDiff);
}

Reply sintercard(CommandContext& ctx, const Argv& argv) {
  auto numkeys = parse_int64(argv[1]);
  if (!numkeys || *numkeys < 1) return error_reply(kNumkeys);
  if (static_cast<uint64_t>(*numkeys) > argv.size() - 2) return error_reply(kTooManyKeys);
  int64_t limit = 0;
  const size_t keys_end = 2 + static_cast<size_t>(*numkeys);
  for (size_t j = keys_end; j < argv.size(); ++j) {
    if (is_option(argv[j], "limit") && j + 1 < argv.size()) {
      auto n = parse_int64(argv[++j]);
      if (!n || *n < 0) return error_reply(kLimitNegative);
      limit = *n;
    } else {
      return error_reply(err::kSyntax);
    }
  }
  Argv keys(argv.begin() + 2, argv.begin() + static_cast<std::ptrdiff_t>(keys_end));
  keys.insert(keys.begin(), argv[0]);
  std::vector<std::string> result;
  if (auto error = combine(ctx, keys, 1, Algebra::kInter, true, result)) return std::move(*error);
  int64_t n = static_cast<int64_t>(result.size());
  if (limit > 0) n = std::min(n, limit);
  return Reply::Integer(n);
}

Reply sscan(CommandContext& ctx, const Argv& argv) {
  auto cursor = parse_scan_cursor(argv[2]);
  if (!cursor) return error_reply(err::kInvalidCursor);
  Collection c = lookup(ctx, argv[1], true);
  if (!c.exists()) return scan_reply(0, {});
  if (c.wrong_type) return wrong_type_reply();
  ScanOptions opts;
  if (Reply error; !parse_scan_options(argv, 3, /*allow_type=*/false, opts, error)) return error;
  std::vector<Reply> items;
  const uint64_t next = scan_collection(
      ctx, argv[1], c.meta.generation, *cursor, opts,
      [&](std::string_view m, std::string_view) { items.push_back(Reply::Bulk(std::string(m))); });
  return scan_reply(next, std::move(items));
}

}  // namespace seshat::kv::cmd
