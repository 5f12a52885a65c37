// What the hash and set commands share: finding a collection of a given type, creating one,
// adding and storing. (Lists keep their positions and have their own List in
// commands_list.cc.) Internal to src/kv.
#pragma once

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kv/command.h"
#include "kv/glob_match.h"
#include "kv/handler_util.h"
#include "protocol/number_format.h"
#include "storage/keyspace.h"

namespace seshat::kv {

// A collection as a command finds it: absent (meta empty), or live with its metadata;
// `wrong_type` when the key holds another type.
struct Collection {
  storage::ValueType type;
  std::optional<storage::Record> rec;
  storage::CollectionMeta meta;
  bool wrong_type = false;
  bool exists() const { return rec.has_value(); }
};

// Looks `key` up as a collection of `type`; `counted` for a read that counts in INFO's
// keyspace hits and misses.
inline Collection lookup_collection(CommandContext& ctx, const std::string& key,
                                    storage::ValueType type, bool counted) {
  Collection c{type, {}, {}, false};
  c.rec = counted ? read_key(ctx, key) : ctx.keyspace.get(key);
  if (!c.rec) return c;
  if (c.rec->type != type) {
    c.wrong_type = true;
    return c;
  }
  if (auto meta = storage::decode_collection_meta(c.rec->value)) c.meta = *meta;
  return c;
}

// For a write that may add members: the existing collection, or a new empty one (stored by
// store_collection once it has members).
inline Collection lookup_or_create_collection(CommandContext& ctx, const std::string& key,
                                              storage::ValueType type) {
  Collection c = lookup_collection(ctx, key, type, false);
  if (!c.wrong_type && !c.exists())
    c.meta = storage::CollectionMeta{ctx.keyspace.new_generation(), 0};
  return c;
}

// Stores the metadata after members were added or removed: a collection left empty is deleted
// (Redis never keeps an empty one); otherwise it keeps its expiry and takes this write's
// version.
inline void store_collection(CommandContext& ctx, const std::string& key, const Collection& c) {
  if (c.meta.size == 0) {
    if (c.exists()) ctx.keyspace.erase(key);
    return;
  }
  ctx.keyspace.put_record(key, c.type, storage::encode_collection_meta(c.meta),
                          c.exists() ? c.rec->expire_at_ms : 0);
}

// Sets one member's value; returns whether the member is new.
inline bool put_collection_member(CommandContext& ctx, const std::string& key, Collection& c,
                                  std::string_view member, std::string_view value) {
  const bool is_new = !ctx.keyspace.get_member(key, c.meta.generation, member).has_value();
  ctx.keyspace.put_member(key, c.meta.generation, member, value);
  if (is_new) ++c.meta.size;
  return is_new;
}

// Removes one member; returns whether it was there.
inline bool erase_collection_member(CommandContext& ctx, const std::string& key, Collection& c,
                                    std::string_view member) {
  if (!c.exists() || !ctx.keyspace.get_member(key, c.meta.generation, member)) return false;
  ctx.keyspace.erase_member(key, c.meta.generation, member);
  --c.meta.size;
  return true;
}

// `want` distinct members picked at random (fewer than the collection's `size`): random picks
// until there are enough; after a bounded number of tries (picks in a big collection are not
// uniform) the rest is taken walking on from a random member.
inline std::vector<std::pair<std::string, std::string>> distinct_random_members(
    storage::Keyspace& ks, const std::string& key, uint64_t generation, uint64_t size,
    uint64_t want) {
  std::vector<std::pair<std::string, std::string>> picked;
  std::set<std::string> seen;
  storage::MemberPicker picker(ks, key, generation, size);
  for (uint64_t tries = 0; seen.size() < want && tries < 4 * want; ++tries) {
    auto m = picker.pick();
    if (!m) break;
    if (seen.insert(m->first).second) picked.push_back(std::move(*m));
  }
  auto start = picker.pick();
  for (int pass = 0; pass < 2 && seen.size() < want && start; ++pass) {
    ks.scan_members(key, generation, pass == 0 ? start->first : std::string(),
                    [&](std::string_view m, std::string_view v) {
                      if (seen.insert(std::string(m)).second) picked.emplace_back(m, v);
                      return seen.size() < want;
                    });
  }
  return picked;
}

// HRANDFIELD, SRANDMEMBER and ZRANDMEMBER: key [count [<values_option>]], as Redis 7.0 picks.
// Without a count one member (or nil); a positive count gives distinct members (all of them
// when it covers the collection), a negative one |count| members that may repeat. With the
// values option (WITHVALUES, WITHSCORES; none for sets when empty) each member is followed by
// value_reply(its stored value): a flat array in RESP2, [member, value] pairs in RESP3. The
// choice is this node's and reaches only the reply.
inline protocol::Reply random_members_command(
    CommandContext& ctx, const Argv& argv, storage::ValueType type, std::string_view values_option,
    const std::function<protocol::Reply(std::string_view)>& value_reply) {
  using protocol::Reply;
  // Redis's bounds on the count (getRangeLongFromObjectOrReply; half of it with values), and
  // Seshat's own on repeated picks: Redis streams any number, a reply is built whole here.
  constexpr std::string_view kCountOutOfRange =
      "ERR value is out of range, value must between -9223372036854775807 and "
      "9223372036854775807";
  constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
  constexpr uint64_t kMaxRepeatedPicks = 1ull << 24;
  // SRANDMEMBER refuses extra arguments before reading the count; the others read it first.
  if (values_option.empty() && argv.size() > 3) return error_reply(err::kSyntax);
  const bool with_count = argv.size() >= 3;
  bool with_values = false;
  int64_t count = 0;
  if (with_count) {
    auto n = protocol::parse_int64(argv[2]);
    if (!n) return error_reply(err::kNotInteger);
    if (*n == std::numeric_limits<int64_t>::min()) return error_reply(kCountOutOfRange);
    count = *n;
    const bool option_ok = argv.size() == 3 || (argv.size() == 4 && !values_option.empty() &&
                                                is_option(argv[3], values_option));
    if (!option_ok) return error_reply(err::kSyntax);
    if (argv.size() == 4) {
      with_values = true;
      constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
      if (count < -kHalf || count > kHalf) return error_reply(kValueOutOfRange);
    }
  }
  Collection c = lookup_collection(ctx, argv[1], type, true);
  if (!c.exists()) return with_count ? Reply::Array() : Reply::Null();
  if (c.wrong_type) return Reply::Error(std::string(err::kWrongType));
  auto& ks = ctx.keyspace;
  if (!with_count) {
    auto m = storage::MemberPicker(ks, argv[1], c.meta.generation, c.meta.size).pick();
    return m ? Reply::Bulk(std::move(m->first)) : Reply::Null();
  }
  if (count == 0) return Reply::Array();
  std::vector<std::pair<std::string, std::string>> picked;
  if (count < 0) {
    const auto n = static_cast<uint64_t>(-count);
    if (n > kMaxRepeatedPicks) return error_reply(kValueOutOfRange);
    picked.reserve(n);
    storage::MemberPicker picker(ks, argv[1], c.meta.generation, c.meta.size);
    for (uint64_t i = 0; i < n; ++i) {
      auto m = picker.pick();
      if (!m) break;
      picked.push_back(std::move(*m));
    }
  } else if (static_cast<uint64_t>(count) >= c.meta.size) {
    ks.scan_members(argv[1], c.meta.generation, {}, [&](std::string_view m, std::string_view v) {
      picked.emplace_back(m, v);
      return true;
    });
  } else {
    picked = distinct_random_members(ks, argv[1], c.meta.generation, c.meta.size,
                                     static_cast<uint64_t>(count));
  }
  std::vector<Reply> items;
  for (auto& [member, value] : picked) {
    items.push_back(Reply::Bulk(std::move(member)));
    if (with_values) items.push_back(value_reply(value));
  }
  return with_values ? Reply::Pairs(std::move(items)) : Reply::Array(std::move(items));
}

// Handlers shared by hashes and sets, whose members are looked up the same way.
//
// HDEL / SREM key member...: how many of the members were there; the key goes once empty.
inline protocol::Reply remove_members(CommandContext& ctx, const Argv& argv,
                                      storage::ValueType type) {
  Collection c = lookup_collection(ctx, argv[1], type, false);
  if (c.wrong_type) return protocol::Reply::Error(std::string(err::kWrongType));
  int64_t removed = 0;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (erase_collection_member(ctx, argv[1], c, argv[i])) ++removed;
  }
  if (removed > 0) store_collection(ctx, argv[1], c);
  return protocol::Reply::Integer(removed);
}

