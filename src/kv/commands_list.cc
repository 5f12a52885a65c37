// List commands: pushes and pops at both ends, ranges, positions and the in-place edits. A list
// is a collection (storage/keyspace.h) whose elements are members named by their position in
// [head, tail), so the ends, an index and a range are point reads or one range scan. Edits in
// the middle (LINSERT, LREM) rewrite the elements from there on, as Redis's are O(N) too.
// Semantics, validation order and error texts follow Redis 7.0's t_list.c.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/handler_util.h"
#include "kv/number_parse.h"

namespace seshat::kv::cmd {

namespace {

using storage::CollectionMeta;
using storage::ValueType;

constexpr std::string_view kNoSuchKey = "ERR no such key";
constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kMaxlenNegative = "ERR MAXLEN can't be negative";
std::string position_name(uint64_t position) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(position >> shift));
  return out;
}

// One list as a command sees it and changes it. Changes to the elements go to the keyspace at
// once; store() writes the metadata (or deletes the key once the list is empty).
class List {
 public:
  List(CommandContext& ctx, const std::string& key) : ks_(ctx.keyspace), key_(key) {}

  // Loads the list; false when the key holds another type.
  bool load(bool counted, CommandContext& ctx) {
    rec_ = counted ? read_key(ctx, key_) : ks_.get(key_);
    if (!rec_) return true;
    if (rec_->type != ValueType::kList) return false;
    if (auto meta = storage::decode_collection_meta(rec_->value)) meta_ = *meta;
    return true;
  }
  bool exists() const { return rec_.has_value(); }
  int64_t size() const { return static_cast<int64_t>(meta_.size); }

  // A new empty list, for a push to a missing key.
  void create() {
    meta_ = CollectionMeta{ks_.new_generation(), 0, storage::kListOrigin, storage::kListOrigin};
  }

  std::string at(int64_t i) {
    return ks_.get_member(key_, meta_.generation, name(i)).value_or(std::string());
  }
  void set(int64_t i, std::string_view value) {
    ks_.put_member(key_, meta_.generation, name(i), value);
  }
  // Elements [from, to), in order.
  std::vector<std::string> range(int64_t from, int64_t to) {
    std::vector<std::string> out;
    if (from >= to) return out;
    out.reserve(static_cast<size_t>(to - from));
    ks_.scan_members(key_, meta_.generation, name(from), [&](std::string_view, std::string_view v) {
      out.emplace_back(v);
      return static_cast<int64_t>(out.size()) < to - from;
    });
    return out;
  }

  void push(bool left, std::string_view value) {
    const uint64_t position = left ? --meta_.head : meta_.tail++;
    ks_.put_member(key_, meta_.generation, position_name(position), value);
    ++meta_.size;
  }
  std::string pop(bool left) {
    const int64_t i = left ? 0 : size() - 1;
    std::string value = at(i);
    ks_.erase_member(key_, meta_.generation, name(i));
    if (left) {
      ++meta_.head;
    } else {
      --meta_.tail;
    }
    --meta_.size;
    return value;
  }
  // Drops elements [0, left) and [size - right, size).
  void trim(int64_t left, int64_t right) {
    for (int64_t i = 0; i < left; ++i) ks_.erase_member(key_, meta_.generation, name(i));
    for (int64_t i = size() - right; i < size(); ++i) {
      ks_.erase_member(key_, meta_.generation, name(i));
    }
    meta_.head += static_cast<uint64_t>(left);
    meta_.tail -= static_cast<uint64_t>(right);
    meta_.size -= static_cast<uint64_t>(left + right);
  }
  // Replaces the elements from index `from` on with `rest`.
  void rewrite_from(int64_t from, const std::vector<std::string>& rest) {
    for (int64_t i = from; i < size(); ++i) ks_.erase_member(key_, meta_.generation, name(i));
    meta_.tail = meta_.head + static_cast<uint64_t>(from);
    meta_.size = static_cast<uint64_t>(from);
    for (const std::string& v : rest) push(false, v);
  }

  void store() {
    if (meta_.size == 0) {
      if (rec_) ks_.erase(key_);
      return;
    }
    ks_.put_record(key_, ValueType::kList, storage::encode_collection_meta(meta_),
                   rec_ ? rec_->expire_at_ms : 0);
  }

