// Sorted set commands over the model in zset.h: ZADD, ZINCRBY, ZREM, the reads by rank, score
// and lex, the pops and their blocking forms, the range removals, ZSCAN and ZRANDMEMBER. The
// stores (ZUNIONSTORE ...) are in commands_zset_store.cc. Semantics, validation order and error
// texts follow Redis 7.0's t_zset.c.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kv/collection.h"
#include "kv/commands.h"
#include "kv/errors.h"
#include "kv/handler_util.h"
#include "kv/number_parse.h"
#include "kv/zset.h"

namespace seshat::kv::cmd {

namespace {

using storage::ValueType;
using zset::decode_score;
using zset::format_score;
using zset::parse_score;
using zset::score_reply;
using zset::sortable_score;
using zset::Zset;

constexpr std::string_view kNotFloat = "ERR value is not a valid float";
constexpr std::string_view kNan = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kXxNx = "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
constexpr std::string_view kIncrPair = "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kRangeNotFloat = "ERR min or max is not a float";
constexpr std::string_view kLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";

Reply wrong_type_reply() { return error_reply(err::kWrongType); }

// A score range bound as Redis's zslParseRangeItem reads it: "(" for exclusive, then strtod up
// to the end of the C string (so "" is 0 and bytes after a NUL are ignored), not NaN.
bool parse_bound(const std::string& arg, double& value, bool& exclusive) {
  exclusive = !arg.empty() && arg[0] == '(';
  const char* text = arg.c_str() + (exclusive ? 1 : 0);
  char* end = nullptr;
  value = std::strtod(text, &end);
  return *end == '\0' && !std::isnan(value);
}

std::optional<Zset::ScoreRange> parse_range(const std::string& min, const std::string& max) {
  Zset::ScoreRange r{};
  if (!parse_bound(min, r.min, r.min_exclusive) || !parse_bound(max, r.max, r.max_exclusive)) {
    return std::nullopt;
  }
  return r;
}

// Members (and scores) as a reply: a flat array, or with scores [member, score] pairs in RESP3.
struct Emitted {
  std::vector<Reply> items;
  bool with_scores = false;
  void add(std::string_view member, double score) {
    items.push_back(Reply::Bulk(std::string(member)));
    if (with_scores) items.push_back(score_reply(score));
  }
  Reply reply() {
    return with_scores ? Reply::Pairs(std::move(items)) : Reply::Array(std::move(items));
  }
};

// A lexical range bound: "-" and "+" for the ends, "[x" inclusive, "(x" exclusive.
struct LexBound {
  enum Kind { kMinusInf, kPlusInf, kInclusive, kExclusive } kind;
  std::string value;
};

std::optional<LexBound> parse_lex_bound(const std::string& arg) {
  if (arg == "-") return LexBound{LexBound::kMinusInf, {}};
  if (arg == "+") return LexBound{LexBound::kPlusInf, {}};
  if (!arg.empty() && arg[0] == '[') return LexBound{LexBound::kInclusive, arg.substr(1)};
  if (!arg.empty() && arg[0] == '(') return LexBound{LexBound::kExclusive, arg.substr(1)};
  return std::nullopt;
}

struct LexRange {
  LexBound min, max;
  bool above_min(std::string_view m) const {
    switch (min.kind) {
      case LexBound::kMinusInf: return true;
      case LexBound::kPlusInf: return false;
      case LexBound::kInclusive: return m >= min.value;
      case LexBound::kExclusive: return m > min.value;
    }
    return false;
  }
  bool below_max(std::string_view m) const {
    switch (max.kind) {
      case LexBound::kMinusInf: return false;
      case LexBound::kPlusInf: return true;
      case LexBound::kInclusive: return m <= max.value;
      case LexBound::kExclusive: return m < max.value;
    }
    return false;
  }
};

constexpr std::string_view kLexRangeInvalid = "ERR min or max not valid string range item";
constexpr std::string_view kWithscoresBylex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

std::optional<LexRange> parse_lex_range(const std::string& min, const std::string& max) {
  auto lo = parse_lex_bound(min);
  auto hi = parse_lex_bound(max);
  if (!lo || !hi) return std::nullopt;
  return LexRange{*lo, *hi};
}

// Members in a lexical range, as Redis walks them (meant for members of one score): in index
// order, from the first member that is >= min while the following ones are <= max; backwards
// from the last member <= max while they are >= min.
void walk_lex(Zset& z, const LexRange& r, bool reverse,
              const std::function<bool(std::string_view member, double score)>& visit) {
  bool started = false;
  z.walk(reverse, 0, [&](std::string_view m, double s) {
    if (!started) {
      if (reverse ? !r.below_max(m) : !r.above_min(m)) return true;
      started = true;
    }
    if (reverse ? !r.above_min(m) : !r.below_max(m)) return false;
    return visit(m, s);
  });
}

enum class RangeBy { kRank, kScore, kLex };

// ZRANGE and its older forms. `first` is the index of the first range argument.
Reply range_generic(CommandContext& ctx, const Argv& argv, RangeBy by, bool reverse,
                    bool allow_by_options) {
  bool with_scores = false, rev_given = false, by_given = false;
  int64_t offset = 0, limit = -1;
  bool limit_given = false;
  for (size_t j = 4; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    if (is_option(argv[j], "withscores")) {
      with_scores = true;
    } else if (is_option(argv[j], "limit") && left >= 2) {
      auto o = parse_int64(argv[j + 1]);
      auto l = parse_int64(argv[j + 2]);
      if (!o || !l) return error_reply(err::kNotInteger);
      offset = *o;
      limit = *l;
      limit_given = limit != -1;
      j += 2;
    } else if (allow_by_options && !rev_given && is_option(argv[j], "rev")) {
      rev_given = true;
      reverse = true;
    } else if (allow_by_options && !by_given && is_option(argv[j], "byscore")) {
      by_given = true;
      by = RangeBy::kScore;
    } else if (allow_by_options && !by_given && is_option(argv[j], "bylex")) {
      by_given = true;
      by = RangeBy::kLex;
    } else {
      return error_reply(err::kSyntax);
    }
  }
  if (limit_given && by == RangeBy::kRank) return error_reply(kLimitNeedsBy);
  if (with_scores && by == RangeBy::kLex) return error_reply(kWithscoresBylex);
  Emitted out;
  out.with_scores = with_scores;
  if (by == RangeBy::kRank) {
    auto start = parse_int64(argv[2]);
    auto end = parse_int64(argv[3]);
    if (!start || !end) return error_reply(err::kNotInteger);
    Zset z(ctx, argv[1]);
    if (!z.load(true)) return wrong_type_reply();
    auto r = resolve_index_range(*start, *end, z.size());
    if (!r) return out.reply();
    int64_t remaining = r->second - r->first + 1;
    z.walk(reverse, r->first, [&](std::string_view m, double s) {
      out.add(m, s);
      return --remaining > 0;
    });
    return out.reply();
  }
  // By score or lex: for REV (and ZREV...BY...) the range is given max first.
  const std::string& lo = reverse ? argv[3] : argv[2];
  const std::string& hi = reverse ? argv[2] : argv[3];
  std::optional<Zset::ScoreRange> range;
  std::optional<LexRange> lex;
  if (by == RangeBy::kLex) {
    lex = parse_lex_range(lo, hi);
    if (!lex) return error_reply(kLexRangeInvalid);
  } else {
    range = parse_range(lo, hi);
    if (!range) return error_reply(kRangeNotFloat);
  }
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  if (!z.exists()) return out.reply();
  if (offset < 0 || (offset > 0 && offset >= z.size())) return out.reply();
  int64_t skip = offset;
  int64_t remaining = limit;  // -1 (or any negative): no limit
  if (remaining == 0) return out.reply();
  auto emit = [&](std::string_view m, double s) {
    if (skip > 0) {
      --skip;
      return true;
    }
    out.add(m, s);
    return remaining < 0 || --remaining > 0;
  };
  if (lex) {
    walk_lex(z, *lex, reverse, emit);
  } else {
    z.walk_scores(*range, reverse, emit);
  }
  return out.reply();
}

Reply pop_generic(CommandContext& ctx, const Argv& argv, bool max) {
  if (argv.size() > 3) return error_reply(err::kSyntax);
  int64_t count = 1;
  if (argv.size() == 3) {
    auto n = parse_int64(argv[2]);
    if (!n || *n < 0) return error_reply(kMustBePositive);
    count = *n;
    if (count == 0) return Reply::Array();
  }
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  Emitted out;
  out.with_scores = true;
  if (!z.exists()) return Reply::Array();
  std::vector<std::pair<std::string, double>> popped;
  z.walk(max, 0, [&](std::string_view m, double s) {
    popped.emplace_back(m, s);
    return static_cast<int64_t>(popped.size()) < count;
  });
  for (auto& [m, s] : popped) {
    z.remove(m);
    out.add(m, s);
  }
  z.store();
  // A single pop answers a flat [member, score] in every protocol.
  if (argv.size() < 3) return Reply::Array(std::move(out.items));
  return out.reply();
}

// BZPOPMIN and BZPOPMAX without the blocking: [key, member, score] from the first non-empty
// sorted set, or a null array (the server blocks on it outside MULTI).
Reply blocking_pop(CommandContext& ctx, const Argv& argv, bool max) {
  const BlockTimeout timeout = parse_block_timeout(argv.back());
  if (!timeout.ms) return error_reply(timeout.error);
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    Zset z(ctx, argv[i]);
    if (!z.load(false)) return wrong_type_reply();
    if (!z.exists()) continue;
    std::optional<std::pair<std::string, double>> first;
    z.walk(max, 0, [&](std::string_view m, double s) {
      first.emplace(std::string(m), s);
      return false;
    });
    if (!first) continue;
    z.remove(first->first);
    z.store();
    std::vector<Reply> out;
    out.push_back(Reply::Bulk(argv[i]));
    out.push_back(Reply::Bulk(std::move(first->first)));
    out.push_back(score_reply(first->second));
    return Reply::Array(std::move(out));
  }
  return Reply::NullArray();
}

}  // namespace

