// The sorted set model the ZSET commands share (commands_zset.cc, commands_zset_store.cc).
// A sorted set is a collection (storage/keyspace.h) with two member maps: member -> score under
// its generation (ZSCORE, ZADD's lookups), and the score index under its index generation,
// whose member names are the score in an order-preserving 8-byte form followed by the member,
// so ranges by score or rank are one scan in either direction. Score parsing and formatting
// (%.17g) follow Redis 7.0's t_zset.c.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kv/collection.h"
#include "kv/command.h"
#include "protocol/reply.h"

namespace seshat::kv::zset {

// A score argument as Redis's getDoubleFromObject reads it (strtod, all of the argument, no
// leading space, no NaN, no overflow or underflow to zero).
std::optional<double> parse_score(const std::string& arg);
// Scores as Redis 7.0 prints them: inf, -inf, or %.17g.
std::string format_score(double v);
protocol::Reply score_reply(double v);
// The stored form of a score (member -> score map): the double's bits, little-endian.
std::string encode_score(double v);
double decode_score(std::string_view bytes);
// The index form: 8 bytes whose byte order is the scores' numeric order (-0 sorts as 0, as
// Redis compares them equal).
std::string sortable_score(double v);
// The 8 bytes just above every index name of score `v` (any member).
std::string sortable_successor(double v);

class Zset {
 public:
  Zset(CommandContext& ctx, const std::string& key) : ctx_(ctx), key_(key) {}

  // False when the key holds another type.
  bool load(bool counted) {
    c_ = lookup_collection(ctx_, key_, storage::ValueType::kZset, counted);
    return !c_.wrong_type;
  }
  bool exists() const { return c_.exists(); }
  int64_t size() const { return static_cast<int64_t>(c_.meta.size); }
  void create() {
    c_.meta = storage::CollectionMeta{ctx_.keyspace.new_generation(), 0, 0, 0,
                                      ctx_.keyspace.new_generation()};
  }

  std::optional<double> score(std::string_view member) {
    if (!exists() && c_.meta.generation == 0) return std::nullopt;
    auto bytes = ctx_.keyspace.get_member(key_, c_.meta.generation, member);
    if (!bytes) return std::nullopt;
    return decode_score(*bytes);
  }
  // Adds the member or changes its score; returns whether it is new.
  bool put(std::string_view member, double v) {
    auto old = score(member);
    if (old) {
      ctx_.keyspace.erase_member(key_, c_.meta.index_generation, index_name(*old, member));
    }
    ctx_.keyspace.put_member(key_, c_.meta.generation, member, encode_score(v));
    ctx_.keyspace.put_member(key_, c_.meta.index_generation, index_name(v, member), "");
    if (!old) ++c_.meta.size;
    return !old;
  }
  bool remove(std::string_view member) {
    auto old = score(member);
    if (!old) return false;
    ctx_.keyspace.erase_member(key_, c_.meta.generation, member);
    ctx_.keyspace.erase_member(key_, c_.meta.index_generation, index_name(*old, member));
    --c_.meta.size;
    return true;
  }
  void store() { store_collection(ctx_, key_, c_); }

  // Visits (member, score) in score order (descending if `reverse`) from rank `skip` on.
  void walk(bool reverse, int64_t skip,
            const std::function<bool(std::string_view member, double score)>& visit) {
    if (!exists()) return;
    auto each = [&](std::string_view name, std::string_view) {
      if (skip > 0) {
        --skip;
        return true;
      }
      return visit(name.substr(8), score_of_index(name));
    };
    if (reverse) {
      ctx_.keyspace.scan_members_reverse(key_, c_.meta.index_generation, {}, each);
    } else {
      ctx_.keyspace.scan_members(key_, c_.meta.index_generation, {}, each);
    }
  }

  // Visits members whose score is within `range`, in order (descending if `reverse`).
  struct ScoreRange {
    double min, max;
    bool min_exclusive = false, max_exclusive = false;
    bool above_min(double v) const { return min_exclusive ? v > min : v >= min; }
    bool below_max(double v) const { return max_exclusive ? v < max : v <= max; }
  };
  void walk_scores(const ScoreRange& r, bool reverse,
                   const std::function<bool(std::string_view member, double score)>& visit) {
    if (!exists()) return;
    auto each = [&](std::string_view name, std::string_view) {
      const double v = score_of_index(name);
      if (reverse ? !r.above_min(v) : !r.below_max(v)) return false;  // past the far end
      if (reverse ? !r.below_max(v) : !r.above_min(v)) return true;   // not yet in range
      return visit(name.substr(8), v);
    };
    if (reverse) {
      // From just below the next score up (every member of the max score included); from the
      // very end for +inf. What lies above max on the way is skipped by `each`.
      std::string from;
      if (!(std::isinf(r.max) && r.max > 0)) from = sortable_successor(r.max);
      ctx_.keyspace.scan_members_reverse(key_, c_.meta.index_generation, from, each);
    } else {
      std::string from = std::isinf(r.min) && r.min < 0 ? std::string() : sortable_score(r.min);
      ctx_.keyspace.scan_members(key_, c_.meta.index_generation, from, each);
    }
  }

  // The member's rank in ascending score order.
  std::optional<int64_t> rank(std::string_view member) {
    auto s = score(member);
    if (!s) return std::nullopt;
    const std::string target = index_name(*s, member);
    int64_t n = 0;
    ctx_.keyspace.scan_members(key_, c_.meta.index_generation, {},
                               [&](std::string_view name, std::string_view) {
                                 if (name >= target) return false;
                                 ++n;
                                 return true;
                               });
    return n;
  }

 private:
  static std::string index_name(double v, std::string_view member) {
    return sortable_score(v) + std::string(member);
  }
  static double score_of_index(std::string_view name) {
    uint64_t bits = 0;
    for (size_t i = 0; i < 8 && i < name.size(); ++i)
      bits = (bits << 8) | static_cast<uint8_t>(name[i]);
    bits = (bits & (1ull << 63)) ? bits & ~(1ull << 63) : ~bits;
    double v;
    std::memcpy(&v, &bits, sizeof(v));
    return v;
  }

  CommandContext& ctx_;
  std::string key_;
  Collection c_{storage::ValueType::kZset, {}, {}, false};
};

}  // namespace seshat::kv::zset
