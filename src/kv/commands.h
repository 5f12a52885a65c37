// The handlers of the keyspace commands, one family per file (commands_string.cc,
// commands_keyspace.cc, commands_expiry.cc, commands_hash.cc, commands_list.cc,
// commands_set.cc, commands_zset.cc), and the pieces of the command table that name them.
// Internal to src/kv: the rest of the node reaches handlers through the command table.
#pragma once

#include <vector>

#include "kv/command.h"
#include "protocol/reply.h"

namespace seshat::kv {

namespace cmd {

using protocol::Reply;

// strings
Reply get(CommandContext& ctx, const Argv& argv);
Reply set(CommandContext& ctx, const Argv& argv);
Reply setnx(CommandContext& ctx, const Argv& argv);
Reply setex(CommandContext& ctx, const Argv& argv);
Reply psetex(CommandContext& ctx, const Argv& argv);
Reply getset(CommandContext& ctx, const Argv& argv);
Reply getdel(CommandContext& ctx, const Argv& argv);
Reply getex(CommandContext& ctx, const Argv& argv);
Reply mget(CommandContext& ctx, const Argv& argv);
Reply mset(CommandContext& ctx, const Argv& argv);
Reply msetnx(CommandContext& ctx, const Argv& argv);
Reply append(CommandContext& ctx, const Argv& argv);
Reply strlen(CommandContext& ctx, const Argv& argv);
Reply getrange(CommandContext& ctx, const Argv& argv);
Reply substr(CommandContext& ctx, const Argv& argv);
Reply setrange(CommandContext& ctx, const Argv& argv);
Reply incr(CommandContext& ctx, const Argv& argv);
Reply decr(CommandContext& ctx, const Argv& argv);
Reply incrby(CommandContext& ctx, const Argv& argv);
Reply decrby(CommandContext& ctx, const Argv& argv);
Reply incrbyfloat(CommandContext& ctx, const Argv& argv);

// keyspace
Reply del(CommandContext& ctx, const Argv& argv);
Reply unlink(CommandContext& ctx, const Argv& argv);
Reply exists(CommandContext& ctx, const Argv& argv);
Reply type(CommandContext& ctx, const Argv& argv);
Reply keys(CommandContext& ctx, const Argv& argv);
Reply scan(CommandContext& ctx, const Argv& argv);
Reply randomkey(CommandContext& ctx, const Argv& argv);
Reply rename(CommandContext& ctx, const Argv& argv);
Reply renamenx(CommandContext& ctx, const Argv& argv);
Reply touch(CommandContext& ctx, const Argv& argv);
Reply copy(CommandContext& ctx, const Argv& argv);
Reply dbsize(CommandContext& ctx, const Argv& argv);
Reply flushdb(CommandContext& ctx, const Argv& argv);
Reply flushall(CommandContext& ctx, const Argv& argv);

// expiry
Reply expire(CommandContext& ctx, const Argv& argv);
Reply pexpire(CommandContext& ctx, const Argv& argv);
Reply expireat(CommandContext& ctx, const Argv& argv);
Reply pexpireat(CommandContext& ctx, const Argv& argv);
Reply ttl(CommandContext& ctx, const Argv& argv);
Reply pttl(CommandContext& ctx, const Argv& argv);
Reply expiretime(CommandContext& ctx, const Argv& argv);
Reply pexpiretime(CommandContext& ctx, const Argv& argv);
Reply persist(CommandContext& ctx, const Argv& argv);

// hashes
Reply hset(CommandContext& ctx, const Argv& argv);
Reply hsetnx(CommandContext& ctx, const Argv& argv);
Reply hget(CommandContext& ctx, const Argv& argv);
Reply hmget(CommandContext& ctx, const Argv& argv);
Reply hmset(CommandContext& ctx, const Argv& argv);
Reply hdel(CommandContext& ctx, const Argv& argv);
Reply hexists(CommandContext& ctx, const Argv& argv);
Reply hlen(CommandContext& ctx, const Argv& argv);
Reply hstrlen(CommandContext& ctx, const Argv& argv);
Reply hkeys(CommandContext& ctx, const Argv& argv);
Reply hvals(CommandContext& ctx, const Argv& argv);
Reply hgetall(CommandContext& ctx, const Argv& argv);
Reply hincrby(CommandContext& ctx, const Argv& argv);
Reply hincrbyfloat(CommandContext& ctx, const Argv& argv);
Reply hscan(CommandContext& ctx, const Argv& argv);
Reply hrandfield(CommandContext& ctx, const Argv& argv);

// lists
Reply lpush(CommandContext& ctx, const Argv& argv);
Reply rpush(CommandContext& ctx, const Argv& argv);
Reply lpushx(CommandContext& ctx, const Argv& argv);
Reply rpushx(CommandContext& ctx, const Argv& argv);
Reply lpop(CommandContext& ctx, const Argv& argv);
Reply rpop(CommandContext& ctx, const Argv& argv);
Reply llen(CommandContext& ctx, const Argv& argv);
Reply lrange(CommandContext& ctx, const Argv& argv);
Reply lindex(CommandContext& ctx, const Argv& argv);
Reply lset(CommandContext& ctx, const Argv& argv);
Reply linsert(CommandContext& ctx, const Argv& argv);
Reply lrem(CommandContext& ctx, const Argv& argv);
Reply ltrim(CommandContext& ctx, const Argv& argv);
Reply lpos(CommandContext& ctx, const Argv& argv);
Reply lmove(CommandContext& ctx, const Argv& argv);
Reply rpoplpush(CommandContext& ctx, const Argv& argv);
Reply object(CommandContext& ctx, const Argv& argv);  // OBJECT ENCODING | REFCOUNT | FREQ | HELP
// The blocking list commands as the state machine runs them: one try, a null when there is
// nothing to take (the server layer does the waiting).
Reply blpop(CommandContext& ctx, const Argv& argv);
Reply brpop(CommandContext& ctx, const Argv& argv);
Reply blmove(CommandContext& ctx, const Argv& argv);
Reply brpoplpush(CommandContext& ctx, const Argv& argv);

// sets
Reply sadd(CommandContext& ctx, const Argv& argv);
Reply srem(CommandContext& ctx, const Argv& argv);
Reply sismember(CommandContext& ctx, const Argv& argv);
Reply smismember(CommandContext& ctx, const Argv& argv);
Reply scard(CommandContext& ctx, const Argv& argv);
Reply smembers(CommandContext& ctx, const Argv& argv);
Reply spop(CommandContext& ctx, const Argv& argv);
Reply srandmember(CommandContext& ctx, const Argv& argv);
Reply smove(CommandContext& ctx, const Argv& argv);
Reply sinter(CommandContext& ctx, const Argv& argv);
Reply sunion(CommandContext& ctx, const Argv& argv);
Reply sdiff(CommandContext& ctx, const Argv& argv);
Reply sinterstore(CommandContext& ctx, const Argv& argv);
Reply sunionstore(CommandContext& ctx, const Argv& argv);
Reply sdiffstore(CommandContext& ctx, const Argv& argv);
Reply sintercard(CommandContext& ctx, const Argv& argv);
Reply sscan(CommandContext& ctx, const Argv& argv);

// sorted sets
Reply zadd(CommandContext& ctx, const Argv& argv);
Reply zincrby(CommandContext& ctx, const Argv& argv);
Reply zrem(CommandContext& ctx, const Argv& argv);
Reply zcard(CommandContext& ctx, const Argv& argv);
Reply zscore(CommandContext& ctx, const Argv& argv);
Reply zmscore(CommandContext& ctx, const Argv& argv);
Reply zrank(CommandContext& ctx, const Argv& argv);
Reply zrevrank(CommandContext& ctx, const Argv& argv);
Reply zcount(CommandContext& ctx, const Argv& argv);
Reply zrange(CommandContext& ctx, const Argv& argv);
Reply zrevrange(CommandContext& ctx, const Argv& argv);
Reply zrangebyscore(CommandContext& ctx, const Argv& argv);
Reply zrevrangebyscore(CommandContext& ctx, const Argv& argv);
Reply zpopmin(CommandContext& ctx, const Argv& argv);
Reply bzpopmin(CommandContext& ctx, const Argv& argv);  // one try, as blpop
Reply bzpopmax(CommandContext& ctx, const Argv& argv);
Reply zpopmax(CommandContext& ctx, const Argv& argv);
Reply zremrangebyrank(CommandContext& ctx, const Argv& argv);
Reply zremrangebyscore(CommandContext& ctx, const Argv& argv);
Reply zscan(CommandContext& ctx, const Argv& argv);
Reply zrangebylex(CommandContext& ctx, const Argv& argv);
Reply zrevrangebylex(CommandContext& ctx, const Argv& argv);
Reply zlexcount(CommandContext& ctx, const Argv& argv);
Reply zremrangebylex(CommandContext& ctx, const Argv& argv);
Reply zrandmember(CommandContext& ctx, const Argv& argv);
Reply zunionstore(CommandContext& ctx, const Argv& argv);
Reply zinterstore(CommandContext& ctx, const Argv& argv);
Reply zdiffstore(CommandContext& ctx, const Argv& argv);

}  // namespace cmd

// The table's entries by family, with the metadata Redis 7.0.15 reports in COMMAND INFO and
// COMMAND DOCS (command_specs_*.cc, generated from a live redis-server and then kept by hand).
std::vector<CommandSpec> string_command_specs();
std::vector<CommandSpec> keyspace_command_specs();
std::vector<CommandSpec> expiry_command_specs();
std::vector<CommandSpec> hash_command_specs();
std::vector<CommandSpec> list_command_specs();
std::vector<CommandSpec> set_command_specs();
std::vector<CommandSpec> zset_command_specs();
std::vector<CommandSpec> server_command_specs();

}  // namespace seshat::kv