 private:
  std::string name(int64_t i) const { return position_name(meta_.head + static_cast<uint64_t>(i)); }

  storage::Keyspace& ks_;
  std::string key_;
  std::optional<storage::Record> rec_;
  CollectionMeta meta_;
};

Reply wrong_type_reply() { return error_reply(err::kWrongType); }

// A Redis index (negative counts from the end) as an offset, or nullopt when out of range.
std::optional<int64_t> resolve_index(int64_t index, int64_t size) {
  if (index < 0) index += size;
  if (index < 0 || index >= size) return std::nullopt;
  return index;
}

Reply push_generic(CommandContext& ctx, const Argv& argv, bool left, bool only_if_exists) {
  List list(ctx, argv[1]);
  if (!list.load(false, ctx)) return wrong_type_reply();
  if (!list.exists()) {
    if (only_if_exists) return Reply::Integer(0);
    list.create();
  }
  for (size_t i = 2; i < argv.size(); ++i) list.push(left, argv[i]);
  list.store();
  return Reply::Integer(list.size());
}

Reply pop_generic(CommandContext& ctx, const Argv& argv, bool left) {
  if (argv.size() > 3) return Reply::Error(err::wrong_arity(left ? "lpop" : "rpop"));
  const bool with_count = argv.size() == 3;
  int64_t count = 0;
  if (with_count) {
    auto n = parse_int64(argv[2]);
    if (!n || *n < 0) return error_reply(kMustBePositive);
    count = *n;
  }
  List list(ctx, argv[1]);
  if (!list.load(false, ctx)) return wrong_type_reply();
  if (!list.exists()) return with_count ? Reply::NullArray() : Reply::Null();
  if (with_count && count == 0) return Reply::Array();
  if (!with_count) {
    Reply value = Reply::Bulk(list.pop(left));
    list.store();
    return value;
  }
  std::vector<Reply> items;
  const int64_t n = std::min(count, list.size());
  for (int64_t i = 0; i < n; ++i) items.push_back(Reply::Bulk(list.pop(left)));
  list.store();
  return Reply::Array(std::move(items));
}

// LEFT or RIGHT, as LMOVE's directions.
std::optional<bool> parse_side(const std::string& arg) {
  if (is_option(arg, "left")) return true;
  if (is_option(arg, "right")) return false;
  return std::nullopt;
}

Reply move_generic(CommandContext& ctx, const std::string& from, const std::string& to,
                   bool from_left, bool to_left) {
  List source(ctx, from);
  if (!source.load(false, ctx)) return wrong_type_reply();
  if (!source.exists()) return Reply::Null();
  if (from == to) {
    std::string value = source.pop(from_left);
    source.push(to_left, value);
    source.store();
    return Reply::Bulk(std::move(value));
  }
  List destination(ctx, to);
  if (!destination.load(false, ctx)) return wrong_type_reply();
  std::string value = source.pop(from_left);
  if (!destination.exists()) destination.create();
  destination.push(to_left, value);
  source.store();
  destination.store();
  return Reply::Bulk(std::move(value));
}

// BLPOP and BRPOP without the blocking: the end of the first non-empty list as [key, element],
// or a null array when every list is empty. Outside MULTI the server blocks the client on that
// null and tries again once one of the keys is written (server/blocking_keys.h).
Reply blocking_pop(CommandContext& ctx, const Argv& argv, bool left) {
  const BlockTimeout timeout = parse_block_timeout(argv.back());
  if (!timeout.ms) return error_reply(timeout.error);
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    List list(ctx, argv[i]);
    if (!list.load(false, ctx)) return wrong_type_reply();
    if (!list.exists()) continue;
    std::vector<Reply> pair;
    pair.push_back(Reply::Bulk(argv[i]));
    pair.push_back(Reply::Bulk(list.pop(left)));
    list.store();
    return Reply::Array(std::move(pair));
  }
  return Reply::NullArray();
}

}  // namespace

Reply lpush(CommandContext& ctx, const Argv& argv) { return push_generic(ctx, argv, true, false); }
Reply rpush(CommandContext& ctx, const Argv& argv) { return push_generic(ctx, argv, false, false); }
Reply lpushx(CommandContext& ctx, const Argv& argv) { return push_generic(ctx, argv, true, true); }
Reply rpushx(CommandContext& ctx, const Argv& argv) { return push_generic(ctx, argv, false, true); }
Reply lpop(CommandContext& ctx, const Argv& argv) { return pop_generic(ctx, argv, true); }
Reply rpop(CommandContext& ctx, const Argv& argv) { return pop_generic(ctx, argv, false); }