Reply zadd(CommandContext& ctx, const Argv& argv) {
  bool nx = false, xx = false, ch = false, incr = false, gt = false, lt = false;
  size_t at = 2;
  for (; at < argv.size(); ++at) {
    if (is_option(argv[at], "nx")) {
      nx = true;
    } else if (is_option(argv[at], "xx")) {
      xx = true;
    } else if (is_option(argv[at], "ch")) {
      ch = true;
    } else if (is_option(argv[at], "incr")) {
      incr = true;
    } else if (is_option(argv[at], "gt")) {
      gt = true;
    } else if (is_option(argv[at], "lt")) {
      lt = true;
    } else {
      break;
    }
  }
  const size_t rest = argv.size() - at;
  if (rest == 0 || rest % 2 != 0) return error_reply(err::kSyntax);
  if (nx && xx) return error_reply(kXxNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return error_reply(kGtLtNx);
  if (incr && rest > 2) return error_reply(kIncrPair);
  std::vector<double> scores;
  for (size_t i = at; i < argv.size(); i += 2) {
    auto s = parse_score(argv[i]);
    if (!s) return error_reply(kNotFloat);
    scores.push_back(*s);
  }
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  if (!z.exists()) {
    if (xx) return incr ? Reply::Null() : Reply::Integer(0);
    z.create();
  }
  int64_t added = 0, updated = 0, processed = 0;
  double last = 0;
  for (size_t j = 0; j < scores.size(); ++j) {
    const std::string& member = argv[at + 1 + 2 * j];
    double score = scores[j];
    auto current = z.score(member);
    if (current) {
      if (nx) continue;
      if (incr) {
        score += *current;
        if (std::isnan(score)) {
          z.store();
          return error_reply(kNan);
        }
      }
      if ((lt && score >= *current) || (gt && score <= *current)) continue;
      if (score != *current) {
        z.put(member, score);
        ++updated;
      }
    } else {
      if (xx) continue;
      z.put(member, score);
      ++added;
    }
    ++processed;
    last = score;
  }
  z.store();
  if (incr) return processed > 0 ? score_reply(last) : Reply::Null();
  return Reply::Integer(ch ? added + updated : added);
}

Reply zincrby(CommandContext& ctx, const Argv& argv) {
  auto by = parse_score(argv[2]);
  if (!by) return error_reply(kNotFloat);
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  if (!z.exists()) z.create();
  double score = *by + z.score(argv[3]).value_or(0);
  if (std::isnan(score)) return error_reply(kNan);
  z.put(argv[3], score);
  z.store();
  return score_reply(score);
}

Reply zrem(CommandContext& ctx, const Argv& argv) {
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  if (!z.exists()) return Reply::Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (z.remove(argv[i])) ++removed;
  }
  if (removed > 0) z.store();
  return Reply::Integer(removed);
}

