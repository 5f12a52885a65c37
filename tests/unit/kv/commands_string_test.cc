// String commands against MemKeyspace: replies, options, error texts and expiry effects, with the
// expected values checked against redis-server 7.0.
#include <string>

#include "kv_test_util.h"

namespace seshat::kv::testing {
namespace {

using StringCommands = KvTest;

TEST_F(StringCommands, GetAndSetBasics) {
  EXPECT_EQ(run({"GET", "k"}), Nil());
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(run({"SET", "k", ""}), Ok());
  EXPECT_EQ(run({"GET", "k"}), Bulk(""));
}

TEST_F(StringCommands, BinarySafeKeysAndValues) {
  const std::string key("a\0b\r\nc", 6);
  const std::string value("\0\r\n\xff", 4);
  EXPECT_EQ(run({"SET", key, value}), Ok());
  EXPECT_EQ(run({"GET", key}), Bulk(value));
  EXPECT_EQ(run({"GET", std::string("a\0b", 3)}), Nil());
  EXPECT_EQ(run({"STRLEN", key}), Int(4));
}

TEST_F(StringCommands, SetNxXx) {
  EXPECT_EQ(run({"SET", "k", "1", "XX"}), Nil());
  EXPECT_EQ(run({"SET", "k", "1", "NX"}), Ok());
  EXPECT_EQ(run({"SET", "k", "2", "NX"}), Nil());
  EXPECT_EQ(run({"SET", "k", "3", "xx"}), Ok());
  EXPECT_EQ(run({"GET", "k"}), Bulk("3"));
  EXPECT_EQ(run({"SET", "k", "4", "nx", "nx"}), Nil());  // repeating an option is fine
}

TEST_F(StringCommands, SetGet) {
  EXPECT_EQ(run({"SET", "k", "1", "GET"}), Nil());
  EXPECT_EQ(run({"SET", "k", "2", "GET"}), Bulk("1"));
  // NX with GET (allowed since 7.0): returns the old value and does not write.
  EXPECT_EQ(run({"SET", "k", "3", "NX", "GET"}), Bulk("2"));
  EXPECT_EQ(run({"SET", "k", "3", "GET", "NX"}), Bulk("2"));
  EXPECT_EQ(run({"GET", "k"}), Bulk("2"));
  EXPECT_EQ(run({"SET", "other", "3", "XX", "GET"}), Nil());
  EXPECT_EQ(run({"GET", "other"}), Nil());
  EXPECT_EQ(run({"SET", "other", "3", "NX", "GET"}), Nil());
  EXPECT_EQ(run({"GET", "other"}), Bulk("3"));
}

TEST_F(StringCommands, SetSyntaxErrors) {
  const Reply syntax = Err("ERR syntax error");
  EXPECT_EQ(run({"SET", "k", "v", "NX", "XX"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "XX", "NX"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "5", "PX", "5"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "5", "EXAT", "5"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "PXAT", "5", "EX", "5"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "KEEPTTL", "EX", "5"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "PX", "5", "KEEPTTL"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "EX"}), syntax);  // missing argument
  EXPECT_EQ(run({"SET", "k", "v", "foo"}), syntax);
  EXPECT_EQ(run({"SET", "k", "v", "PERSIST"}), syntax);  // a GETEX option only
  EXPECT_EQ(run({"SET", "k", "v", "EXX", "5"}), syntax);
  EXPECT_EQ(run({"GET", "k"}), Nil());  // nothing written by any of them
}

TEST_F(StringCommands, OptionNamesEndAtNul) {
  // Redis compares option names as C strings.
  EXPECT_EQ(run({"SET", "k", "v", std::string("ex\0junk", 7), "5"}), Ok());
  EXPECT_EQ(run({"TTL", "k"}), Int(5));
  EXPECT_EQ(run({"SET", "k", "w", std::string("GET\0", 4)}), Bulk("v"));
}

TEST_F(StringCommands, SetRepeatedExpiryFormLastWins) {
  EXPECT_EQ(run({"SET", "k", "v", "EX", "10", "EX", "20"}), Ok());
  EXPECT_EQ(run({"TTL", "k"}), Int(20));
  EXPECT_EQ(run({"SET", "k", "v", "KEEPTTL", "KEEPTTL", "GET", "GET"}), Bulk("v"));
  EXPECT_EQ(run({"TTL", "k"}), Int(20));
}

TEST_F(StringCommands, SetExpiryForms) {
  EXPECT_EQ(run({"SET", "a", "v", "EX", "10"}), Ok());
  EXPECT_EQ(run({"PTTL", "a"}), Int(10'000));
  EXPECT_EQ(run({"SET", "b", "v", "PX", "1500"}), Ok());
  EXPECT_EQ(run({"PTTL", "b"}), Int(1500));
  EXPECT_EQ(run({"SET", "c", "v", "EXAT", std::to_string(kNow / 1000 + 100)}), Ok());
  EXPECT_EQ(run({"PEXPIRETIME", "c"}), Int(kNow + 100'000));
  EXPECT_EQ(run({"SET", "d", "v", "pxat", std::to_string(kNow + 7)}), Ok());
  EXPECT_EQ(run({"PEXPIRETIME", "d"}), Int(kNow + 7));
  // A plain SET drops the TTL, KEEPTTL keeps it.
  EXPECT_EQ(run({"SET", "a", "w"}), Ok());
  EXPECT_EQ(run({"TTL", "a"}), Int(-1));
  EXPECT_EQ(run({"SET", "b", "w", "KEEPTTL"}), Ok());
  EXPECT_EQ(run({"PTTL", "b"}), Int(1500));
  EXPECT_EQ(run({"GET", "b"}), Bulk("w"));
}

TEST_F(StringCommands, SetInvalidExpireTimes) {
  const Reply invalid = Err("ERR invalid expire time in 'set' command");
  EXPECT_EQ(run({"SET", "k", "v", "EX", "0"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "-1"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "PX", "0"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "EXAT", "0"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "PXAT", "-5"}), invalid);
  // Overflow in the conversion to milliseconds, or when adding the current time.
  EXPECT_EQ(run({"SET", "k", "v", "EX", "9223372036854776"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "9223372036854775"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "PX", "9223372036854775807"}), invalid);
  EXPECT_EQ(run({"SET", "k", "v", "EX", "abc"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"SET", "k", "v", "EX", "10.5"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"SET", "k", "v", "EX", "9223372036854775808"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"GET", "k"}), Nil());
  // The absolute forms accept the extremes.
  EXPECT_EQ(run({"SET", "k", "v", "PXAT", "9223372036854775807"}), Ok());
  EXPECT_EQ(run({"PTTL", "k"}), Int(INT64_MAX - kNow));
  EXPECT_EQ(run({"EXPIRETIME", "k"}), Int(9223372036854776));
  EXPECT_EQ(run({"SET", "k", "v", "EXAT", "9223372036854775"}), Ok());
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), Int(9223372036854775000));
}

TEST_F(StringCommands, SetWithPastAbsoluteExpiryDeletesTheKey) {
  EXPECT_EQ(run({"SET", "k", "old"}), Ok());
  EXPECT_EQ(run({"SET", "k", "v", "EXAT", "1"}), Ok());
  EXPECT_EQ(run({"GET", "k"}), Nil());
  EXPECT_EQ(run({"DBSIZE"}), Int(0));  // deleted, not merely hidden
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"SET", "k", "v2", "PXAT", std::to_string(kNow), "GET"}), Bulk("v"));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(0));
}

