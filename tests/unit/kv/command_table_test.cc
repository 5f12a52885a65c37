// The command table: lookup, arity, key positions, flags and the metadata COMMAND reports.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kv/command.h"

namespace seshat::kv {
namespace {

TEST(CommandTable, LookupIsCaseInsensitive) {
  ASSERT_NE(find_command("get"), nullptr);
  EXPECT_EQ(find_command("GET"), find_command("get"));
  EXPECT_EQ(find_command("gEt"), find_command("get"));
  EXPECT_EQ(find_command("IncrByFloat")->name, "incrbyfloat");
  EXPECT_EQ(find_command("nope"), nullptr);
  EXPECT_EQ(find_command(""), nullptr);
  EXPECT_EQ(find_command(std::string("get\0", 4)), nullptr);
  EXPECT_EQ(find_command(std::string(1000, 'g')), nullptr);
}

TEST(CommandTable, EveryRequiredCommandIsPresent) {
  const char* data[] = {"get",
                        "set",
                        "setnx",
                        "setex",
                        "psetex",
                        "getset",
                        "getdel",
                        "getex",
                        "mget",
                        "mset",
                        "msetnx",
                        "append",
                        "strlen",
                        "getrange",
                        "substr",
                        "setrange",
                        "incr",
                        "decr",
                        "incrby",
                        "decrby",
                        "incrbyfloat",
                        "del",
                        "unlink",
                        "exists",
                        "type",
                        "keys",
                        "scan",
                        "randomkey",
                        "rename",
                        "renamenx",
                        "touch",
                        "copy",
                        "dbsize",
                        "flushdb",
                        "flushall",
                        "expire",
                        "pexpire",
                        "expireat",
                        "pexpireat",
                        "ttl",
                        "pttl",
                        "expiretime",
                        "pexpiretime",
                        "persist",
                        "hset",
                        "hsetnx",
                        "hget",
                        "hmget",
                        "hmset",
                        "hdel",
                        "hexists",
                        "hlen",
                        "hstrlen",
                        "hkeys",
                        "hvals",
                        "hgetall",
                        "hincrby",
                        "hincrbyfloat",
                        "hscan",
                        "hrandfield",
                        "lpush",
                        "rpush",
                        "lpushx",
                        "rpushx",
                        "lpop",
                        "rpop",
                        "llen",
                        "lrange",
                        "lindex",
                        "lset",
                        "linsert",
                        "lrem",
                        "ltrim",
                        "lpos",
                        "lmove",
                        "rpoplpush",
                        "blpop",
                        "brpop",
                        "blmove",
                        "brpoplpush",
                        "bzpopmin",
                        "bzpopmax",
                        "object",
                        "sadd",
                        "srem",
                        "sismember",
                        "smismember",
                        "scard",
                        "smembers",
                        "spop",
                        "srandmember",
                        "smove",
                        "sinter",
                        "sunion",
                        "sdiff",
                        "sinterstore",
                        "sunionstore",
                        "sdiffstore",
                        "sintercard",
                        "sscan",
                        "zadd",
                        "zincrby",
                        "zrem",
                        "zcard",
                        "zscore",
                        "zmscore",
                        "zrank",
                        "zrevrank",
                        "zcount",
                        "zrange",
                        "zrevrange",
                        "zrangebyscore",
                        "zrevrangebyscore",
                        "zpopmin",
                        "zpopmax",
                        "zremrangebyrank",
                        "zremrangebyscore",
                        "zscan",
                        "zrangebylex",
                        "zrevrangebylex",
                        "zlexcount",
                        "zremrangebylex",
                        "zrandmember",
                        "zunionstore",
                        "zinterstore",
                        "zdiffstore"};
  for (const char* name : data) {
    const CommandSpec* spec = find_command(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_NE(spec->handler, nullptr) << name;
    EXPECT_FALSE(spec->flags & kFlagServer) << name;
    // OBJECT reports no flags, as in Redis; its subcommands read (container_key names the key).
    EXPECT_TRUE((spec->flags & kFlagWrite) || (spec->flags & kFlagReadonly) ||
                spec->container_key > 0)
        << name;
  }
  const char* server[] = {"ping",     "echo",      "hello",   "auth",   "select",  "quit",
                          "reset",    "client",    "command", "info",   "time",    "config",
                          "multi",    "exec",      "discard", "watch",  "unwatch", "cluster",
                          "readonly", "readwrite", "asking",  "seshat", "acl",     "shutdown"};
  for (const char* name : server) {
    const CommandSpec* spec = find_command(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_EQ(spec->handler, nullptr) << name;
    EXPECT_TRUE(spec->flags & kFlagServer) << name;
  }
  EXPECT_EQ(all_commands().size(), std::size(data) + std::size(server));
}

TEST(CommandTable, RedisArities) {
  struct Case {
    const char* name;
    int arity;
  } cases[] = {{"get", 2},    {"set", -3},      {"getex", -2},   {"mset", -3},     {"del", -2},
               {"scan", -2},  {"randomkey", 1}, {"copy", -3},    {"flushall", -1}, {"expire", -3},
               {"ping", -1},  {"echo", 2},      {"hello", -1},   {"auth", -2},     {"client", -2},
               {"watch", -2}, {"exec", 1},      {"cluster", -2}, {"asking", 1},    {"dbsize", 1}};
  for (const auto& c : cases) EXPECT_EQ(find_command(c.name)->arity, c.arity) << c.name;
}

TEST(CommandTable, ArityCheck) {
  const CommandSpec& get = *find_command("get");
  EXPECT_FALSE(arity_ok(get, 1));
  EXPECT_TRUE(arity_ok(get, 2));
  EXPECT_FALSE(arity_ok(get, 3));
  const CommandSpec& set = *find_command("set");
  EXPECT_FALSE(arity_ok(set, 2));
  EXPECT_TRUE(arity_ok(set, 3));
  EXPECT_TRUE(arity_ok(set, 30));
}

TEST(CommandTable, KeyPositions) {
  using Keys = std::vector<std::string_view>;
  EXPECT_EQ(command_keys(*find_command("get"), {"GET", "k"}), Keys{"k"});
  EXPECT_EQ(command_keys(*find_command("set"), {"SET", "k", "v", "EX", "1"}), Keys{"k"});
  EXPECT_EQ(command_keys(*find_command("mget"), {"MGET", "a", "b", "c"}), (Keys{"a", "b", "c"}));
  EXPECT_EQ(command_keys(*find_command("mset"), {"MSET", "a", "1", "b", "2"}), (Keys{"a", "b"}));
  EXPECT_EQ(command_keys(*find_command("rename"), {"RENAME", "a", "b"}), (Keys{"a", "b"}));
  EXPECT_EQ(command_keys(*find_command("copy"), {"COPY", "a", "b", "REPLACE"}), (Keys{"a", "b"}));
  EXPECT_EQ(command_keys(*find_command("watch"), {"WATCH", "x", "y"}), (Keys{"x", "y"}));
  EXPECT_EQ(command_keys(*find_command("keys"), {"KEYS", "*"}), Keys{});
  EXPECT_EQ(command_keys(*find_command("ping"), {"PING"}), Keys{});
  // Too few arguments (arity not yet checked) must not read past the end.
  EXPECT_EQ(command_keys(*find_command("get"), {"GET"}), Keys{});
  EXPECT_EQ(command_keys(*find_command("rename"), {"RENAME", "a"}), Keys{"a"});
}

TEST(CommandTable, FlagsAsRedisReportsThem) {
  using Names = std::vector<std::string_view>;
  EXPECT_EQ(redis_flag_names(find_command("get")->flags), (Names{"readonly", "fast"}));
  EXPECT_EQ(redis_flag_names(find_command("set")->flags), (Names{"write", "denyoom"}));
  EXPECT_EQ(redis_flag_names(find_command("hello")->flags),
            (Names{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}));
  EXPECT_EQ(redis_flag_names(find_command("exec")->flags),
            (Names{"noscript", "loading", "stale", "skip_slowlog"}));
  EXPECT_EQ(redis_flag_names(find_command("client")->flags), Names{});
  for (const char* name : {"multi", "exec", "discard", "watch", "quit", "reset"}) {
    EXPECT_TRUE(find_command(name)->flags & kFlagNoMulti) << name;
  }
  EXPECT_FALSE(find_command("unwatch")->flags & kFlagNoMulti);  // Redis queues UNWATCH
  for (const char* name : {"auth", "hello", "quit", "reset"}) {
    EXPECT_TRUE(find_command(name)->flags & kFlagNoAuth) << name;
  }
}

TEST(CommandTable, DocsMetadata) {
  const CommandSpec& set = *find_command("set");
  EXPECT_EQ(set.group, "string");
  EXPECT_EQ(set.since, "1.0.0");
  EXPECT_EQ(set.summary, "Set the string value of a key");
  EXPECT_EQ(set.acl_categories, (std::vector<std::string_view>{"@write", "@string", "@slow"}));
  ASSERT_EQ(set.arguments.size(), 5u);
  EXPECT_EQ(set.arguments[0].type, "key");
  EXPECT_EQ(set.arguments[2].type, "oneof");
  EXPECT_EQ(set.arguments[2].arguments.size(), 2u);
  EXPECT_EQ(set.arguments[4].arguments[0].token, "EX");
  const CommandSpec& getset = *find_command("getset");
  EXPECT_EQ(getset.doc_flags, std::vector<std::string_view>{"deprecated"});
  EXPECT_EQ(getset.deprecated_since, "6.2.0");
  ASSERT_EQ(find_command("mset")->key_specs.size(), 1u);
  EXPECT_EQ(find_command("mset")->key_specs[0].key_step, 2);
  EXPECT_EQ(find_command("copy")->key_specs.size(), 2u);
  std::set<std::string_view> groups;
  for (const CommandSpec& spec : all_commands()) {
    groups.insert(spec.group);
    EXPECT_FALSE(spec.summary.empty()) << spec.name;
    EXPECT_FALSE(spec.since.empty()) << spec.name;
    EXPECT_FALSE(spec.acl_categories.empty()) << spec.name;
  }
  EXPECT_EQ(groups,
            (std::set<std::string_view>{"string", "generic", "hash", "list", "set", "sorted-set",
                                        "server", "connection", "transactions", "cluster"}));
}

}  // namespace
}  // namespace seshat::kv

namespace seshat::kv {
namespace {

TEST(CompleteSpec, KeyRangeComesFromTheKeySpecs) {
  CommandSpec one{.name = "one", .arity = 2, .flags = kFlagReadonly, .key_specs = {{}}};
  ASSERT_TRUE(complete_spec(one, false));
  EXPECT_EQ((std::vector<int>{one.first_key, one.last_key, one.key_step}),
            (std::vector<int>{1, 1, 1}));
  // MSET-like: every other argument to the end.
  CommandSpec pairs{.name = "pairs",
                    .arity = -3,
                    .flags = kFlagWrite,
                    .key_specs = {{.last_key = -1, .key_step = 2}}};
  ASSERT_TRUE(complete_spec(pairs, false));
  EXPECT_EQ((std::vector<int>{pairs.first_key, pairs.last_key, pairs.key_step}),
            (std::vector<int>{1, -1, 2}));
  // SMOVE-like: a source and a destination spec make one range.
  CommandSpec two{.name = "two",
                  .arity = 4,
                  .flags = kFlagWrite,
                  .key_specs = {{.flags = {"RW"}}, {.flags = {"RW"}, .begin_index = 2}}};
  ASSERT_TRUE(complete_spec(two, false));
  EXPECT_EQ((std::vector<int>{two.first_key, two.last_key, two.key_step}),
            (std::vector<int>{1, 2, 1}));
  // Without key specs the declared range stands.
  CommandSpec legacy{.name = "legacy",
                     .arity = -3,
                     .flags = kFlagReadonly,
                     .first_key = 2,
                     .last_key = 2,
                     .key_step = 1};
  ASSERT_TRUE(complete_spec(legacy, false));
  EXPECT_EQ(legacy.first_key, 2);
}

TEST(CompleteSpec, AclCategoriesFollowFlagsGroupAndExtrasInRedisOrder) {
  CommandSpec read{.name = "r", .arity = 2, .flags = kFlagReadonly | kFlagFast, .group = "hash"};
  ASSERT_TRUE(complete_spec(read, false));
  EXPECT_EQ(read.acl_categories, (std::vector<std::string_view>{"@read", "@hash", "@fast"}));
  CommandSpec admin{.name = "a",
                    .arity = 1,
                    .flags = kFlagWrite | kFlagAdmin,
                    .group = "server",
                    .acl_extra = {"@keyspace"}};
  ASSERT_TRUE(complete_spec(admin, false));
  EXPECT_EQ(admin.acl_categories, (std::vector<std::string_view>{"@keyspace", "@write", "@admin",
                                                                 "@slow", "@dangerous"}));
  CommandSpec blocking{
      .name = "b", .arity = -3, .flags = kFlagWrite | kFlagBlocking, .group = "list"};
  ASSERT_TRUE(complete_spec(blocking, false));
  EXPECT_EQ(blocking.acl_categories,
            (std::vector<std::string_view>{"@write", "@list", "@slow", "@blocking"}));
  // A container carries no group category of its own (its subcommands do).
  CommandSpec container{.name = "c", .arity = -2, .flags = 0, .group = "generic"};
  ASSERT_TRUE(complete_spec(container, true));
  EXPECT_EQ(container.acl_categories, (std::vector<std::string_view>{"@slow"}));
}

TEST(CompleteSpec, RefusesADeclarationThatContradictsItself) {
  CommandSpec both{.name = "both",
                   .arity = 2,
                   .flags = kFlagReadonly,
                   .first_key = 1,
                   .last_key = 1,
                   .key_step = 1,
                   .key_specs = {{}}};
  EXPECT_FALSE(complete_spec(both, false));
  CommandSpec unknown{.name = "u", .arity = 1, .flags = 0, .acl_extra = {"@nonsense"}};
  EXPECT_FALSE(complete_spec(unknown, false));
  CommandSpec steps{.name = "s",
                    .arity = -2,
                    .flags = kFlagWrite,
                    .key_specs = {{}, {.begin_index = 2, .key_step = 2}}};
  EXPECT_FALSE(complete_spec(steps, false));
}

}  // namespace
}  // namespace seshat::kv