Reply zcard(CommandContext& ctx, const Argv& argv) {
  return member_count(ctx, argv, ValueType::kZset);
}

Reply zscore(CommandContext& ctx, const Argv& argv) {
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  auto s = z.exists() ? z.score(argv[2]) : std::nullopt;
  return s ? score_reply(*s) : Reply::Null();
}

Reply zmscore(CommandContext& ctx, const Argv& argv) {
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  std::vector<Reply> items;
  for (size_t i = 2; i < argv.size(); ++i) {
    auto s = z.exists() ? z.score(argv[i]) : std::nullopt;
    items.push_back(s ? score_reply(*s) : Reply::Null());
  }
  return Reply::Array(std::move(items));
}

Reply zrank(CommandContext& ctx, const Argv& argv) {
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  auto r = z.exists() ? z.rank(argv[2]) : std::nullopt;
  return r ? Reply::Integer(*r) : Reply::Null();
}

Reply zrevrank(CommandContext& ctx, const Argv& argv) {
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  auto r = z.exists() ? z.rank(argv[2]) : std::nullopt;
  return r ? Reply::Integer(z.size() - 1 - *r) : Reply::Null();
}

Reply zcount(CommandContext& ctx, const Argv& argv) {
  auto range = parse_range(argv[2], argv[3]);
  if (!range) return error_reply(kRangeNotFloat);
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  int64_t n = 0;
  z.walk_scores(*range, false, [&](std::string_view, double) {
    ++n;
    return true;
  });
  return Reply::Integer(n);
}