// HEXISTS / SISMEMBER key member: 1 if the member is there.
inline protocol::Reply has_member(CommandContext& ctx, const Argv& argv, storage::ValueType type) {
  Collection c = lookup_collection(ctx, argv[1], type, true);
  if (c.wrong_type) return protocol::Reply::Error(std::string(err::kWrongType));
  const bool in =
      c.exists() && ctx.keyspace.get_member(argv[1], c.meta.generation, argv[2]).has_value();
  return protocol::Reply::Integer(in ? 1 : 0);
}

// HLEN / SCARD key: the number of members (0 for a missing key).
inline protocol::Reply member_count(CommandContext& ctx, const Argv& argv,
                                    storage::ValueType type) {
  Collection c = lookup_collection(ctx, argv[1], type, true);
  if (c.wrong_type) return protocol::Reply::Error(std::string(err::kWrongType));
  return protocol::Reply::Integer(static_cast<int64_t>(c.meta.size));
}

// HSCAN and SSCAN. The cursor names where the next call resumes: the first bytes (at most 7)
// of the next member, left-aligned in bits 63..8, and how many there are in bits 7..0. Seeking
// to that prefix lands on the next member, provided a call stops only between two members
// whose first 7 bytes differ (members sharing them come in the same call). 0 starts over and
// ends a scan; no stop point encodes to 0, since the first member is never a stop point.
inline constexpr size_t kScanCursorBytes = 7;

