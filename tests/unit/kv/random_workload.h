// The random workload shared by the determinism test (two replicas of the in-memory keyspace)
// and the model test (the RocksDB keyspace against the in-memory one).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kv/operation.h"
#include "kv_test_util.h"

namespace seshat::kv::testing {

// A random workload over a small key set: every family of commands, transactions, expiry
// purges, a clock that moves on. No command whose reply depends on a replica's own randomness
// (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, RANDOMKEY): the same log gives the same replies
// everywhere, on any keyspace implementation.
inline std::vector<Operation> random_workload(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  const std::vector<std::string> keys = {"a", "b", "c", std::string("\0d", 2), "e\r\n"};
  auto key = [&] { return keys[rng() % keys.size()]; };
  auto num = [&] { return std::to_string(static_cast<int64_t>(rng() % 2000) - 500); };
  std::vector<Operation> ops;
  int64_t now = kNow;
  for (int i = 0; i < n; ++i) {
    now += static_cast<int64_t>(rng() % 300);
    auto random_command = [&]() -> Argv {
      auto field = [&] { return std::string(1, static_cast<char>('f' + rng() % 4)); };
      switch (rng() % 62) {
        case 39: return {"HINCRBYFLOAT", key(), field(), "1.5"};
        case 40: return {"HLEN", key()};
        case 41: return {"LSET", key(), std::to_string(static_cast<int>(rng() % 5) - 2), num()};
        case 42: return {"LINDEX", key(), std::to_string(static_cast<int>(rng() % 5) - 2)};
        case 43: return {"LPOS", key(), num(), "RANK", "-1", "COUNT", "0"};
        case 44: return {"SMOVE", key(), key(), field()};
        case 45: return {rng() % 2 ? "SDIFFSTORE" : "SUNIONSTORE", key(), key(), key()};
        case 46: return {"SMEMBERS", key()};
        case 47: return {"ZREM", key(), field(), field()};
        case 48:
          return {"ZRANGE", key(), "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2", "WITHSCORES"};
        case 49: return {"ZREMRANGEBYRANK", key(), "0", std::to_string(rng() % 3)};
        case 50: return {"ZRANK", key(), field()};
        case 51: return {rng() % 2 ? "ZINTERSTORE" : "ZDIFFSTORE", key(), "2", key(), key()};
        case 52: return {rng() % 2 ? "BLPOP" : "BRPOP", key(), key(), "0"};
        case 53: return {"BLMOVE", key(), key(), "RIGHT", "LEFT", "0"};
        case 54: return {rng() % 2 ? "BZPOPMIN" : "BZPOPMAX", key(), "0"};
        case 55: return {"HSCAN", key(), "0", "COUNT", "2"};
        case 56: return {"SSCAN", key(), "0"};
        case 57: return {"ZSCAN", key(), "0"};
        case 58: return {"TYPE", key()};
        case 59: return {"SPOP", key()};
        case 60: return {"RPUSH", key(), field(), field(), field()};
        case 61: return {"SADD", key(), num(), num()};
        case 37: return {"ZUNIONSTORE", key(), "2", key(), key(), "WEIGHTS", "2", "1"};
        case 38: return {"ZREMRANGEBYLEX", key(), "[f", "(h"};
        case 33: return {"ZADD", key(), num(), field(), num(), field()};
        case 34: return {"ZINCRBY", key(), num(), field()};
        case 35: return {rng() % 2 ? "ZPOPMIN" : "ZPOPMAX", key(), std::to_string(rng() % 3)};
        case 36: return {"ZREMRANGEBYSCORE", key(), num(), num()};
        case 29: return {"SADD", key(), field(), field()};
        case 30: return {"SPOP", key(), std::to_string(rng() % 3)};
        case 31: return {"SREM", key(), field()};
        case 32: return {"SINTERSTORE", key(), key(), key()};
        case 22: return {rng() % 2 ? "LPUSH" : "RPUSH", key(), num(), num()};
        case 23: return {rng() % 2 ? "LPOP" : "RPOP", key(), std::to_string(rng() % 3)};
        case 24: return {"LRANGE", key(), "0", "-1"};
        case 25: return {"LINSERT", key(), rng() % 2 ? "BEFORE" : "AFTER", num(), num()};
        case 26: return {"LREM", key(), std::to_string(static_cast<int>(rng() % 5) - 2), num()};
        case 27: return {"LTRIM", key(), std::to_string(rng() % 3), "-2"};
        case 28:
          return {"LMOVE", key(), key(), rng() % 2 ? "LEFT" : "RIGHT",
                  rng() % 2 ? "LEFT" : "RIGHT"};
        case 16: return {"HSET", key(), field(), num(), field(), num()};
        case 17: return {"HDEL", key(), field(), field()};
        case 18: return {"HINCRBY", key(), field(), num()};
        case 19: return {"HGETALL", key()};
        case 20: return {"HSETNX", key(), field(), num()};
        case 21: return {"HMGET", key(), field(), field()};
        case 0: return {"SET", key(), num()};
        case 1: return {"SET", key(), num(), "PX", std::to_string(1 + rng() % 500)};
        case 2: return {"INCRBY", key(), num()};
        case 3: return {"APPEND", key(), "x"};
        case 4: return {"DEL", key(), key()};
        case 5: return {"EXPIRE", key(), num()};
        case 6: return {"PEXPIRE", key(), num(), (rng() % 2) ? "GT" : "LT"};
        case 7: return {"RENAME", key(), key()};
        case 8: return {"COPY", key(), key(), "REPLACE"};
        case 9: return {"GETEX", key(), "PERSIST"};
        case 10: return {"SETRANGE", key(), std::to_string(rng() % 10), "yz"};
        case 11: return {"INCRBYFLOAT", key(), "0.25"};
        case 12: return {"MSETNX", key(), "1", key(), "2"};
        case 13: return {"PERSIST", key()};
        case 14: return {"GETDEL", key()};
        default: return {"SCAN", "0", "COUNT", "2"};
      }
    };
    Operation op;
    op.now_ms = now;
    if (rng() % 4 == 0) {
      op.kind = Operation::Kind::kTransaction;
      int len = static_cast<int>(rng() % 4);
      for (int j = 0; j < len; ++j) op.commands.push_back(random_command());
    } else if (rng() % 10 == 0) {
      op.kind = Operation::Kind::kPurgeExpired;
      op.commands = {{key(), key()}};
    } else {
      op.kind = Operation::Kind::kCommand;
      op.commands = {random_command()};
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace seshat::kv::testing