Reply zrange(CommandContext& ctx, const Argv& argv) {
  return range_generic(ctx, argv, RangeBy::kRank, false, true);
}
Reply zrevrange(CommandContext& ctx, const Argv& argv) {
  return range_generic(ctx, argv, RangeBy::kRank, true, false);
}
Reply zrangebyscore(CommandContext& ctx, const Argv& argv) {
  return range_generic(ctx, argv, RangeBy::kScore, false, false);
}
Reply zrevrangebyscore(CommandContext& ctx, const Argv& argv) {
  return range_generic(ctx, argv, RangeBy::kScore, true, false);
}

Reply zpopmin(CommandContext& ctx, const Argv& argv) { return pop_generic(ctx, argv, false); }
Reply zpopmax(CommandContext& ctx, const Argv& argv) { return pop_generic(ctx, argv, true); }
Reply bzpopmin(CommandContext& ctx, const Argv& argv) { return blocking_pop(ctx, argv, false); }
Reply bzpopmax(CommandContext& ctx, const Argv& argv) { return blocking_pop(ctx, argv, true); }

Reply zremrangebyrank(CommandContext& ctx, const Argv& argv) {
  auto start = parse_int64(argv[2]);
  auto end = parse_int64(argv[3]);
  if (!start || !end) return error_reply(err::kNotInteger);
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  if (!z.exists()) return Reply::Integer(0);
  auto r = resolve_index_range(*start, *end, z.size());
  if (!r) return Reply::Integer(0);
  const int64_t count = r->second - r->first + 1;
  std::vector<std::string> doomed;
  z.walk(false, r->first, [&](std::string_view m, double) {
    doomed.emplace_back(m);
    return static_cast<int64_t>(doomed.size()) < count;
  });
  for (const auto& m : doomed) z.remove(m);
  z.store();
  return Reply::Integer(static_cast<int64_t>(doomed.size()));
}

