"""The differential cases of the collection types: hashes, lists, sets, sorted sets, their
edge cases, the blocking commands and OBJECT. Same steps as diff_cases.py, which adds these
to its table.
"""

from __future__ import annotations

from differential import On, ScanAll, case
from diff_values import BIG, BIN_KEY, BIN_VAL, LLONG_MAX, LLONG_MIN

CASES = []


def add(name, *steps, protocol=2):
    CASES.append(case(name, *steps, protocol=protocol))


# Hashes (HKEYS, HVALS and HGETALL are compared as unordered: Redis promises no field order)
add("hset_hget_basic", ("HSET", "h", "f", "v"), ("HGET", "h", "f"), ("HGET", "h", "nofield"),
    ("HGET", "nokey", "f"), ("TYPE", "h"), ("EXISTS", "h"), ("DBSIZE",))
add("hset_many_and_update", ("HSET", "h", "a", 1, "b", 2, "c", 3), ("HSET", "h", "a", 10, "d", 4),
    ("HLEN", "h"), ("HGET", "h", "a"), ("HMGET", "h", "a", "b", "x", "d"), ("HGETALL", "h"),
    ("HKEYS", "h"), ("HVALS", "h"))
add("hset_odd_arguments", ("HSET", "h", "a", 1, "b"), ("HMSET", "h", "a", 1, "b"), ("EXISTS", "h"))
add("hmset_replies_ok", ("HMSET", "h", "a", 1, "b", 2), ("HMSET", "h", "a", 3), ("HGETALL", "h"))
add("hsetnx", ("HSETNX", "h", "f", "1"), ("HSETNX", "h", "f", "2"), ("HGET", "h", "f"),
    ("HSETNX", "h", "g", "3"), ("HLEN", "h"))
add("hdel_and_empty_hash_goes", ("HSET", "h", "a", 1, "b", 2), ("HDEL", "h", "a", "a", "x"),
    ("HLEN", "h"), ("HDEL", "h", "b"), ("EXISTS", "h"), ("TYPE", "h"), ("HLEN", "h"),
    ("HDEL", "h", "b"), ("HGETALL", "h"), ("DBSIZE",))
add("hexists_hstrlen", ("HSET", "h", "f", "hello", "e", ""), ("HEXISTS", "h", "f"),
    ("HEXISTS", "h", "x"), ("HEXISTS", "nokey", "f"), ("HSTRLEN", "h", "f"), ("HSTRLEN", "h", "e"),
    ("HSTRLEN", "h", "x"), ("HSTRLEN", "nokey", "f"))
add("hash_empty_results", ("HKEYS", "nokey"), ("HVALS", "nokey"), ("HGETALL", "nokey"),
    ("HLEN", "nokey"), ("HMGET", "nokey", "a", "b"), ("HDEL", "nokey", "a"))
add("hash_binary_fields", ("HSET", "h", BIN_KEY, BIN_VAL, "", "empty-field"), ("HGET", "h", BIN_KEY),
    ("HGET", "h", ""), ("HSTRLEN", "h", BIN_KEY), ("HGETALL", "h"), ("HDEL", "h", ""),
    ("HKEYS", "h"))
add("hincrby", ("HINCRBY", "h", "n", 5), ("HINCRBY", "h", "n", -7), ("HGET", "h", "n"),
    ("HINCRBY", "h", "n", "x"), ("HINCRBY", "h", "n", "1.5"), ("HSET", "h", "s", "abc"),
    ("HINCRBY", "h", "s", 1), ("HSET", "h", "big", LLONG_MAX), ("HINCRBY", "h", "big", 1),
    ("HINCRBY", "h", "big", -1), ("HSET", "h", "sp", " 1"), ("HINCRBY", "h", "sp", 1),
    ("HGETALL", "h"))
add("hincrby_bad_increment_first", ("SET", "s", "x"), ("HINCRBY", "s", "f", "x"),
    ("HINCRBY", "s", "f", 1), ("HINCRBY", "nokey", "f", "x"), ("EXISTS", "nokey"))
add("hincrbyfloat", ("HINCRBYFLOAT", "h", "f", "1.5"), ("HINCRBYFLOAT", "h", "f", "0.1"),
    ("HINCRBYFLOAT", "h", "f", "-1.6"), ("HINCRBYFLOAT", "h", "g", "5.0e3"), ("HGETALL", "h"),
    ("HINCRBYFLOAT", "h", "f", "abc"), ("HINCRBYFLOAT", "h", "f", "inf"),
    ("HINCRBYFLOAT", "h", "f", "nan"), ("HSET", "h", "s", "abc"), ("HINCRBYFLOAT", "h", "s", 1),
    ("HINCRBYFLOAT", "h", "g", "1e308"), ("HINCRBYFLOAT", "h", "g", "1e308"),
    ("HSET", "h", "i", "inf"), ("HINCRBYFLOAT", "h", "i", 1), ("HSET", "h", "n", 7),
    ("HINCRBYFLOAT", "h", "n", 1), ("HINCRBY", "h", "n", 1))
add("hash_wrongtype_from_strings", ("SET", "s", "v"), ("HSET", "s", "f", "v"), ("HGET", "s", "f"),
    ("HMGET", "s", "f"), ("HDEL", "s", "f"), ("HLEN", "s"), ("HEXISTS", "s", "f"),
    ("HSTRLEN", "s", "f"), ("HKEYS", "s"), ("HVALS", "s"), ("HGETALL", "s"), ("HSETNX", "s", "f", "v"),
    ("HMSET", "s", "f", "v"), ("HINCRBY", "s", "f", 1), ("HINCRBYFLOAT", "s", "f", 1), ("GET", "s"))
add("string_wrongtype_from_hashes", ("HSET", "h", "f", "v"), ("GET", "h"), ("GETSET", "h", "x"),
    ("GETDEL", "h"), ("GETEX", "h"), ("GETEX", "h", "EX", 10), ("STRLEN", "h"), ("APPEND", "h", "x"),
    ("INCR", "h"), ("DECRBY", "h", 2), ("INCRBYFLOAT", "h", 1), ("SETRANGE", "h", 0, "x"),
    ("GETRANGE", "h", 0, -1), ("SUBSTR", "h", 0, 1), ("SET", "h", "x", "GET"), ("MGET", "h", "nokey"),
    ("SETNX", "h", "x"), ("MSETNX", "h", "x", "other", "y"), ("EXISTS", "other"), ("HGET", "h", "f"))
add("set_overwrites_a_hash", ("HSET", "h", "f", "v"), ("EXPIRE", "h", 100), ("SET", "h", "s"),
    ("TYPE", "h"), ("TTL", "h"), ("GET", "h"), ("HSET", "h2", "a", 1), ("MSET", "h2", "x"),
    ("GET", "h2"), ("HSET", "h2", "b", 2))
add("hash_recreated_is_empty", ("HSET", "h", "a", 1, "b", 2), ("DEL", "h"), ("HSET", "h", "c", 3),
    ("HGETALL", "h"), ("HLEN", "h"), ("SET", "h", "s"), ("DEL", "h"), ("HSET", "h", "d", 4),
    ("HGETALL", "h"))
add("hash_expiry", ("HSET", "h", "f", "v"), ("EXPIRE", "h", 100), ("TTL", "h"), ("HSET", "h", "g", "w"),
    ("TTL", "h"), ("HDEL", "h", "f"), ("TTL", "h"), ("PERSIST", "h"), ("TTL", "h"), ("HLEN", "h"),
    ("PEXPIREAT", "h", 1), ("EXISTS", "h"), ("HGET", "h", "g"), ("HLEN", "h"), ("HSET", "h", "n", 1),
    ("HGETALL", "h"))
add("hash_rename_and_copy", ("HSET", "h", "a", 1, "b", 2), ("RENAME", "h", "h2"), ("EXISTS", "h"),
    ("HGETALL", "h2"), ("COPY", "h2", "h3"), ("HSET", "h3", "c", 3), ("HGETALL", "h2"),
    ("HGETALL", "h3"), ("SET", "s", "x"), ("COPY", "h3", "s"), ("COPY", "h3", "s", "REPLACE"),
    ("TYPE", "s"), ("HLEN", "s"), ("RENAMENX", "h2", "s"), ("RENAME", "h2", "s"), ("HGETALL", "s"),
    ("TYPE", "h2"))
add("hash_type_and_scan_type", ("HSET", "h1", "f", "v"), ("HSET", "h2", "f", "v"), ("SET", "s1", "v"),
    ScanAll(type="hash"), ScanAll(type="string"), ScanAll(type="HASH"), ScanAll(type="list"),
    ("TYPE", "h1"), ("TYPE", "s1"), ("KEYS", "h*"))
