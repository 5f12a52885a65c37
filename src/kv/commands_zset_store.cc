// ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE: sorted sets (and sets, every score 1) combined into
// a destination, with WEIGHTS and AGGREGATE, as Redis 7.0's zunionInterDiffGenericCommand.
#include <algorithm>
#include <cmath>
#include <functional>
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
using zset::parse_score;
using zset::Zset;

enum class ZsetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input of ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE: a sorted set, or a set (every score 1).
struct Input {
  std::string key;
  Collection c{ValueType::kZset, {}, {}, false};
  double weight = 1;
  uint64_t size() const { return c.exists() ? c.meta.size : 0; }
};

double weighted(double score, double weight) {
  const double v = score * weight;
  return std::isnan(v) ? 0 : v;  // inf * 0: Redis takes 0
}

void aggregate_into(double& target, double v, Aggregate how) {
  if (how == Aggregate::kSum) {
    target += v;
    if (std::isnan(target)) target = 0;  // inf + -inf: Redis takes 0
  } else if (how == Aggregate::kMin) {
    target = std::min(target, v);
  } else {
    target = std::max(target, v);
  }
}

// Every (member, score) of an input, in member order.
void each_member(CommandContext& ctx, const Input& in,
                 const std::function<void(std::string_view, double)>& visit) {
  if (!in.c.exists()) return;
  ctx.keyspace.scan_members(in.key, in.c.meta.generation, {},
                            [&](std::string_view m, std::string_view v) {
                              visit(m, in.c.type == ValueType::kSet ? 1.0 : decode_score(v));
                              return true;
                            });
}

std::optional<double> member_score(CommandContext& ctx, const Input& in, std::string_view m) {
  if (!in.c.exists()) return std::nullopt;
  auto v = ctx.keyspace.get_member(in.key, in.c.meta.generation, m);
  if (!v) return std::nullopt;
  return in.c.type == ValueType::kSet ? 1.0 : decode_score(*v);
}

Reply store_generic(CommandContext& ctx, const Argv& argv, ZsetOp op, std::string_view name) {
  auto numkeys = parse_int64(argv[2]);
  if (!numkeys) return error_reply(err::kNotInteger);
  if (*numkeys < 1) {
    return Reply::Error("ERR at least 1 input key is needed for '" + std::string(name) +
                        "' command");
  }
  if (static_cast<uint64_t>(*numkeys) > argv.size() - 3) return error_reply(err::kSyntax);
  std::vector<Input> inputs(static_cast<size_t>(*numkeys));
  size_t j = 3;
  for (auto& in : inputs) {
    in.key = argv[j++];
    auto rec = ctx.keyspace.get(in.key);
    if (rec && rec->type != ValueType::kZset && rec->type != ValueType::kSet) {
      return error_reply(err::kWrongType);
    }
    if (rec) in.c = lookup_collection(ctx, in.key, rec->type, false);
  }
  Aggregate how = Aggregate::kSum;
  while (j < argv.size()) {
    const size_t remaining = argv.size() - j;
    if (op != ZsetOp::kDiff && remaining >= inputs.size() + 1 && is_option(argv[j], "weights")) {
      ++j;
      for (auto& in : inputs) {
        auto w = parse_score(argv[j++]);
        if (!w) return error_reply("ERR weight value is not a float");
        in.weight = *w;
      }
    } else if (op != ZsetOp::kDiff && remaining >= 2 && is_option(argv[j], "aggregate")) {
      const std::string& a = argv[j + 1];
      if (is_option(a, "sum")) {
        how = Aggregate::kSum;
      } else if (is_option(a, "min")) {
        how = Aggregate::kMin;
      } else if (is_option(a, "max")) {
        how = Aggregate::kMax;
      } else {
        return error_reply(err::kSyntax);
      }
      j += 2;
    } else {
      return error_reply(err::kSyntax);
    }
  }
  // member -> score, in member order.
  std::map<std::string, double> result;
  if (op == ZsetOp::kInter) {
    // Redis walks the smallest input first, aggregating in ascending size order.
    std::stable_sort(inputs.begin(), inputs.end(),
                     [](const Input& a, const Input& b) { return a.size() < b.size(); });
    if (inputs.front().size() > 0) {
      each_member(ctx, inputs.front(), [&](std::string_view m, double s) {
        double score = weighted(s, inputs.front().weight);
        for (size_t i = 1; i < inputs.size(); ++i) {
          auto other = member_score(ctx, inputs[i], m);
          if (!other) return;
          aggregate_into(score, weighted(*other, inputs[i].weight), how);
        }
        result.emplace(std::string(m), score);
      });
    }
  } else if (op == ZsetOp::kUnion) {
    std::stable_sort(inputs.begin(), inputs.end(),
                     [](const Input& a, const Input& b) { return a.size() < b.size(); });
    for (const Input& in : inputs) {
      each_member(ctx, in, [&](std::string_view m, double s) {
        const double v = weighted(s, in.weight);
        auto [it, fresh] = result.emplace(std::string(m), v);
        if (!fresh) aggregate_into(it->second, v, how);
      });
    }
  } else {
    each_member(ctx, inputs.front(), [&](std::string_view m, double s) {
      for (size_t i = 1; i < inputs.size(); ++i) {
        if (member_score(ctx, inputs[i], m)) return;
      }
      result.emplace(std::string(m), s);
    });
  }
  const std::string& dest = argv[1];
  ctx.keyspace.erase(dest);
  if (!result.empty()) {
    Zset z(ctx, dest);
    z.load(false);
    z.create();
    for (const auto& [m, score] : result) z.put(m, score);
    z.store();
  }
  return Reply::Integer(static_cast<int64_t>(result.size()));
}

}  // namespace

Reply zunionstore(CommandContext& ctx, const Argv& argv) {
  return store_generic(ctx, argv, ZsetOp::kUnion, "zunionstore");
}
Reply zinterstore(CommandContext& ctx, const Argv& argv) {
  return store_generic(ctx, argv, ZsetOp::kInter, "zinterstore");
}
Reply zdiffstore(CommandContext& ctx, const Argv& argv) {
  return store_generic(ctx, argv, ZsetOp::kDiff, "zdiffstore");
}

}  // namespace seshat::kv::cmd