Reply zremrangebyscore(CommandContext& ctx, const Argv& argv) {
  auto range = parse_range(argv[2], argv[3]);
  if (!range) return error_reply(kRangeNotFloat);
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  if (!z.exists()) return Reply::Integer(0);
  std::vector<std::string> doomed;
  z.walk_scores(*range, false, [&](std::string_view m, double) {
    doomed.emplace_back(m);
    return true;
  });
  for (const auto& m : doomed) z.remove(m);
  if (!doomed.empty()) z.store();
  return Reply::Integer(static_cast<int64_t>(doomed.size()));
}

Reply zscan(CommandContext& ctx, const Argv& argv) {
  auto cursor = parse_scan_cursor(argv[2]);
  if (!cursor) return error_reply(err::kInvalidCursor);
  Collection c = lookup_collection(ctx, argv[1], ValueType::kZset, true);
  if (!c.exists()) return scan_reply(0, {});
  if (c.wrong_type) return wrong_type_reply();
  ScanOptions opts;
  if (Reply error; !parse_scan_options(argv, 3, /*allow_type=*/false, opts, error)) return error;
  std::vector<Reply> items;
  const uint64_t next =
      scan_collection(ctx, argv[1], c.meta.generation, *cursor, opts,
                      [&](std::string_view m, std::string_view score) {
                        items.push_back(Reply::Bulk(std::string(m)));
                        items.push_back(Reply::Bulk(format_score(decode_score(score))));
                      });
  return scan_reply(next, std::move(items));
}

Reply zrangebylex(CommandContext& ctx, const Argv& argv) {
  return range_generic(ctx, argv, RangeBy::kLex, false, false);
}
Reply zrevrangebylex(CommandContext& ctx, const Argv& argv) {
  return range_generic(ctx, argv, RangeBy::kLex, true, false);
}

Reply zlexcount(CommandContext& ctx, const Argv& argv) {
  auto range = parse_lex_range(argv[2], argv[3]);
  if (!range) return error_reply(kLexRangeInvalid);
  Zset z(ctx, argv[1]);
  if (!z.load(true)) return wrong_type_reply();
  int64_t n = 0;
  walk_lex(z, *range, false, [&](std::string_view, double) {
    ++n;
    return true;
  });
  return Reply::Integer(n);
}

Reply zremrangebylex(CommandContext& ctx, const Argv& argv) {
  auto range = parse_lex_range(argv[2], argv[3]);
  if (!range) return error_reply(kLexRangeInvalid);
  Zset z(ctx, argv[1]);
  if (!z.load(false)) return wrong_type_reply();
  if (!z.exists()) return Reply::Integer(0);
  std::vector<std::string> doomed;
  walk_lex(z, *range, false, [&](std::string_view m, double) {
    doomed.emplace_back(m);
    return true;
  });
  for (const auto& m : doomed) z.remove(m);
  if (!doomed.empty()) z.store();
  return Reply::Integer(static_cast<int64_t>(doomed.size()));
}

// ZRANDMEMBER key [count [WITHSCORES]] (collection.h), with scores for values.
Reply zrandmember(CommandContext& ctx, const Argv& argv) {
  return random_members_command(ctx, argv, ValueType::kZset, "withscores",
                                [](std::string_view v) { return score_reply(decode_score(v)); });
}

}  // namespace seshat::kv::cmd