add("hash_in_multi", ("MULTI",), ("HSET", "h", "a", 1), ("HINCRBY", "h", "a", 2), ("HDEL", "h", "a"),
    ("HSET", "h", "b", 1), ("HGETALL", "h"), ("GET", "h"), ("EXEC",), ("HGETALL", "h"))
add("hash_recreated_in_one_transaction", ("HSET", "h", "a", 1), ("MULTI",), ("DEL", "h"),
    ("HSET", "h", "b", 2), ("HGETALL", "h"), ("DEL", "h"), ("HSET", "h", "c", 3), ("EXEC",),
    ("HGETALL", "h"), ("HLEN", "h"))
add("hash_resp3", ("HELLO", 3), ("HSET", "h", "a", 1, "b", 2), ("HGETALL", "h"), ("HGETALL", "nokey"),
    ("HMGET", "h", "a", "x"), ("HGET", "h", "x"), protocol=3)
add("hash_many_fields", ("HSET", "big", *[x for i in range(300) for x in (f"field{i}", i)]),
    ("HLEN", "big"), ("HGET", "big", "field299"), ("HKEYS", "big"),
    ("HDEL", "big", *[f"field{i}" for i in range(0, 300, 2)]), ("HLEN", "big"), ("HVALS", "big"))
add("hscan_small", ("HSET", "h", "a", 1, "b", 2, "c", 3), ScanAll(key="h"), ScanAll(key="h", count=1),
    ScanAll(key="h", match="a*"), ScanAll(key="h", match="[bc]", count=2), ScanAll(key="nokey"))
add("hscan_many_fields_in_pieces", ("HSET", "big", *[x for i in range(500) for x in (f"f{i:04}", i)]),
    ScanAll(key="big"), ScanAll(key="big", count=7), ScanAll(key="big", count=1000),
    ScanAll(key="big", match="f00*", count=3))
add("hscan_shared_prefixes", ("HSET", "h", *[x for i in range(40) for x in (f"same-prefix-{i}", i)],
                              "s", 1, "", "empty", BIN_KEY, BIN_VAL),
    ScanAll(key="h", count=1), ScanAll(key="h", count=3))
add("hscan_errors", ("HSCAN", "nokey", "x"), ("HSCAN", "nokey", "0", "FOO"), ("SET", "s", "v"),
    ("HSCAN", "s", "0"), ("HSCAN", "s", "0", "FOO"), ("HSET", "h", "a", 1), ("HSCAN", "h", "0", "COUNT", 0),
    ("HSCAN", "h", "0", "COUNT", "x"), ("HSCAN", "h", "0", "TYPE", "string"), ("HSCAN", "h", "0", "MATCH"),
    ("HSCAN", "h", "18446744073709551616"), ("HSCAN", "h"))
add("hrandfield", ("HRANDFIELD", "nokey"), ("HRANDFIELD", "nokey", 3), ("HRANDFIELD", "nokey", "x"),
    ("HSET", "h", "a", 1, "b", 2, "c", 3), ("HRANDFIELD", "h"), ("HRANDFIELD", "h", 0),
    ("HRANDFIELD", "h", 2), ("HRANDFIELD", "h", -2), ("HRANDFIELD", "h", 3), ("HRANDFIELD", "h", 5),
    ("HRANDFIELD", "h", -5, "WITHVALUES"), ("HRANDFIELD", "h", 2, "withvalues"),
    ("HRANDFIELD", "h", 5, "WITHVALUES"), ("HRANDFIELD", "h", 1), ("HRANDFIELD", "h", -1))
add("hrandfield_errors", ("HSET", "h", "a", 1), ("HRANDFIELD", "h", "x"), ("HRANDFIELD", "h", 1, "foo"),
    ("HRANDFIELD", "h", 1, "WITHVALUES", "x"), ("HRANDFIELD", "h", "-9223372036854775808"),
    ("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES"),
    ("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"),
    ("SET", "s", "v"), ("HRANDFIELD", "s"), ("HRANDFIELD", "s", 1), ("HRANDFIELD", "s", "x"))
add("hrandfield_big_hash", ("HSET", "big", *[x for i in range(300) for x in (f"field{i}", i)]),
    ("HRANDFIELD", "big", 10), ("HRANDFIELD", "big", 150), ("HRANDFIELD", "big", -20),
    ("HRANDFIELD", "big", 299, "WITHVALUES"), ("HRANDFIELD", "big", 300), ("HRANDFIELD", "big", -3, "WITHVALUES"))
add("hrandfield_resp3", ("HELLO", 3), ("HSET", "h", "a", 1, "b", 2), ("HRANDFIELD", "h", 2, "WITHVALUES"),
    ("HRANDFIELD", "h", -3, "WITHVALUES"), ("HRANDFIELD", "h", 1, "WITHVALUES"), ("HRANDFIELD", "nokey"),
    ("HRANDFIELD", "nokey", 1), protocol=3)
add("hash_watch", ("HSET", "h", "a", 1), ("WATCH", "h"), On(1, "HSET", "h", "a", 1), ("MULTI",),
    ("HGET", "h", "a"), ("EXEC",), ("WATCH", "h"), ("MULTI",), ("HGET", "h", "a"), ("EXEC",))

# ---------------------------------------------------------------------------------------------
# Lists
add("lpush_rpush_lrange", ("LPUSH", "l", "a", "b", "c"), ("RPUSH", "l", "x", "y"), ("LRANGE", "l", 0, -1),
    ("LLEN", "l"), ("TYPE", "l"), ("LRANGE", "l", 1, 2), ("LRANGE", "l", -2, -1), ("LRANGE", "l", -100, 100),
    ("LRANGE", "l", 3, 1), ("LRANGE", "l", 5, 10), ("LRANGE", "l", -1, -2), ("LRANGE", "nokey", 0, -1),
    ("LRANGE", "l", "x", 1), ("LRANGE", "l", 0, "1.5"), ("LLEN", "nokey"))
add("lpushx_rpushx", ("LPUSHX", "l", "a"), ("RPUSHX", "l", "a"), ("EXISTS", "l"), ("RPUSH", "l", "m"),
    ("LPUSHX", "l", "a", "b"), ("RPUSHX", "l", "y", "z"), ("LRANGE", "l", 0, -1))
add("lpop_rpop", ("RPUSH", "l", 1, 2, 3, 4, 5), ("LPOP", "l"), ("RPOP", "l"), ("LPOP", "l", 2),
    ("RPOP", "l", 0), ("LPOP", "l", 0), ("LRANGE", "l", 0, -1), ("RPOP", "l", 10), ("EXISTS", "l"),
    ("LPOP", "l"), ("LPOP", "l", 1), ("RPOP", "nokey", 3), ("LPOP", "l", -1), ("LPOP", "l", "x"),
    ("RPOP", "l", 1, 2), ("LPOP", "nokey", 0))
add("lindex_lset", ("RPUSH", "l", "a", "b", "c"), ("LINDEX", "l", 0), ("LINDEX", "l", -1), ("LINDEX", "l", 3),
    ("LINDEX", "l", -4), ("LINDEX", "l", "x"), ("LINDEX", "nokey", 0), ("LINDEX", "nokey", "x"),
    ("LSET", "l", 1, "B"), ("LSET", "l", -1, "C"), ("LSET", "l", 3, "D"), ("LSET", "l", "x", "D"),
    ("LSET", "nokey", 0, "v"), ("LSET", "nokey", "x", "v"), ("LRANGE", "l", 0, -1))
add("linsert", ("RPUSH", "l", "a", "b", "c"), ("LINSERT", "l", "BEFORE", "b", "x"),
    ("LINSERT", "l", "after", "c", "z"), ("LINSERT", "l", "AFTER", "a", "y"), ("LRANGE", "l", 0, -1),
    ("LINSERT", "l", "BEFORE", "nothere", "q"), ("LINSERT", "l", "MIDDLE", "a", "q"),
    ("LINSERT", "nokey", "BEFORE", "a", "q"), ("LINSERT", "nokey", "SIDEWAYS", "a", "q"),
    ("LINSERT", "l", "BEFORE", "a", "first"), ("LRANGE", "l", 0, -1), ("LLEN", "l"))
add("lrem", ("RPUSH", "l", "a", "b", "a", "c", "a", "b", "a"), ("LREM", "l", 2, "a"), ("LRANGE", "l", 0, -1),
    ("LREM", "l", -1, "a"), ("LRANGE", "l", 0, -1), ("LREM", "l", 0, "b"), ("LRANGE", "l", 0, -1),
    ("LREM", "l", 0, "nothing"), ("LREM", "l", "x", "a"), ("LREM", "nokey", 1, "a"),
    ("LREM", "l", 0, "c"), ("LREM", "l", 0, "a"), ("EXISTS", "l"))