TEST_F(StringCommands, SetnxSetexPsetex) {
  EXPECT_EQ(run({"SETNX", "k", "1"}), Int(1));
  EXPECT_EQ(run({"SETNX", "k", "2"}), Int(0));
  EXPECT_EQ(run({"GET", "k"}), Bulk("1"));
  EXPECT_EQ(run({"SETEX", "k", "10", "v"}), Ok());
  EXPECT_EQ(run({"TTL", "k"}), Int(10));
  EXPECT_EQ(run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(run({"PSETEX", "k", "2500", "w"}), Ok());
  EXPECT_EQ(run({"PTTL", "k"}), Int(2500));
  EXPECT_EQ(run({"SETEX", "k", "0", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(run({"PSETEX", "k", "-1", "v"}), Err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(run({"SETEX", "k", "x", "v"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"SETEX", "k", "1"}), Err("ERR wrong number of arguments for 'setex' command"));
}

TEST_F(StringCommands, GetsetGetdel) {
  EXPECT_EQ(run({"GETSET", "k", "1"}), Nil());
  EXPECT_EQ(run({"SET", "k", "2", "EX", "100"}), Ok());
  EXPECT_EQ(run({"GETSET", "k", "3"}), Bulk("2"));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));  // GETSET drops the TTL like SET
  EXPECT_EQ(run({"GETDEL", "k"}), Bulk("3"));
  EXPECT_EQ(run({"GETDEL", "k"}), Nil());
  EXPECT_EQ(run({"EXISTS", "k"}), Int(0));
}

TEST_F(StringCommands, Getex) {
  EXPECT_EQ(run({"GETEX", "k"}), Nil());
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"GETEX", "k"}), Bulk("v"));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(run({"GETEX", "k", "EX", "10", "EX", "20"}), Bulk("v"));
  EXPECT_EQ(run({"TTL", "k"}), Int(20));
  EXPECT_EQ(run({"GETEX", "k", "PX", "1234"}), Bulk("v"));
  EXPECT_EQ(run({"PTTL", "k"}), Int(1234));
  EXPECT_EQ(run({"GETEX", "k", "PXAT", std::to_string(kNow + 99)}), Bulk("v"));
  EXPECT_EQ(run({"PTTL", "k"}), Int(99));
  EXPECT_EQ(run({"GETEX", "k", "EXAT", std::to_string(kNow / 1000 + 5)}), Bulk("v"));
  EXPECT_EQ(run({"PEXPIRETIME", "k"}), Int(kNow + 5000));
  EXPECT_EQ(run({"GETEX", "k", "PERSIST", "persist"}), Bulk("v"));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
  // A time in the past deletes the key but still returns its value.
  EXPECT_EQ(run({"GETEX", "k", "EXAT", "1"}), Bulk("v"));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(run({"DBSIZE"}), Int(0));
}