Reply llen(CommandContext& ctx, const Argv& argv) {
  List list(ctx, argv[1]);
  if (!list.load(true, ctx)) return wrong_type_reply();
  return Reply::Integer(list.size());
}

Reply lrange(CommandContext& ctx, const Argv& argv) {
  auto start = parse_int64(argv[2]);
  auto end = parse_int64(argv[3]);
  if (!start || !end) return error_reply(err::kNotInteger);
  List list(ctx, argv[1]);
  if (!list.load(true, ctx)) return wrong_type_reply();
  std::vector<Reply> items;
  if (auto r = resolve_index_range(*start, *end, list.size())) {
    for (auto& v : list.range(r->first, r->second + 1)) items.push_back(Reply::Bulk(std::move(v)));
  }
  return Reply::Array(std::move(items));
}

Reply lindex(CommandContext& ctx, const Argv& argv) {
  List list(ctx, argv[1]);
  if (!list.load(true, ctx)) return wrong_type_reply();
  if (!list.exists()) return Reply::Null();
  auto index = parse_int64(argv[2]);
  if (!index) return error_reply(err::kNotInteger);
  auto at = resolve_index(*index, list.size());
  return at ? Reply::Bulk(list.at(*at)) : Reply::Null();
}

Reply lset(CommandContext& ctx, const Argv& argv) {
  List list(ctx, argv[1]);
  if (!list.load(false, ctx)) return wrong_type_reply();
  if (!list.exists()) return error_reply(kNoSuchKey);
  auto index = parse_int64(argv[2]);
  if (!index) return error_reply(err::kNotInteger);
  auto at = resolve_index(*index, list.size());
  if (!at) return error_reply(kIndexOutOfRange);
  list.set(*at, argv[3]);
  list.store();
  return Reply::Ok();
}

Reply linsert(CommandContext& ctx, const Argv& argv) {
  bool after;
  if (is_option(argv[2], "after")) {
    after = true;
  } else if (is_option(argv[2], "before")) {
    after = false;
  } else {
    return error_reply(err::kSyntax);
  }
  List list(ctx, argv[1]);
  if (!list.load(false, ctx)) return wrong_type_reply();
  if (!list.exists()) return Reply::Integer(0);
  std::vector<std::string> all = list.range(0, list.size());
  auto pivot = std::find(all.begin(), all.end(), argv[3]);
  if (pivot == all.end()) return Reply::Integer(-1);
  const int64_t at = (pivot - all.begin()) + (after ? 1 : 0);
  std::vector<std::string> rest(all.begin() + at, all.end());
  rest.insert(rest.begin(), argv[4]);
  list.rewrite_from(at, rest);
  list.store();
  return Reply::Integer(list.size());
}

Reply lrem(CommandContext& ctx, const Argv& argv) {
  auto count = parse_int64(argv[2]);
  if (!count) return error_reply(err::kNotInteger);
  List list(ctx, argv[1]);
  if (!list.load(false, ctx)) return wrong_type_reply();
  if (!list.exists()) return Reply::Integer(0);
  std::vector<std::string> all = list.range(0, list.size());
  // Which elements go: from the head for count >= 0, from the tail for count < 0, at most
  // |count| of them (all for 0).
  std::vector<bool> drop(all.size(), false);
  const uint64_t limit = *count == 0  ? UINT64_MAX
                         : *count > 0 ? static_cast<uint64_t>(*count)
                                      : static_cast<uint64_t>(-(*count + 1)) + 1;
  uint64_t removed = 0;
  for (size_t k = 0; k < all.size() && removed < limit; ++k) {
    const size_t i = *count < 0 ? all.size() - 1 - k : k;
    if (all[i] == argv[3]) {
      drop[i] = true;
      ++removed;
    }
  }
  if (removed == 0) return Reply::Integer(0);
  const auto first = static_cast<int64_t>(std::find(drop.begin(), drop.end(), true) - drop.begin());
  std::vector<std::string> rest;
  for (size_t i = static_cast<size_t>(first); i < all.size(); ++i) {
    if (!drop[i]) rest.push_back(std::move(all[i]));
  }
  list.rewrite_from(first, rest);
  list.store();
  return Reply::Integer(static_cast<int64_t>(removed));
}