add("ltrim", ("RPUSH", "l", 1, 2, 3, 4, 5, 6), ("LTRIM", "l", 1, -2), ("LRANGE", "l", 0, -1),
    ("LTRIM", "l", -100, 100), ("LRANGE", "l", 0, -1), ("LTRIM", "l", 1, 1), ("LRANGE", "l", 0, -1),
    ("LTRIM", "l", 5, 1), ("EXISTS", "l"), ("LTRIM", "nokey", 0, 1), ("LTRIM", "l", "x", 1),
    ("RPUSH", "m", 1, 2, 3), ("LTRIM", "m", 2, 0), ("EXISTS", "m"), ("RPUSH", "n", 1, 2, 3),
    ("LTRIM", "n", -1, -1), ("LRANGE", "n", 0, -1))
add("lpos", ("RPUSH", "l", "a", "b", "c", "b", "a", "b"), ("LPOS", "l", "b"), ("LPOS", "l", "z"),
    ("LPOS", "l", "b", "RANK", 2), ("LPOS", "l", "b", "RANK", -1), ("LPOS", "l", "b", "RANK", -3),
    ("LPOS", "l", "b", "RANK", 4), ("LPOS", "l", "b", "COUNT", 0), ("LPOS", "l", "b", "COUNT", 2),
    ("LPOS", "l", "b", "COUNT", 2, "RANK", -1), ("LPOS", "l", "b", "MAXLEN", 2),
    ("LPOS", "l", "b", "COUNT", 0, "MAXLEN", 4), ("LPOS", "l", "b", "RANK", 0),
    ("LPOS", "l", "b", "RANK", "-9223372036854775808"), ("LPOS", "l", "b", "RANK", "x"),
    ("LPOS", "l", "b", "COUNT", -1), ("LPOS", "l", "b", "COUNT", "x"), ("LPOS", "l", "b", "MAXLEN", -1),
    ("LPOS", "l", "b", "FOO", 1), ("LPOS", "l", "b", "RANK"), ("LPOS", "nokey", "a"),
    ("LPOS", "nokey", "a", "COUNT", 1), ("LPOS", "l", "z", "COUNT", 3))
add("lmove_rpoplpush", ("RPUSH", "src", 1, 2, 3), ("LMOVE", "src", "dst", "LEFT", "RIGHT"),
    ("LMOVE", "src", "dst", "right", "left"), ("LRANGE", "src", 0, -1), ("LRANGE", "dst", 0, -1),
    ("RPOPLPUSH", "src", "dst"), ("EXISTS", "src"), ("LRANGE", "dst", 0, -1), ("RPOPLPUSH", "src", "dst"),
    ("LMOVE", "dst", "dst", "LEFT", "RIGHT"), ("LRANGE", "dst", 0, -1), ("RPOPLPUSH", "dst", "dst"),
    ("LRANGE", "dst", 0, -1), ("LMOVE", "dst", "x", "UP", "LEFT"), ("LMOVE", "dst", "x", "LEFT", "DOWN"),
    ("SET", "s", "v"), ("LMOVE", "dst", "s", "LEFT", "LEFT"), ("LMOVE", "s", "dst", "LEFT", "LEFT"),
    ("LMOVE", "nokey", "s", "LEFT", "LEFT"), ("LRANGE", "dst", 0, -1))
add("list_wrongtype", ("SET", "s", "v"), ("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"),
    ("LPOP", "s"), ("RPOP", "s", 2), ("LLEN", "s"), ("LRANGE", "s", 0, -1), ("LINDEX", "s", 0),
    ("LSET", "s", 0, "v"), ("LINSERT", "s", "BEFORE", "a", "b"), ("LREM", "s", 0, "a"),
    ("LTRIM", "s", 0, 1), ("LPOS", "s", "a"), ("RPUSH", "l", "a"), ("GET", "l"), ("HGET", "l", "f"),
    ("HSET", "l", "f", "v"), ("INCR", "l"), ("MGET", "l", "s"))
add("list_binary_and_empty_elements", ("RPUSH", "l", BIN_VAL, "", BIN_KEY), ("LRANGE", "l", 0, -1),
    ("LPOS", "l", ""), ("LREM", "l", 0, ""), ("LINDEX", "l", 1), ("LINSERT", "l", "BEFORE", BIN_KEY, ""),
    ("LRANGE", "l", 0, -1))
add("list_expiry_rename_copy", ("RPUSH", "l", "a", "b"), ("EXPIRE", "l", 100), ("RPUSH", "l", "c"),
    ("TTL", "l"), ("RENAME", "l", "m"), ("LRANGE", "m", 0, -1), ("TTL", "m"), ("COPY", "m", "n"),
    ("LPUSH", "n", "z"), ("LRANGE", "m", 0, -1), ("LRANGE", "n", 0, -1), ("PEXPIREAT", "m", 1),
    ("EXISTS", "m"), ("RPUSH", "m", "fresh"), ("LRANGE", "m", 0, -1), ("SET", "n", "string"),
    ("TYPE", "n"), ScanAll(type="list"))
add("list_many_elements", ("RPUSH", "big", *range(500)), ("LPUSH", "big", *range(100)), ("LLEN", "big"),
    ("LRANGE", "big", 95, 105), ("LINDEX", "big", 250), ("LTRIM", "big", 50, 450), ("LLEN", "big"),
    ("LRANGE", "big", 0, 5), ("LRANGE", "big", -5, -1), ("LREM", "big", 0, 7), ("LINSERT", "big", "AFTER", 300, "x"),
    ("LPOS", "big", "x"), ("LRANGE", "big", 240, 260))
add("list_in_multi", ("MULTI",), ("RPUSH", "q", "job1", "job2"), ("LPOP", "q"), ("DEL", "q"),
    ("RPUSH", "q", "job3"), ("LRANGE", "q", 0, -1), ("EXEC",), ("LRANGE", "q", 0, -1))
add("list_resp3", ("HELLO", 3), ("RPUSH", "l", 1, 2), ("LPOP", "nokey", 2), ("LPOP", "nokey"), ("LPOP", "l", 5),
    ("LPOS", "nokey", 1), ("LINDEX", "nokey", 0), protocol=3)

# ---------------------------------------------------------------------------------------------
# Sets (member order is the server's: SMEMBERS and the algebra compare as sets)
add("sadd_srem_smembers", ("SADD", "s", "a", "b", "c", "a"), ("SADD", "s", "d", "a"), ("SCARD", "s"),
    ("SMEMBERS", "s"), ("TYPE", "s"), ("SREM", "s", "a", "x", "a"), ("SMEMBERS", "s"), ("SREM", "s", "b", "c", "d"),
    ("EXISTS", "s"), ("SMEMBERS", "s"), ("SCARD", "s"), ("SREM", "nokey", "a"), ("SMEMBERS", "nokey"))
add("sismember_smismember", ("SADD", "s", "a", "", BIN_VAL), ("SISMEMBER", "s", "a"), ("SISMEMBER", "s", "z"),
    ("SISMEMBER", "s", ""), ("SISMEMBER", "s", BIN_VAL), ("SISMEMBER", "nokey", "a"),
    ("SMISMEMBER", "s", "a", "z", "", "a"), ("SMISMEMBER", "nokey", "a", "b"))
add("spop_deterministic_cases", ("SADD", "s", "only"), ("SPOP", "s"), ("EXISTS", "s"), ("SPOP", "s"),
    ("SADD", "t", "a", "b", "c"), ("SPOP", "t", 0), ("SPOP", "t", 5), ("EXISTS", "t"), ("SPOP", "nokey", 2),
    ("SPOP", "t", -1), ("SPOP", "t", "x"), ("SPOP", "t", 1, 2), ("SADD", "u", 1, 2, 3, 4), ("SPOP", "u", 2),
    ("SCARD", "u"), ("SPOP", "u"), ("SCARD", "u"))
add("srandmember", ("SADD", "s", "a", "b", "c"), ("SRANDMEMBER", "s"), ("SRANDMEMBER", "s", 0),
    ("SRANDMEMBER", "s", 2), ("SRANDMEMBER", "s", 5), ("SRANDMEMBER", "s", -5), ("SRANDMEMBER", "s", 3),
    ("SRANDMEMBER", "nokey"), ("SRANDMEMBER", "nokey", 3), ("SRANDMEMBER", "s", "x"),
    ("SRANDMEMBER", "s", "-9223372036854775808"), ("SRANDMEMBER", "s", 1, 2), ("SRANDMEMBER", "s", "x", 2),
    ("SCARD", "s"))