inline std::string_view scan_cursor_prefix(std::string_view member) {
  return member.substr(0, std::min(member.size(), kScanCursorBytes));
}

inline uint64_t encode_scan_cursor(std::string_view member) {
  const std::string_view p = scan_cursor_prefix(member);
  uint64_t v = 0;
  for (size_t i = 0; i < kScanCursorBytes; ++i) {
    v = (v << 8) | (i < p.size() ? static_cast<uint8_t>(p[i]) : 0);
  }
  return (v << 8) | p.size();
}

inline std::string decode_scan_cursor(uint64_t cursor) {
  const size_t n = std::min<size_t>(cursor & 0xff, kScanCursorBytes);
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(static_cast<char>(cursor >> (8 * (kScanCursorBytes - i))));
  }
  return out;
}

// One call of a collection scan from `cursor`: visits about opts.count members, hands those
// matching opts.pattern to `emit`, and returns the cursor to continue from (0 at the end).
inline uint64_t scan_collection(
    CommandContext& ctx, const std::string& key, uint64_t generation, uint64_t cursor,
    const ScanOptions& opts,
    const std::function<void(std::string_view member, std::string_view value)>& emit) {
  int64_t visited = 0;
  std::string last;
  uint64_t next = 0;
  ctx.keyspace.scan_members(
      key, generation, decode_scan_cursor(cursor),
      [&](std::string_view member, std::string_view value) {
        if (visited >= opts.count && scan_cursor_prefix(member) != scan_cursor_prefix(last)) {
          next = encode_scan_cursor(member);
          return false;
        }
        ++visited;
        last.assign(member);
        if (opts.pattern == nullptr || glob_match(*opts.pattern, member)) {
          emit(member, value);
        }
        return true;
      });
  return next;
}

// The [cursor, items] reply of the SCAN family.
inline protocol::Reply scan_reply(uint64_t next, std::vector<protocol::Reply> items) {
  std::vector<protocol::Reply> out;
  out.push_back(protocol::Reply::Bulk(std::to_string(next)));
  out.push_back(protocol::Reply::Array(std::move(items)));
  return protocol::Reply::Array(std::move(out));
}

}  // namespace seshat::kv