TEST_F(StringCommands, GetexErrors) {
  // A missing key answers nil before the expiry is even validated (Redis's order).
  EXPECT_EQ(run({"GETEX", "nokey", "EX", "0"}), Nil());
  EXPECT_EQ(run({"GETEX", "nokey", "EX", "abc"}), Nil());
  EXPECT_EQ(run({"GETEX", "nokey", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"SET", "k", "v"}), Ok());
  EXPECT_EQ(run({"GETEX", "k", "EX", "0"}), Err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(run({"GETEX", "k", "EX", "-5"}), Err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(run({"GETEX", "k", "PX", "9223372036854775807"}),
            Err("ERR invalid expire time in 'getex' command"));
  EXPECT_EQ(run({"GETEX", "k", "EX", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"GETEX", "k", "PX", "10", "PERSIST"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"GETEX", "k", "PERSIST", "EX", "10"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"GETEX", "k", "EX"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"GETEX", "k", "NX"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"GETEX", "k", "KEEPTTL"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"GETEX", "k", "GET"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"TTL", "k"}), Int(-1));
}

TEST_F(StringCommands, MgetMsetMsetnx) {
  EXPECT_EQ(run({"MSET", "a", "1", "b", "2", "a", "3"}), Ok());
  EXPECT_EQ(run({"MGET", "a", "b", "c", "a"}), Arr({Bulk("3"), Bulk("2"), Nil(), Bulk("3")}));
  EXPECT_EQ(run({"MSET", "a", "1", "b"}), Err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(run({"MSETNX", "a", "1", "b"}),
            Err("ERR wrong number of arguments for 'msetnx' command"));
  EXPECT_EQ(run({"MSETNX", "a", "9", "z", "9"}), Int(0));
  EXPECT_EQ(run({"EXISTS", "z"}), Int(0));  // all or nothing
  EXPECT_EQ(run({"MSETNX", "x", "1", "x", "2"}), Int(1));
  EXPECT_EQ(run({"GET", "x"}), Bulk("2"));
  EXPECT_EQ(run({"SET", "t", "v", "EX", "100"}), Ok());
  EXPECT_EQ(run({"MSET", "t", "w"}), Ok());
  EXPECT_EQ(run({"TTL", "t"}), Int(-1));
}

TEST_F(StringCommands, AppendAndStrlen) {
  EXPECT_EQ(run({"STRLEN", "k"}), Int(0));
  EXPECT_EQ(run({"APPEND", "k", "abc"}), Int(3));
  EXPECT_EQ(run({"APPEND", "k", std::string("\0de", 3)}), Int(6));
  EXPECT_EQ(run({"GET", "k"}), Bulk(std::string("abc\0de", 6)));
  EXPECT_EQ(run({"APPEND", "k", ""}), Int(6));
  EXPECT_EQ(run({"STRLEN", "k"}), Int(6));
  EXPECT_EQ(run({"EXPIRE", "k", "100"}), Int(1));
  EXPECT_EQ(run({"APPEND", "k", "x"}), Int(7));
  EXPECT_EQ(run({"TTL", "k"}), Int(100));  // APPEND keeps the TTL
}

TEST_F(StringCommands, AppendRespectsTheValueLimit) {
  limits.max_value_size_bytes = 8;
  EXPECT_EQ(run({"APPEND", "k", "12345"}), Int(5));
  EXPECT_EQ(run({"APPEND", "k", "678"}), Int(8));
  // A configured limit is named in the error.
  EXPECT_EQ(run({"APPEND", "k", "9"}),
            Err("ERR value is larger than max_value_size_bytes (8 bytes)"));
  EXPECT_EQ(run({"GET", "k"}), Bulk("12345678"));
}

TEST_F(StringCommands, GrowthPastRedisDefaultLimitKeepsRedisText) {
  // At Redis's own limit (proto-max-bulk-len, 512 MB) the text is Redis's, byte for byte.
  limits.max_value_size_bytes = 512ull * 1024 * 1024;
  const Reply too_long = Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  EXPECT_EQ(run({"SETRANGE", "k", "536870912", "x"}), too_long);
  EXPECT_EQ(run({"SETRANGE", "k", "536870911", ""}), Int(0));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(0));
}

TEST_F(StringCommands, Getrange) {
  EXPECT_EQ(run({"GETRANGE", "nokey", "0", "-1"}), Bulk(""));
  EXPECT_EQ(run({"SET", "s", "hello"}), Ok());
  EXPECT_EQ(run({"GETRANGE", "s", "0", "-1"}), Bulk("hello"));
  EXPECT_EQ(run({"GETRANGE", "s", "1", "3"}), Bulk("ell"));
  EXPECT_EQ(run({"GETRANGE", "s", "-3", "-1"}), Bulk("llo"));
  EXPECT_EQ(run({"GETRANGE", "s", "2", "1000"}), Bulk("llo"));
  EXPECT_EQ(run({"GETRANGE", "s", "-100", "-50"}), Bulk("h"));  // both clamp to 0
  EXPECT_EQ(run({"GETRANGE", "s", "-1", "-5"}), Bulk(""));
  EXPECT_EQ(run({"GETRANGE", "s", "3", "1"}), Bulk(""));
  EXPECT_EQ(run({"GETRANGE", "s", "5", "10"}), Bulk(""));
  EXPECT_EQ(run({"GETRANGE", "s", "-9223372036854775808", "9223372036854775807"}), Bulk("hello"));
  EXPECT_EQ(run({"GETRANGE", "s", "x", "1"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"GETRANGE", "s", "0", "1.0"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"SUBSTR", "s", "0", "1"}), Bulk("he"));
  EXPECT_EQ(run({"SET", "e", ""}), Ok());
  EXPECT_EQ(run({"GETRANGE", "e", "0", "-1"}), Bulk(""));
}

TEST_F(StringCommands, Setrange) {
  EXPECT_EQ(run({"SETRANGE", "k", "0", ""}), Int(0));
  EXPECT_EQ(run({"EXISTS", "k"}), Int(0));  // nothing created
  EXPECT_EQ(run({"SETRANGE", "k", "3", "ab"}), Int(5));
  EXPECT_EQ(run({"GET", "k"}), Bulk(std::string("\0\0\0ab", 5)));
  EXPECT_EQ(run({"SETRANGE", "k", "0", "xyz"}), Int(5));
  EXPECT_EQ(run({"GET", "k"}), Bulk("xyzab"));
  EXPECT_EQ(run({"SETRANGE", "k", "10", ""}), Int(5));  // empty patch: length, no change
  EXPECT_EQ(run({"SETRANGE", "k", "4", "QQ"}), Int(6));
  EXPECT_EQ(run({"GET", "k"}), Bulk("xyzaQQ"));
  EXPECT_EQ(run({"SETRANGE", "k", "-1", "x"}), Err("ERR offset is out of range"));
  EXPECT_EQ(run({"SETRANGE", "k", "a", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"PEXPIRE", "k", "5000"}), Int(1));
  EXPECT_EQ(run({"SETRANGE", "k", "0", "A"}), Int(6));
  EXPECT_EQ(run({"PTTL", "k"}), Int(5000));  // SETRANGE keeps the TTL
}

TEST_F(StringCommands, SetrangeRespectsTheValueLimit) {
  limits.max_value_size_bytes = 10;
  const Reply too_long = Err("ERR value is larger than max_value_size_bytes (10 bytes)");
  EXPECT_EQ(run({"SETRANGE", "k", "9", "x"}), Int(10));
  EXPECT_EQ(run({"SETRANGE", "k", "10", "x"}), too_long);
  EXPECT_EQ(run({"SETRANGE", "new", "10", "x"}), too_long);
  EXPECT_EQ(run({"SETRANGE", "new", "9223372036854775807", "x"}), too_long);  // no overflow
  EXPECT_EQ(run({"SETRANGE", "new", "9223372036854775807", ""}), Int(0));
  EXPECT_EQ(run({"EXISTS", "new"}), Int(0));
}

TEST_F(StringCommands, IncrDecr) {
  EXPECT_EQ(run({"INCR", "n"}), Int(1));
  EXPECT_EQ(run({"INCRBY", "n", "41"}), Int(42));
  EXPECT_EQ(run({"DECR", "n"}), Int(41));
  EXPECT_EQ(run({"DECRBY", "n", "-9"}), Int(50));
  EXPECT_EQ(run({"GET", "n"}), Bulk("50"));
  EXPECT_EQ(run({"INCRBY", "m", "-5"}), Int(-5));
  EXPECT_EQ(run({"DECR", "z"}), Int(-1));
  EXPECT_EQ(run({"SET", "t", "10", "EX", "100"}), Ok());
  EXPECT_EQ(run({"INCR", "t"}), Int(11));
  EXPECT_EQ(run({"TTL", "t"}), Int(100));  // counters keep their TTL
}

TEST_F(StringCommands, IncrRejectsNonCanonicalIntegers) {
  const Reply not_int = Err("ERR value is not an integer or out of range");
  for (const char* v : {"", "abc", "007", " 7", "7 ", "+5", "-0", "1.0", "1e3", "0x10",
                        "9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    ASSERT_EQ(run({"SET", "n", v}), Ok());
    EXPECT_EQ(run({"INCR", "n"}), not_int) << "value " << v;
    EXPECT_EQ(run({"GET", "n"}), Bulk(v));
  }
  EXPECT_EQ(run({"SET", "n", std::string("1\0", 2)}), Ok());
  EXPECT_EQ(run({"INCR", "n"}), not_int);
  EXPECT_EQ(run({"INCRBY", "fresh", "abc"}), not_int);
  EXPECT_EQ(run({"INCRBY", "fresh", ""}), not_int);
  EXPECT_EQ(run({"EXISTS", "fresh"}), Int(0));
}

TEST_F(StringCommands, IncrOverflow) {
  const Reply overflow = Err("ERR increment or decrement would overflow");
  EXPECT_EQ(run({"SET", "n", "9223372036854775807"}), Ok());
  EXPECT_EQ(run({"INCR", "n"}), overflow);
  EXPECT_EQ(run({"DECRBY", "n", "-1"}), overflow);
  EXPECT_EQ(run({"INCRBY", "n", "0"}), Int(INT64_MAX));
  EXPECT_EQ(run({"SET", "n", "-9223372036854775808"}), Ok());
  EXPECT_EQ(run({"DECR", "n"}), overflow);
  EXPECT_EQ(run({"INCRBY", "n", "-1"}), overflow);
  EXPECT_EQ(run({"INCRBY", "n", "9223372036854775807"}), Int(-1));
  EXPECT_EQ(run({"DECRBY", "n", "-9223372036854775808"}), Err("ERR decrement would overflow"));
  EXPECT_EQ(run({"DECRBY", "n", "9223372036854775807"}), Int(INT64_MIN));
  EXPECT_EQ(run({"GET", "n"}), Bulk("-9223372036854775808"));
}

TEST_F(StringCommands, Incrbyfloat) {
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1.5"}), Bulk("1.5"));
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1e3"}), Bulk("1001.5"));
  EXPECT_EQ(run({"GET", "f"}), Bulk("1001.5"));
  EXPECT_EQ(run({"SET", "f", "3"}), Ok());
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "0.1"}), Bulk("3.1"));
  EXPECT_EQ(run({"SET", "f", "1.0e10"}), Ok());
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "0"}), Bulk("10000000000"));
  EXPECT_EQ(run({"SET", "f", "-1"}), Ok());
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1"}), Bulk("0"));
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "-0.0"}), Bulk("0"));
  EXPECT_EQ(run({"SET", "f", "3"}), Ok());
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "0x10"}), Bulk("19"));  // strtold takes hex
  EXPECT_EQ(run({"SET", "t", "1", "PX", "777"}), Ok());
  EXPECT_EQ(run({"INCRBYFLOAT", "t", "1"}), Bulk("2"));
  EXPECT_EQ(run({"PTTL", "t"}), Int(777));
}

TEST_F(StringCommands, IncrbyfloatErrors) {
  const Reply not_float = Err("ERR value is not a valid float");
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "abc"}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "nan"}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", " 1"}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1 "}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", ""}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1e5000"}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1e-5000"}), not_float);
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "inf"}), Err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(run({"EXISTS", "f"}), Int(0));
  EXPECT_EQ(run({"SET", "f", "  3"}), Ok());
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1"}), not_float);
  // The stored value is checked before the increment.
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "abc"}), not_float);
  EXPECT_EQ(run({"SET", "f", "1.7976931348623157e308"}), Ok());
  // long double does not overflow where double would.
  EXPECT_EQ(run({"INCRBYFLOAT", "f", "1.7976931348623157e308"}).type(), Reply::Type::kBulk);
}

}  // namespace
}  // namespace seshat::kv::testing