add("smove", ("SADD", "a", 1, 2), ("SADD", "b", 3), ("SMOVE", "a", "b", 1), ("SMEMBERS", "a"), ("SMEMBERS", "b"),
    ("SMOVE", "a", "b", 9), ("SMOVE", "a", "a", 2), ("SMOVE", "a", "a", 9), ("SMOVE", "a", "c", 2),
    ("EXISTS", "a"), ("SMEMBERS", "c"), ("SMOVE", "nokey", "c", 1), ("SET", "str", "v"),
    ("SMOVE", "c", "str", 2), ("SMOVE", "str", "c", 2), ("SMOVE", "nokey", "str", 1), ("SMEMBERS", "c"))
add("set_algebra", ("SADD", "a", 1, 2, 3, 4), ("SADD", "b", 3, 4, 5), ("SADD", "c", 4, 5, 6),
    ("SINTER", "a", "b"), ("SINTER", "a", "b", "c"), ("SINTER", "a", "nokey"), ("SUNION", "a", "b", "c"),
    ("SUNION", "nokey", "a"), ("SDIFF", "a", "b"), ("SDIFF", "a", "b", "c"), ("SDIFF", "nokey", "a"),
    ("SDIFF", "a", "nokey"), ("SINTER", "a"), ("SUNION", "nokey"))
add("set_algebra_store", ("SADD", "a", 1, 2, 3), ("SADD", "b", 2, 3, 4), ("SINTERSTORE", "d", "a", "b"),
    ("SMEMBERS", "d"), ("SUNIONSTORE", "d", "a", "b"), ("SCARD", "d"), ("SDIFFSTORE", "d", "a", "b"),
    ("SMEMBERS", "d"), ("SINTERSTORE", "d", "a", "nokey"), ("EXISTS", "d"), ("SET", "d", "string"),
    ("SUNIONSTORE", "d", "a"), ("TYPE", "d"), ("SDIFFSTORE", "a", "a", "b"), ("SMEMBERS", "a"),
    ("SUNIONSTORE", "e", "nokey"), ("EXISTS", "e"))
add("sintercard", ("SADD", "a", 1, 2, 3, 4), ("SADD", "b", 2, 3, 4, 5), ("SINTERCARD", 2, "a", "b"),
    ("SINTERCARD", 2, "a", "b", "LIMIT", 2), ("SINTERCARD", 2, "a", "b", "limit", 0),
    ("SINTERCARD", 1, "a"), ("SINTERCARD", 2, "a", "nokey"), ("SINTERCARD", 0, "a"),
    ("SINTERCARD", 3, "a", "b"), ("SINTERCARD", "x", "a"), ("SINTERCARD", 1, "a", "LIMIT", -1),
    ("SINTERCARD", 1, "a", "LIMIT", "x"), ("SINTERCARD", 1, "a", "FOO", 1), ("SINTERCARD", 1, "a", "LIMIT"),
    ("SINTERCARD", 2), ("SINTERCARD", 1))
add("sscan", ("SADD", "s", *[f"m{i:03}" for i in range(300)]), ScanAll(key="s"), ScanAll(key="s", count=7),
    ScanAll(key="s", match="m1*", count=20), ScanAll(key="nokey"), ("SSCAN", "s", "x"),
    ("SSCAN", "s", 0, "COUNT", 0), ("SSCAN", "s", 0, "TYPE", "set"), ("SET", "str", "v"), ("SSCAN", "str", 0))
add("set_wrongtype", ("SET", "str", "v"), ("SADD", "str", "a"), ("SREM", "str", "a"), ("SISMEMBER", "str", "a"),
    ("SMISMEMBER", "str", "a"), ("SCARD", "str"), ("SMEMBERS", "str"), ("SPOP", "str"), ("SPOP", "str", 2),
    ("SRANDMEMBER", "str"), ("SRANDMEMBER", "str", 2), ("SINTER", "str"), ("SINTER", "nokey", "str"),
    ("SUNION", "str"), ("SDIFF", "nokey", "str"), ("SINTERSTORE", "d", "str"), ("SINTERCARD", 1, "str"),
    ("SADD", "s", "a"), ("GET", "s"), ("LPUSH", "s", "a"), ("HGET", "s", "a"), ("INCR", "s"), ("TYPE", "s"))
add("set_in_multi_and_copy", ("MULTI",), ("SADD", "s", "a", "b"), ("SREM", "s", "a"), ("SCARD", "s"),
    ("EXEC",), ("COPY", "s", "t"), ("SADD", "t", "c"), ("SMEMBERS", "s"), ("SMEMBERS", "t"),
    ("RENAME", "t", "u"), ("SMEMBERS", "u"), ("EXPIRE", "u", 100), ("SADD", "u", "d"), ("TTL", "u"),
    ScanAll(type="set"))
add("set_resp3", ("HELLO", 3), ("SADD", "s", "a", "b"), ("SMEMBERS", "s"), ("SMEMBERS", "nokey"),
    ("SINTER", "s", "nokey"), ("SUNION", "s"), ("SPOP", "nokey", 1), ("SPOP", "s", 5),
    ("SRANDMEMBER", "nokey", 1), protocol=3)