Reply ltrim(CommandContext& ctx, const Argv& argv) {
  auto start = parse_int64(argv[2]);
  auto end = parse_int64(argv[3]);
  if (!start || !end) return error_reply(err::kNotInteger);
  List list(ctx, argv[1]);
  if (!list.load(false, ctx)) return wrong_type_reply();
  if (!list.exists()) return Reply::Ok();
  const int64_t size = list.size();
  int64_t left = size, right = 0;  // an empty range: everything goes
  if (auto r = resolve_index_range(*start, *end, size)) {
    left = r->first;
    right = size - r->second - 1;
  }
  list.trim(left, right);
  list.store();
  return Reply::Ok();
}

Reply lpos(CommandContext& ctx, const Argv& argv) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    if (is_option(argv[j], "rank") && more) {
      auto n = parse_int64(argv[++j]);
      if (!n) return error_reply(err::kNotInteger);
      if (*n == 0) return error_reply(kRankZero);
      // Redis 7.0 negates the rank to count matches from the tail; the most negative one stays
      // negative there, which makes every match count: the same as -1.
      rank = *n == std::numeric_limits<int64_t>::min() ? -1 : *n;
    } else if (is_option(argv[j], "count") && more) {
      auto n = parse_int64(argv[++j]);
      if (!n || *n < 0) return error_reply(kCountNegative);
      count = *n;
    } else if (is_option(argv[j], "maxlen") && more) {
      auto n = parse_int64(argv[++j]);
      if (!n || *n < 0) return error_reply(kMaxlenNegative);
      maxlen = *n;
    } else {
      return error_reply(err::kSyntax);
    }
  }
  List list(ctx, argv[1]);
  if (!list.load(true, ctx)) return wrong_type_reply();
  if (!list.exists()) return count != -1 ? Reply::Array() : Reply::Null();
  const int64_t size = list.size();
  const std::vector<std::string> all = list.range(0, size);
  std::vector<Reply> found;
  int64_t skip = (rank > 0 ? rank : -rank) - 1;
  const int64_t want = count == -1 ? 1 : count;  // COUNT 0: every match
  for (int64_t k = 0; k < size && (maxlen == 0 || k < maxlen); ++k) {
    const int64_t i = rank > 0 ? k : size - 1 - k;
    if (all[static_cast<size_t>(i)] != argv[2]) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    found.push_back(Reply::Integer(i));
    if (want != 0 && static_cast<int64_t>(found.size()) >= want) break;
  }
  if (count != -1) return Reply::Array(std::move(found));
  return found.empty() ? Reply::Null() : std::move(found.front());
}

Reply lmove(CommandContext& ctx, const Argv& argv) {
  auto from = parse_side(argv[3]);
  if (!from) return error_reply(err::kSyntax);
  auto to = parse_side(argv[4]);
  if (!to) return error_reply(err::kSyntax);
  return move_generic(ctx, argv[1], argv[2], *from, *to);
}

Reply rpoplpush(CommandContext& ctx, const Argv& argv) {
  return move_generic(ctx, argv[1], argv[2], false, true);
}

Reply blpop(CommandContext& ctx, const Argv& argv) { return blocking_pop(ctx, argv, true); }
Reply brpop(CommandContext& ctx, const Argv& argv) { return blocking_pop(ctx, argv, false); }

// BLMOVE and BRPOPLPUSH without the blocking: LMOVE once the timeout is valid; a null when the
// source is empty (the server blocks on it).
Reply blmove(CommandContext& ctx, const Argv& argv) {
  auto from = parse_side(argv[3]);
  if (!from) return error_reply(err::kSyntax);
  auto to = parse_side(argv[4]);
  if (!to) return error_reply(err::kSyntax);
  const BlockTimeout timeout = parse_block_timeout(argv[5]);
  if (!timeout.ms) return error_reply(timeout.error);
  return move_generic(ctx, argv[1], argv[2], *from, *to);
}

Reply brpoplpush(CommandContext& ctx, const Argv& argv) {
  const BlockTimeout timeout = parse_block_timeout(argv[3]);
  if (!timeout.ms) return error_reply(timeout.error);
  return move_generic(ctx, argv[1], argv[2], false, true);
}

}  // namespace seshat::kv::cmd