# ---------------------------------------------------------------------------------------------
# Sorted sets
add("zadd_basic", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZADD", "z", 5, "a", 4, "d"), ("ZCARD", "z"),
    ("ZSCORE", "z", "a"), ("ZSCORE", "z", "x"), ("ZSCORE", "nokey", "a"), ("TYPE", "z"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZMSCORE", "z", "a", "x", "b"), ("ZMSCORE", "nokey", "a"))
add("zadd_options", ("ZADD", "z", 1, "a", 2, "b"), ("ZADD", "z", "NX", 9, "a", 3, "c"), ("ZADD", "z", "XX", 9, "a", 4, "d"),
    ("ZADD", "z", "XX", "CH", 9, "a", 4, "d"), ("ZADD", "z", "GT", "CH", 1, "a", 10, "b"),
    ("ZADD", "z", "LT", "CH", 1, "a", 20, "b"), ("ZADD", "z", "GT", 5, "new"), ("ZADD", "z", "XX", "GT", 100, "new"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZADD", "z", "NX", "XX", 1, "a"), ("ZADD", "z", "GT", "LT", 1, "a"),
    ("ZADD", "z", "NX", "GT", 1, "a"), ("ZADD", "z", "INCR", 1, "a", 2, "b"), ("ZADD", "z", "x", "a"),
    ("ZADD", "z", "nan", "a"), ("ZADD", "z", 1, "a", 2), ("ZADD", "z", "CH"), ("ZADD", "xxkey", "XX", 1, "a"),
    ("EXISTS", "xxkey"))
add("zadd_incr", ("ZADD", "z", "INCR", 1, "a"), ("ZADD", "z", "INCR", "2.5", "a"), ("ZADD", "z", "NX", "INCR", 1, "a"),
    ("ZADD", "z", "XX", "INCR", 1, "q"), ("ZADD", "z", "GT", "INCR", -1, "a"), ("ZADD", "z", "LT", "INCR", -1, "a"),
    ("ZADD", "z", "INCR", "inf", "a"), ("ZADD", "z", "INCR", "-inf", "a"), ("ZSCORE", "z", "a"),
    ("ZADD", "xx", "XX", "INCR", 1, "a"))
add("zscore_formatting", ("ZADD", "z", "0.1", "a", "1.5", "b", "-0", "c", "1e300", "d", "-inf", "e",
                          "123456789.125", "f", "3", "g", "+inf", "h", "1e-5", "i"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZSCORE", "z", "c"), ("ZSCORE", "z", "e"), ("ZADD", "z", "1e400", "x"),
    ("ZADD", "z", "1e-400", "x"), ("ZADD", "z", " 1", "x"), ("ZADD", "z", "0x10", "x"), ("ZINCRBY", "z", "0.2", "a"))
add("zincrby", ("ZINCRBY", "z", 2, "a"), ("ZINCRBY", "z", "-0.5", "a"), ("ZINCRBY", "z", "x", "a"),
    ("ZINCRBY", "z", "inf", "a"), ("ZINCRBY", "z", "-inf", "a"), ("ZSCORE", "z", "a"), ("ZINCRBY", "new", 1, "m"))
add("zrem_zcard", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZREM", "z", "a", "x", "a"), ("ZCARD", "z"),
    ("ZREM", "z", "b", "c"), ("EXISTS", "z"), ("ZCARD", "z"), ("ZREM", "nokey", "a"), ("ZCARD", "nokey"))
add("zrank", ("ZADD", "z", 1, "a", 2, "b", 2, "bb", 3, "c"), ("ZRANK", "z", "a"), ("ZRANK", "z", "bb"),
    ("ZRANK", "z", "c"), ("ZRANK", "z", "x"), ("ZREVRANK", "z", "a"), ("ZREVRANK", "z", "c"),
    ("ZREVRANK", "z", "x"), ("ZRANK", "nokey", "a"))
add("zrange_by_rank", ("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d"), ("ZRANGE", "z", 0, -1), ("ZRANGE", "z", 1, 2),
    ("ZRANGE", "z", -2, -1, "WITHSCORES"), ("ZRANGE", "z", 0, -1, "REV"), ("ZRANGE", "z", 0, 1, "REV", "WITHSCORES"),
    ("ZRANGE", "z", 5, 10), ("ZRANGE", "z", 2, 1), ("ZRANGE", "z", -100, 100), ("ZREVRANGE", "z", 0, 1),
    ("ZREVRANGE", "z", 0, -1, "WITHSCORES"), ("ZRANGE", "nokey", 0, -1), ("ZRANGE", "z", "x", 1),
    ("ZRANGE", "z", 0, 1, "LIMIT", 0, 1), ("ZRANGE", "z", 0, 1, "LIMIT", 0, -1), ("ZRANGE", "z", 0, 1, "FOO"),
    ("ZREVRANGE", "z", 0, 1, "LIMIT", 0, 1), ("ZREVRANGE", "z", 0, 1, "REV"))
add("zrange_by_score", ("ZADD", "z", 1, "a", 2, "b", 2, "bb", 3, "c", "inf", "i", "-inf", "n"),
    ("ZRANGE", "z", 2, 3, "BYSCORE"), ("ZRANGE", "z", "(2", 3, "BYSCORE", "WITHSCORES"),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE"), ("ZRANGE", "z", "(1", "(3", "BYSCORE"),
    ("ZRANGE", "z", 3, 1, "BYSCORE", "REV"), ("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "WITHSCORES"),
    ("ZRANGE", "z", "(3", "(1", "BYSCORE", "REV"), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 1, 2),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 1, -1), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", -1, 2),
    ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 10, 2), ("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", 0, 0),
    ("ZRANGE", "z", "x", 1, "BYSCORE"), ("ZRANGE", "z", 1, "(x", "BYSCORE"), ("ZRANGEBYSCORE", "z", 2, 3),
    ("ZRANGEBYSCORE", "z", "-inf", 2, "WITHSCORES", "LIMIT", 1, 5), ("ZREVRANGEBYSCORE", "z", 3, 2),
    ("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", 0, 3, "WITHSCORES"), ("ZRANGEBYSCORE", "z", 1, 2, "REV"),
    ("ZRANGEBYSCORE", "z", 1, 2, "BYSCORE"), ("ZRANGEBYSCORE", "nokey", 1, 2), ("ZRANGE", "z", 5, 9, "BYSCORE"),
    ("ZRANGE", "z", 2, 2, "BYSCORE"), ("ZRANGE", "z", "(2", "(2", "BYSCORE"), ("ZRANGEBYSCORE", "z", 1, 2, "LIMIT", 0),
    ("ZCOUNT", "z", "", 5), ("ZCOUNT", "z", "(", 5), ("ZCOUNT", "z", " 1", "3 "), ("ZCOUNT", "z", "1\x00x", 5))
add("zcount", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZCOUNT", "z", 1, 2), ("ZCOUNT", "z", "(1", 3),
    ("ZCOUNT", "z", "-inf", "+inf"), ("ZCOUNT", "z", 5, 1), ("ZCOUNT", "z", "x", 1), ("ZCOUNT", "nokey", 0, 1))
add("zpopmin_zpopmax", ("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d"), ("ZPOPMIN", "z"), ("ZPOPMAX", "z"),
    ("ZPOPMIN", "z", 5), ("EXISTS", "z"), ("ZPOPMIN", "z"), ("ZPOPMAX", "nokey", 2), ("ZPOPMIN", "z", 0),
    ("ZPOPMIN", "z", -1), ("ZPOPMIN", "z", "x"), ("ZPOPMIN", "z", 1, 2), ("ZADD", "y", 1, "a", 1, "b"),
    ("ZPOPMAX", "y", 1), ("ZRANGE", "y", 0, -1))
add("zremrange", ("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e"), ("ZREMRANGEBYRANK", "z", 0, 1),
    ("ZRANGE", "z", 0, -1), ("ZREMRANGEBYRANK", "z", -1, -1), ("ZREMRANGEBYSCORE", "z", "(3", 4),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZREMRANGEBYSCORE", "z", "-inf", "+inf"), ("EXISTS", "z"),
    ("ZREMRANGEBYRANK", "nokey", 0, 1), ("ZREMRANGEBYRANK", "z", "x", 1), ("ZREMRANGEBYSCORE", "z", "x", 1),
    ("ZADD", "y", 1, "a"), ("ZREMRANGEBYRANK", "y", 5, 9), ("ZREMRANGEBYSCORE", "y", 5, 9), ("ZCARD", "y"))
add("zscan", ("ZADD", "z", *[x for i in range(200) for x in (i / 4, f"m{i:03}")]), ScanAll(key="z"),
    ScanAll(key="z", count=9), ScanAll(key="z", match="m1*"), ("ZSCAN", "z", "x"), ("ZSCAN", "nokey", 0))
add("zset_wrongtype", ("SET", "s", "v"), ("ZADD", "s", 1, "a"), ("ZINCRBY", "s", 1, "a"), ("ZREM", "s", "a"),
    ("ZCARD", "s"), ("ZSCORE", "s", "a"), ("ZMSCORE", "s", "a"), ("ZRANK", "s", "a"), ("ZREVRANK", "s", "a"),
    ("ZCOUNT", "s", 0, 1), ("ZRANGE", "s", 0, -1), ("ZRANGEBYSCORE", "s", 0, 1), ("ZPOPMIN", "s"),
    ("ZREMRANGEBYRANK", "s", 0, 1), ("ZSCAN", "s", 0), ("ZADD", "z", 1, "a"), ("GET", "z"), ("SADD", "z", "a"),
    ("LPUSH", "z", "a"), ("HGET", "z", "a"), ("TYPE", "z"))
add("zset_many_members", ("ZADD", "big", *[x for i in range(400) for x in ((i * 7919) % 400, f"m{i}")]),
    ("ZCARD", "big"), ("ZRANGE", "big", 100, 110, "WITHSCORES"), ("ZRANK", "big", "m399"),
    ("ZCOUNT", "big", 100, 199), ("ZRANGEBYSCORE", "big", 50, 60), ("ZREMRANGEBYSCORE", "big", 0, 99),
    ("ZRANGE", "big", 0, 4), ("ZREVRANGE", "big", 0, 4, "WITHSCORES"))
add("zset_multi_copy_expiry", ("MULTI",), ("ZADD", "z", 1, "a", 2, "b"), ("ZINCRBY", "z", 5, "a"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("EXEC",), ("COPY", "z", "y"), ("ZADD", "y", 0, "c"),
    ("ZRANGE", "z", 0, -1), ("ZRANGE", "y", 0, -1, "WITHSCORES"), ("RENAME", "y", "x"), ("ZRANK", "x", "a"),
    ("EXPIRE", "x", 100), ("ZADD", "x", 9, "d"), ("TTL", "x"), ("DEL", "z"), ("ZADD", "z", 3, "q"),
    ("ZRANGE", "z", 0, -1), ScanAll(type="zset"))
add("zset_lex", ("ZADD", "l", 0, "a", 0, "b", 0, "c", 0, "d", 0, "e"), ("ZRANGEBYLEX", "l", "-", "+"),
    ("ZRANGEBYLEX", "l", "[b", "(d"), ("ZRANGEBYLEX", "l", "(b", "[d"), ("ZRANGEBYLEX", "l", "[b", "[d", "LIMIT", 1, 1),
    ("ZRANGEBYLEX", "l", "-", "+", "LIMIT", 2, -1), ("ZREVRANGEBYLEX", "l", "+", "-"),
    ("ZREVRANGEBYLEX", "l", "[d", "(a", "LIMIT", 0, 2), ("ZRANGE", "l", "[a", "[c", "BYLEX"),
    ("ZRANGE", "l", "[d", "[b", "BYLEX", "REV"), ("ZRANGE", "l", "-", "+", "BYLEX", "LIMIT", 1, 2),
    ("ZRANGE", "l", "[a", "[c", "BYLEX", "WITHSCORES"), ("ZRANGEBYLEX", "l", "-", "+", "WITHSCORES"),
    ("ZRANGEBYLEX", "l", "b", "d"), ("ZRANGEBYLEX", "l", "[b", "x"), ("ZRANGEBYLEX", "l", "+", "-"),
    ("ZRANGEBYLEX", "l", "[z", "+"), ("ZLEXCOUNT", "l", "[b", "+"), ("ZLEXCOUNT", "l", "-", "(c"),
    ("ZLEXCOUNT", "l", "x", "y"), ("ZLEXCOUNT", "nokey", "-", "+"), ("ZREMRANGEBYLEX", "l", "[a", "(c"),
    ("ZRANGE", "l", 0, -1), ("ZREMRANGEBYLEX", "l", "-", "+"), ("EXISTS", "l"), ("ZREMRANGEBYLEX", "l", "x", "+"),
    ("ZADD", "m", 1, "b", 2, "a", 3, "c"), ("ZRANGEBYLEX", "m", "[a", "[c"), ("ZRANGEBYLEX", "m", "-", "+"))
add("zrandmember", ("ZADD", "z", 1, "a", 2, "b", 3, "c"), ("ZRANDMEMBER", "z"), ("ZRANDMEMBER", "z", 0),
    ("ZRANDMEMBER", "z", 2), ("ZRANDMEMBER", "z", -5), ("ZRANDMEMBER", "z", 3, "WITHSCORES"),
    ("ZRANDMEMBER", "z", 5, "withscores"), ("ZRANDMEMBER", "z", -2, "WITHSCORES"), ("ZRANDMEMBER", "nokey"),
    ("ZRANDMEMBER", "nokey", 2), ("ZRANDMEMBER", "z", "x"), ("ZRANDMEMBER", "z", 1, "FOO"),
    ("ZRANDMEMBER", "z", "-9223372036854775808"), ("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"),
    ("SET", "s", "v"), ("ZRANDMEMBER", "s"), ("ZRANDMEMBER", "s", 1))
add("zstore_algebra", ("ZADD", "a", 1, "x", 2, "y", 3, "z"), ("ZADD", "b", 10, "y", 20, "z", 30, "w"),
    ("SADD", "s", "x", "w", "v"), ("ZUNIONSTORE", "u", 2, "a", "b"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 2, "a", "b", "WEIGHTS", 2, "0.5"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 3, "a", "b", "s", "AGGREGATE", "MAX"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZINTERSTORE", "i", 2, "a", "b"), ("ZRANGE", "i", 0, -1, "WITHSCORES"),
    ("ZINTERSTORE", "i", 2, "a", "b", "AGGREGATE", "MIN", "WEIGHTS", 1, 3), ("ZRANGE", "i", 0, -1, "WITHSCORES"),
    ("ZINTERSTORE", "i", 2, "a", "s"), ("ZRANGE", "i", 0, -1, "WITHSCORES"), ("ZINTERSTORE", "i", 2, "a", "nokey"),
    ("EXISTS", "i"), ("ZDIFFSTORE", "d", 2, "a", "b"), ("ZRANGE", "d", 0, -1, "WITHSCORES"),
    ("ZDIFFSTORE", "d", 2, "a", "s"), ("ZRANGE", "d", 0, -1, "WITHSCORES"), ("ZDIFFSTORE", "d", 1, "nokey"),
    ("EXISTS", "d"), ("ZUNIONSTORE", "a", 2, "a", "b"), ("ZRANGE", "a", 0, -1, "WITHSCORES"))
add("zstore_edges", ("ZADD", "a", "inf", "x", 1, "y"), ("ZADD", "b", "-inf", "x", 2, "y"),
    ("ZUNIONSTORE", "u", 2, "a", "b"), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 2, "a", "b", "WEIGHTS", 0, 1), ("ZRANGE", "u", 0, -1, "WITHSCORES"),
    ("ZUNIONSTORE", "u", 0, "a"), ("ZUNIONSTORE", "u", 3, "a", "b"), ("ZUNIONSTORE", "u", "x", "a"),
    ("ZUNIONSTORE", "u", 1, "a", "AGGREGATE", "FOO"), ("ZUNIONSTORE", "u", 1, "a", "WEIGHTS", "x"),
    ("ZUNIONSTORE", "u", 2, "a", "b", "WEIGHTS", 1), ("ZUNIONSTORE", "u", 1, "a", "WITHSCORES"),
    ("ZDIFFSTORE", "u", 1, "a", "WEIGHTS", 1), ("ZDIFFSTORE", "u", 0, "a"), ("SET", "str", "v"),
    ("ZUNIONSTORE", "u", 2, "a", "str"), ("ZINTERSTORE", "u", 2, "nokey", "str"), ("ZDIFFSTORE", "u", 1, "str"),
    ("ZUNIONSTORE", "str", 1, "a"), ("TYPE", "str"), ("ZINTERSTORE", "a", 1, "a", "WEIGHTS", "-1"),
    ("ZRANGE", "a", 0, -1, "WITHSCORES"))
add("zset_resp3", ("HELLO", 3), ("ZADD", "z", 1, "a", "2.5", "b"), ("ZSCORE", "z", "b"), ("ZMSCORE", "z", "a", "x"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZINCRBY", "z", 1, "a"), ("ZADD", "z", "INCR", 1, "a"),
    ("ZPOPMIN", "z"), ("ZPOPMAX", "z", 1), ("ZPOPMIN", "nokey"), ("ZPOPMIN", "nokey", 2),
    ("ZADD", "y", 1, "a", 2, "b"), ("ZRANDMEMBER", "y", 2, "WITHSCORES"), ("ZRANDMEMBER", "y", -1, "WITHSCORES"),
    ("ZRANGEBYSCORE", "y", 0, 5, "WITHSCORES"), protocol=3)

# ---------------------------------------------------------------------------------------------
# More collection edge cases: extreme indexes and counts, missing keys in set algebra, binary
# members, WATCH and MULTI mixes, RESP3 shapes
add("lrange_lindex_extremes", ("RPUSH", "l", "a", "b", "c"), ("LRANGE", "l", LLONG_MIN, LLONG_MAX),
    ("LRANGE", "l", -100, 100), ("LRANGE", "l", 2, 1), ("LRANGE", "l", 3, 10), ("LRANGE", "l", -1, -2),
    ("LRANGE", "l", "x", 1), ("LRANGE", "l", 0, "1.5"), ("LINDEX", "l", LLONG_MIN), ("LINDEX", "l", LLONG_MAX),
    ("LINDEX", "l", -3), ("LINDEX", "l", -4), ("LINDEX", "l", "x"), ("LINDEX", "nokey", 0),
    ("LRANGE", "nokey", 0, -1))
add("lset_errors", ("LSET", "nokey", 0, "v"), ("RPUSH", "l", "a"), ("LSET", "l", 1, "v"),
    ("LSET", "l", -2, "v"), ("LSET", "l", "x", "v"), ("LSET", "l", -1, "z"), ("LRANGE", "l", 0, -1),
    ("SET", "s", "v"), ("LSET", "s", 0, "v"))
add("linsert_edges", ("LINSERT", "nokey", "BEFORE", "a", "b"), ("RPUSH", "l", "a", "b", "a"),
    ("LINSERT", "l", "AFTER", "zz", "x"), ("LINSERT", "l", "after", "a", "x"), ("LINSERT", "l", "BEFORE", "a", "y"),
    ("LINSERT", "l", "MIDDLE", "a", "x"), ("LRANGE", "l", 0, -1), ("LINSERT", "l", "BEFORE", "", ""),
    ("SET", "s", "v"), ("LINSERT", "s", "BEFORE", "a", "b"))
add("lrem_ltrim_edges", ("RPUSH", "l", "a", "b", "a", "c", "a"), ("LREM", "l", -2, "a"), ("LRANGE", "l", 0, -1),
    ("LREM", "l", LLONG_MIN, "b"), ("LREM", "l", 0, "nothing"), ("LREM", "l", "x", "a"), ("LREM", "nokey", 0, "a"),
    ("LTRIM", "l", 5, 10), ("EXISTS", "l"), ("RPUSH", "m", 1, 2, 3, 4), ("LTRIM", "m", LLONG_MIN, LLONG_MAX),
    ("LRANGE", "m", 0, -1), ("LTRIM", "m", -2, -1), ("LRANGE", "m", 0, -1), ("LTRIM", "m", 1, 0),
    ("EXISTS", "m"), ("LTRIM", "nokey", 0, 1), ("LTRIM", "m", "a", 1))
add("lpop_counts", ("RPUSH", "l", 1, 2, 3), ("LPOP", "l", LLONG_MAX), ("EXISTS", "l"), ("RPUSH", "l", 1),
    ("RPOP", "l", 0), ("LLEN", "l"), ("LPOP", "l", -1), ("LPOP", "nokey", 0), ("RPOP", "nokey", 3),
    ("LPOP", "l", "1.0"))
add("lpos_more", ("RPUSH", "l", "a", "b", "a", "b", "a"), ("LPOS", "l", "a", "RANK", LLONG_MIN),
    ("LPOS", "l", "a", "RANK", LLONG_MAX), ("LPOS", "l", "b", "COUNT", 0, "RANK", -1),
    ("LPOS", "l", "a", "MAXLEN", 1, "COUNT", 0), ("LPOS", "l", "a", "RANK", -2, "MAXLEN", 2),
    ("LPOS", "l", "a", "COUNT", -1), ("LPOS", "l", "a", "MAXLEN", -1), ("LPOS", "l", "a", "FOO", 1),
    ("LPOS", "l", "a", "COUNT"), ("LPOS", "nokey", "a", "COUNT", 2))
add("list_watch", On(1, "RPUSH", "q", "a"), ("WATCH", "q"), On(1, "LPOP", "q"), ("MULTI",),
    ("RPUSH", "q", "b"), ("EXEC",), ("LRANGE", "q", 0, -1), ("WATCH", "q"), ("MULTI",), ("RPUSH", "q", "c"),
    ("EXEC",), ("LRANGE", "q", 0, -1))
add("list_recreated_and_types", ("RPUSH", "l", 1, 2, 3), ("DEL", "l"), ("LLEN", "l"), ("RPUSH", "l", 9),
    ("LRANGE", "l", 0, -1), ("TYPE", "l"), ("SET", "l", "str"), ("LLEN", "l"), ("DEL", "l"),
    ("LPUSHX", "l", 1), ("EXISTS", "l"), ("SCAN", 0, "TYPE", "list"))
add("set_algebra_missing_and_wrong", ("SADD", "a", 1, 2, 3), ("SADD", "b", 2, 3, 4), ("SET", "str", "v"),
    ("SINTER", "a", "nokey"), ("SUNION", "nokey"), ("SDIFF", "nokey", "a"), ("SDIFF", "a", "nokey"),
    ("SINTER", "a", "str"), ("SINTER", "nokey", "str"), ("SUNION", "a", "str"), ("SDIFF", "nokey", "str"),
    ("SINTERSTORE", "dst", "a", "nokey"), ("EXISTS", "dst"), ("SUNIONSTORE", "str", "a", "b"), ("TYPE", "str"),
    ("SDIFFSTORE", "a", "a", "b"), ("SMEMBERS", "a"), ("SINTERCARD", 2, "a", "str"), ("SINTERCARD", 1, "nokey"))
add("set_members_binary_and_numbers", ("SADD", "s", BIN_VAL, "", "01", "1", "-0", "0"), ("SCARD", "s"),
    ("SISMEMBER", "s", BIN_VAL), ("SISMEMBER", "s", ""), ("SMISMEMBER", "s", "1", "01", "001"),
    ("SREM", "s", "", BIN_VAL, "nothing"), ("SCARD", "s"), ("SMOVE", "s", "t", "01"), ("SMEMBERS", "t"),
    ("SMOVE", "s", "s", "1"), ("SMOVE", "s", "t", "nothing"), ("SCARD", "s"))
add("srandmember_counts", ("SADD", "s", "a", "b", "c"), ("SRANDMEMBER", "s", 0), ("SRANDMEMBER", "s", 3),
    ("SCARD", "s"), ("SRANDMEMBER", "nokey"), ("SRANDMEMBER", "nokey", 5), ("SRANDMEMBER", "nokey", -5),
    ("SRANDMEMBER", "s", "x"), ("SPOP", "s", 0), ("SPOP", "s", -1), ("SPOP", "nokey", 2), ("SPOP", "s", 10),
    ("EXISTS", "s"))
add("set_watch_and_multi", On(1, "SADD", "s", "a"), ("WATCH", "s"), On(1, "SREM", "s", "a"), ("MULTI",),
    ("SADD", "s", "b"), ("EXEC",), ("SMEMBERS", "s"), ("MULTI",), ("SADD", "s", "x", "y"), ("SCARD", "s"),
    ("SREM", "s", "x"), ("SISMEMBER", "s", "y"), ("SPOP", "s", 5), ("EXEC",), ("EXISTS", "s"))
add("set_resp3_shapes", ("HELLO", 3), ("SADD", "s", "a", "b"), ("SMEMBERS", "s"), ("SINTER", "s", "nokey"),
    ("SMISMEMBER", "s", "a", "z"), ("SISMEMBER", "s", "a"), ("SRANDMEMBER", "s", -3), ("SPOP", "nokey", 1),
    ("SMEMBERS", "nokey"), ("SSCAN", "s", 0, "MATCH", "a"), protocol=3)
add("hash_numbers_edges", ("HSET", "h", "n", LLONG_MAX, "f", "1.5", "s", " 1"), ("HINCRBY", "h", "n", 1),
    ("HINCRBY", "h", "f", 1), ("HINCRBY", "h", "s", 1), ("HINCRBY", "h", "new", LLONG_MIN),
    ("HINCRBY", "h", "new", -1), ("HINCRBYFLOAT", "h", "f", "1e308"), ("HINCRBYFLOAT", "h", "f", "inf"),
    ("HINCRBYFLOAT", "h", "f", "nan"), ("HINCRBYFLOAT", "h", "x", "0x10"), ("HINCRBYFLOAT", "h", "y", "-0"),
    ("HGETALL", "h"), ("HSTRLEN", "h", "n"), ("HSTRLEN", "h", "missing"), ("HSTRLEN", "nokey", "f"))
add("hash_field_order_and_big_values", ("HSET", "h", "b", BIG, "a", "1", "c", ""), ("HGET", "h", "b"),
    ("HSTRLEN", "h", "b"), ("HMGET", "h", "c", "a", "zz"), ("HDEL", "h", "b", "b"), ("HLEN", "h"),
    ("HKEYS", "h"), ("HVALS", "h"))
add("zset_score_edges", ("ZADD", "z", "inf", "top", "-inf", "bottom", 0, "zero", "-0", "negzero"),
    ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("ZINCRBY", "z", "-inf", "top"), ("ZINCRBY", "z", 1, "top"),
    ("ZADD", "z", "nan", "x"), ("ZADD", "z", "1e400", "x"), ("ZADD", "z", "0x10", "hex"), ("ZSCORE", "z", "hex"),
    ("ZADD", "z", "1.0000000000000001", "p"), ("ZSCORE", "z", "p"), ("ZADD", "z", " 1", "sp"),
    ("ZCOUNT", "z", "-inf", "+inf"), ("ZCOUNT", "z", "(0", "(inf"), ("ZRANGEBYSCORE", "z", "(-inf", "(inf"),
    ("ZRANGEBYSCORE", "z", "-inf", "-inf", "WITHSCORES"), ("ZREMRANGEBYSCORE", "z", "inf", "inf"),
    ("ZCARD", "z"))
add("zset_limits_and_ranks", ("ZADD", "z", *[x for i in range(20) for x in (i % 5, f"m{i:02}")]),
    ("ZRANGE", "z", 0, -1), ("ZRANGEBYSCORE", "z", 1, 3, "LIMIT", 2, 3), ("ZRANGEBYSCORE", "z", 1, 3, "LIMIT", 0, -1),
    ("ZRANGEBYSCORE", "z", 1, 3, "LIMIT", -1, 2), ("ZREVRANGEBYSCORE", "z", 3, 1, "LIMIT", 1, 2, "WITHSCORES"),
    ("ZRANGE", "z", "(1", 3, "BYSCORE", "REV"), ("ZRANGE", "z", 3, "(1", "BYSCORE", "REV", "LIMIT", 0, 3),
    ("ZRANK", "z", "m19"), ("ZREVRANK", "z", "m19"), ("ZRANK", "z", "nope"), ("ZREMRANGEBYRANK", "z", -3, -1),
    ("ZRANGE", "z", -3, -1, "WITHSCORES"), ("ZRANGE", "z", 0, 1, "LIMIT", 0, 1))
add("zset_watch_and_multi", On(1, "ZADD", "z", 1, "a"), ("WATCH", "z"), On(1, "ZINCRBY", "z", 1, "a"),
    ("MULTI",), ("ZADD", "z", 5, "b"), ("EXEC",), ("ZRANGE", "z", 0, -1, "WITHSCORES"), ("MULTI",),
    ("ZADD", "z", 2, "c"), ("ZPOPMIN", "z"), ("ZRANK", "z", "c"), ("ZADD", "z", "INCR", 1, "c"), ("EXEC",))
add("collections_in_one_transaction", ("MULTI",), ("HSET", "k", "f", "v"), ("RPUSH", "k", "x"), ("DEL", "k"),
    ("RPUSH", "k", "x"), ("SADD", "k", "m"), ("TYPE", "k"), ("RENAME", "k", "j"), ("LRANGE", "j", 0, -1),
    ("COPY", "j", "z"), ("ZADD", "z", 1, "m"), ("EXEC",), ("TYPE", "z"), ("DBSIZE",))

# ---------------------------------------------------------------------------------------------
# Blocking commands that find something at once, time out, or fail before blocking
# (tests/system/test_blocking.py covers the waiting itself)
add("blpop_brpop_ready", ("RPUSH", "b", 1, 2, 3), ("BLPOP", "a", "b", 0), ("BRPOP", "a", "b", 0),
    ("BRPOP", "b", "b", 1), ("EXISTS", "b"), ("RPUSH", "a", "x"), ("BLPOP", "b", "a", 0),
    ("BLPOP", "a", 0.01), ("BRPOP", "a", "b", 0.01), ("RPUSH", BIN_KEY, BIN_VAL), ("BLPOP", BIN_KEY, 0))
add("blocking_timeouts", ("BLPOP", "k", "abc"), ("BLPOP", "k", -1), ("BLPOP", "k", "1e300"),
    ("BLPOP", "k", "inf"), ("BLPOP", "k", "nan"), ("BLPOP", "k", ""), ("BLPOP", "k", " 1"),
    ("BLPOP", "k", "-0.01"), ("BRPOP", "k", "1e16"), ("BLMOVE", "k", "d", "LEFT", "LEFT", "x"),
    ("BRPOPLPUSH", "k", "d", -1), ("BZPOPMIN", "k", "abc"), ("BZPOPMAX", "k", -5),
    ("BLPOP", "k", "0.0001"), ("BZPOPMAX", "k", "0x1p-6"), ("DBSIZE",))
add("blocking_wrong_type", ("SET", "s", "v"), ("RPUSH", "l", "x", "y", "z"), ("ZADD", "z", 1, "m"),
    ("BLPOP", "s", 0), ("BLPOP", "l", "s", 0), ("BLPOP", "nokey", "s", 0), ("BZPOPMIN", "l", 0),
    ("BZPOPMIN", "z", "l", 0), ("BLMOVE", "s", "l", "LEFT", "LEFT", 0), ("BLMOVE", "l", "s", "LEFT", "LEFT", 0),
    ("BRPOPLPUSH", "l", "z", 0), ("LRANGE", "l", 0, -1), ("BLMOVE", "l", "d", "UP", "LEFT", "abc"),
    ("BLMOVE", "l", "d", "LEFT", "DOWN", 0))
add("blmove_brpoplpush_ready", ("RPUSH", "src", 1, 2, 3), ("BLMOVE", "src", "dst", "LEFT", "RIGHT", 0),
    ("BLMOVE", "src", "dst", "right", "left", 0), ("BRPOPLPUSH", "src", "src", 0), ("LRANGE", "src", 0, -1),
    ("LRANGE", "dst", 0, -1), ("BRPOPLPUSH", "src", "dst", 0), ("EXISTS", "src"),
    ("BLMOVE", "src", "dst", "LEFT", "LEFT", 0.01), ("BRPOPLPUSH", "src", "dst", 0.01),
    ("LRANGE", "dst", 0, -1))
add("bzpop_ready", ("ZADD", "z", 1, "a", 2, "b", 3, "c", "-inf", "lo"), ("ZADD", "y", 5, "c"),
    ("BZPOPMIN", "nokey", "z", 0), ("BZPOPMAX", "y", "z", 0), ("BZPOPMAX", "y", "z", 0),
    ("BZPOPMIN", "z", 0), ("BZPOPMIN", "z", 0), ("EXISTS", "z"), ("BZPOPMIN", "z", "y", 0.01))
add("bzpop_resp3", ("HELLO", 3), ("ZADD", "z", "1.5", "a", "inf", "b"), ("BZPOPMAX", "z", 0),
    ("BZPOPMIN", "z", 0), ("BZPOPMIN", "z", 0.01), ("RPUSH", "l", "v"), ("BLPOP", "l", 0),
    ("BLPOP", "l", 0.01), ("BLMOVE", "l", "d", "LEFT", "LEFT", 0.01), protocol=3)
add("blocking_in_multi", ("RPUSH", "full", "v"), ("ZADD", "z", 3, "m"), ("MULTI",),
    ("BLPOP", "empty", 0), ("BLPOP", "full", 0), ("BRPOP", "full", 0), ("BLMOVE", "empty", "d", "LEFT", "LEFT", 0),
    ("BRPOPLPUSH", "empty", "d", 0), ("BZPOPMIN", "empty", 0), ("BZPOPMAX", "z", 0), ("BLPOP", "x", "abc"),
    ("EXEC",), ("MULTI",), ("BLPOP", "x", 0, "extra-is-a-key"), ("BLPOP", "x"), ("EXEC",))

# ---------------------------------------------------------------------------------------------
# OBJECT: the encoding Redis 7.0 would use for the contents (never after a shrink: Redis keeps a
# converted collection big, Seshat answers by the contents; docs/roadmap.md)
add("object_encoding_strings", ("SET", "i", 123), ("SET", "neg", -5), ("SET", "e", "abc"),
    ("SET", "f", "1.5"), ("SET", "lead", "012"), ("SET", "sp", " 1"), ("SET", "max", LLONG_MAX),
    ("SET", "over", "9223372036854775808"), ("SET", "e44", "x" * 44), ("SET", "r45", "x" * 45),
    ("SET", "empty", ""), ("SET", "d21", "1" * 21),
    *[("OBJECT", "ENCODING", k) for k in ("i", "neg", "e", "f", "lead", "sp", "max", "over",
                                            "e44", "r45", "empty", "d21", "nokey")],
    ("INCR", "i"), ("OBJECT", "ENCODING", "i"), ("INCRBYFLOAT", "f", 1), ("OBJECT", "ENCODING", "f"),
    ("object", "encoding", "e"))
add("object_refcount_freq", ("SET", "small", 9999), ("SET", "big", 10000), ("SET", "neg", -1),
    ("SET", "s", "abc"), ("RPUSH", "l", 1), ("OBJECT", "REFCOUNT", "small"), ("OBJECT", "REFCOUNT", "big"),
    ("OBJECT", "REFCOUNT", "neg"), ("OBJECT", "REFCOUNT", "s"), ("OBJECT", "REFCOUNT", "l"),
    ("OBJECT", "REFCOUNT", "nokey"), ("INCR", "small"), ("OBJECT", "REFCOUNT", "small"),
    ("OBJECT", "FREQ", "s"), ("OBJECT", "FREQ", "nokey"))
add("object_encoding_collections", ("HSET", "h", "f", "v"), ("HSET", "hv", "f", "v" * 65),
    ("HSET", "hf", "f" * 65, "v"), ("HSET", "h64", "f" * 64, "v" * 64),
    ("HSET", "hbig", *[x for i in range(513) for x in (f"f{i}", i)]),
    ("HSET", "h512", *[x for i in range(512) for x in (f"f{i}", i)]), ("RPUSH", "l", "a"),
    ("SADD", "si", 1, -2, LLONG_MAX), ("SADD", "ss", 1, "a"), ("SADD", "s0", "-0"), ("SADD", "sp", "+1"),
    ("SADD", "sbig", *range(513)), ("SADD", "s512", *range(512)), ("ZADD", "z", 1, "a"),
    ("ZADD", "zbig", *[x for i in range(129) for x in (i, f"m{i}")]),
    ("ZADD", "z128", *[x for i in range(128) for x in (i, f"m{i}")]), ("ZADD", "zm", 1, "m" * 65),
    *[("OBJECT", "ENCODING", k) for k in ("h", "hv", "hf", "h64", "hbig", "h512", "l", "si", "ss",
                                            "s0", "sp", "sbig", "s512", "z", "zbig", "z128", "zm")],
    ("SADD", "si", "x"), ("OBJECT", "ENCODING", "si"), ("ZADD", "z", 2, "b" * 65), ("OBJECT", "ENCODING", "z"))
add("object_errors", ("OBJECT",), ("OBJECT", "ENCODING"), ("OBJECT", "ENCODING", "a", "b"),
    ("OBJECT", "NOSUCH", "k"), ("OBJECT", "REFCOUNT"), ("OBJECT", "HELP", "x"), ("SET", "k", 1),
    ("MULTI",), ("OBJECT", "ENCODING", "k"), ("OBJECT", "REFCOUNT", "k"), ("EXEC",),
    ("MULTI",), ("OBJECT", "ENCODING"), ("EXEC",))

# ---------------------------------------------------------------------------------------------
