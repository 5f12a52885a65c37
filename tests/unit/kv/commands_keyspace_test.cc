// Keyspace commands against MemKeyspace, with the expected replies checked against
// redis-server 7.0.
#include <algorithm>
#include <set>
#include <string>

#include "kv_test_util.h"

namespace seshat::kv::testing {
namespace {

using KeyspaceCommands = KvTest;

std::set<std::string> key_set(const Reply& array) {
  std::set<std::string> out;
  for (const Reply& r : array.items()) out.insert(r.str());
  return out;
}

TEST_F(KeyspaceCommands, DelUnlinkExistsTouch) {
  EXPECT_EQ(run({"MSET", "a", "1", "b", "2", "c", "3"}), Ok());
  EXPECT_EQ(run({"EXISTS", "a", "a", "nokey", "b"}), Int(3));  // duplicates count twice
  EXPECT_EQ(run({"TOUCH", "a", "a", "nokey"}), Int(2));
  EXPECT_EQ(run({"DEL", "a", "a", "nokey"}), Int(1));  // a key is deleted once
  EXPECT_EQ(run({"UNLINK", "b", "c"}), Int(2));
  EXPECT_EQ(run({"EXISTS", "a", "b", "c"}), Int(0));
  EXPECT_EQ(run({"DEL", "a"}), Int(0));
  EXPECT_EQ(run({"DEL"}), Err("ERR wrong number of arguments for 'del' command"));
}

TEST_F(KeyspaceCommands, Type) {
  EXPECT_EQ(run({"TYPE", "k"}), Status("none"));
  EXPECT_EQ(run({"SET", "k", ""}), Ok());
  EXPECT_EQ(run({"TYPE", "k"}), Status("string"));
}

TEST_F(KeyspaceCommands, KeysMatchesGlobs) {
  EXPECT_EQ(run({"KEYS", "*"}), Arr({}));
  EXPECT_EQ(run({"MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1",
                 std::string("h\0llo", 5), "1"}),
            Ok());
  EXPECT_EQ(key_set(run({"KEYS", "*"})).size(), 6u);
  EXPECT_EQ(key_set(run({"KEYS", "h?llo"})),
            (std::set<std::string>{"hello", "hallo", "hxllo", std::string("h\0llo", 5)}));
  EXPECT_EQ(key_set(run({"KEYS", "h*llo"})).size(), 6u);
  EXPECT_EQ(key_set(run({"KEYS", "h[ae]llo"})), (std::set<std::string>{"hello", "hallo"}));
  EXPECT_EQ(key_set(run({"KEYS", "h[^e]llo"})),
            (std::set<std::string>{"hallo", "hxllo", std::string("h\0llo", 5)}));
  EXPECT_EQ(key_set(run({"KEYS", "h[a-b]llo"})), (std::set<std::string>{"hallo"}));
  EXPECT_EQ(key_set(run({"KEYS", "nomatch*"})), (std::set<std::string>{}));
}

TEST_F(KeyspaceCommands, ScanWalksEveryKeyOnce) {
  std::set<std::string> expected;
  for (int i = 0; i < 500; ++i) {
    std::string key = "key:" + std::to_string(i);
    expected.insert(key);
    ASSERT_EQ(run({"SET", key, "v"}), Ok());
  }
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    Reply r = run({"SCAN", cursor, "COUNT", "7"});
    ASSERT_EQ(r.type(), Reply::Type::kArray);
    ASSERT_EQ(r.items().size(), 2u);
    cursor = r.items()[0].str();
    for (const Reply& k : r.items()[1].items()) seen.insert(k.str());
    ASSERT_LT(++calls, 1000);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_GT(calls, 50);  // COUNT was honoured, roughly
}

TEST_F(KeyspaceCommands, ScanOptions) {
  EXPECT_EQ(run({"MSET", "a1", "1", "a2", "1", "b1", "1"}), Ok());
  auto keys = [&](std::initializer_list<std::string> args) {
    Reply r = run(args);
    EXPECT_EQ(r.items().size(), 2u);
    EXPECT_EQ(r.items()[0], Bulk("0"));
    return key_set(r.items()[1]);
  };
  EXPECT_EQ(keys({"SCAN", "0"}), (std::set<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(keys({"SCAN", "0", "MATCH", "a*"}), (std::set<std::string>{"a1", "a2"}));
  EXPECT_EQ(keys({"SCAN", "0", "match", "a*", "MATCH", "*1"}), (std::set<std::string>{"a1", "b1"}));
  EXPECT_EQ(keys({"SCAN", "0", "TYPE", "string"}).size(), 3u);
  EXPECT_EQ(keys({"SCAN", "0", "TYPE", "STRING"}).size(), 3u);
  EXPECT_EQ(keys({"SCAN", "0", "TYPE", "list"}).size(), 0u);  // unknown types: no keys
  EXPECT_EQ(keys({"SCAN", "0", "TYPE", "foo"}).size(), 0u);   // (no error in 7.0)
  EXPECT_EQ(keys({"SCAN", "0", "COUNT", "1000", "MATCH", "b?"}), (std::set<std::string>{"b1"}));
  // Cursor spellings strtoul accepts.
  EXPECT_EQ(keys({"SCAN", "+0"}).size(), 3u);
  EXPECT_EQ(keys({"SCAN", ""}).size(), 3u);
}

TEST_F(KeyspaceCommands, ScanErrors) {
  const Reply syntax = Err("ERR syntax error");
  const Reply cursor = Err("ERR invalid cursor");
  EXPECT_EQ(run({"SCAN", "abc"}), cursor);
  EXPECT_EQ(run({"SCAN", " 1"}), cursor);
  EXPECT_EQ(run({"SCAN", "1 "}), cursor);
  EXPECT_EQ(run({"SCAN", "-"}), cursor);
  EXPECT_EQ(run({"SCAN", "0x10"}), cursor);
  EXPECT_EQ(run({"SCAN", "18446744073709551616"}), cursor);
  EXPECT_EQ(run({"SCAN", "18446744073709551615"}).type(), Reply::Type::kArray);
  EXPECT_EQ(run({"SCAN", "-1"}).type(), Reply::Type::kArray);
  EXPECT_EQ(run({"SCAN", "0", "COUNT", "0"}), syntax);
  EXPECT_EQ(run({"SCAN", "0", "COUNT", "-1"}), syntax);
  EXPECT_EQ(run({"SCAN", "0", "COUNT", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"SCAN", "0", "MATCH"}), syntax);
  EXPECT_EQ(run({"SCAN", "0", "foo", "bar"}), syntax);
  // The cursor is validated before the options.
  EXPECT_EQ(run({"SCAN", "x", "COUNT", "0"}), cursor);
}

TEST_F(KeyspaceCommands, Randomkey) {
  EXPECT_EQ(run({"RANDOMKEY"}), Nil());
  EXPECT_EQ(run({"MSET", "a", "1", "b", "2", "c", "3"}), Ok());
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    Reply r = run({"RANDOMKEY"});
    ASSERT_EQ(r.type(), Reply::Type::kBulk);
    seen.insert(r.str());
  }
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b", "c"}));
  // Expired keys are never chosen.
  EXPECT_EQ(run({"PEXPIRE", "a", "1"}), Int(1));
  EXPECT_EQ(run({"PEXPIRE", "b", "1"}), Int(1));
  advance_ms(2);  // past their expiry time
  for (int i = 0; i < 20; ++i) EXPECT_EQ(run({"RANDOMKEY"}), Bulk("c"));
  EXPECT_EQ(run({"DEL", "c"}), Int(1));
  EXPECT_EQ(run({"RANDOMKEY"}), Nil());
}

TEST_F(KeyspaceCommands, Rename) {
  EXPECT_EQ(run({"RENAME", "nokey", "b"}), Err("ERR no such key"));
  EXPECT_EQ(run({"RENAME", "nokey", "nokey"}), Err("ERR no such key"));
  EXPECT_EQ(run({"SET", "a", "1", "PX", "5000"}), Ok());
  EXPECT_EQ(run({"RENAME", "a", "a"}), Ok());
  EXPECT_EQ(run({"SET", "b", "old"}), Ok());
  EXPECT_EQ(run({"RENAME", "a", "b"}), Ok());
  EXPECT_EQ(run({"GET", "b"}), Bulk("1"));
  EXPECT_EQ(run({"PTTL", "b"}), Int(5000));  // the TTL moves with the value
  EXPECT_EQ(run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(run({"SET", "c", "2"}), Ok());
  EXPECT_EQ(run({"RENAME", "c", "b"}), Ok());
  EXPECT_EQ(run({"PTTL", "b"}), Int(-1));  // the destination's TTL is replaced
}

TEST_F(KeyspaceCommands, Renamenx) {
  EXPECT_EQ(run({"RENAMENX", "nokey", "x"}), Err("ERR no such key"));
  EXPECT_EQ(run({"MSET", "a", "1", "b", "2"}), Ok());
  EXPECT_EQ(run({"RENAMENX", "a", "a"}), Int(0));
  EXPECT_EQ(run({"RENAMENX", "a", "b"}), Int(0));
  EXPECT_EQ(run({"RENAMENX", "a", "c"}), Int(1));
  EXPECT_EQ(run({"MGET", "a", "b", "c"}), Arr({Nil(), Bulk("2"), Bulk("1")}));
}

TEST_F(KeyspaceCommands, Copy) {
  EXPECT_EQ(run({"COPY", "a", "a"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(run({"COPY", "nokey", "a"}), Int(0));
  EXPECT_EQ(run({"SET", "a", "1", "EX", "100"}), Ok());
  EXPECT_EQ(run({"COPY", "a", "b"}), Int(1));
  EXPECT_EQ(run({"GET", "b"}), Bulk("1"));
  EXPECT_EQ(run({"TTL", "b"}), Int(100));
  EXPECT_EQ(run({"SET", "a", "2"}), Ok());
  EXPECT_EQ(run({"COPY", "a", "b"}), Int(0));
  EXPECT_EQ(run({"COPY", "a", "b", "REPLACE", "replace"}), Int(1));
  EXPECT_EQ(run({"GET", "b"}), Bulk("2"));
  EXPECT_EQ(run({"TTL", "b"}), Int(-1));
  EXPECT_EQ(run({"COPY", "a", "c", "DB", "0"}), Int(1));
}

TEST_F(KeyspaceCommands, CopyErrors) {
  EXPECT_EQ(run({"SET", "a", "1"}), Ok());
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "9223372036854775808"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "2147483648"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(run({"COPY", "a", "b", "DB", "-2147483649"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(run({"COPY", "a", "b", "DB"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"COPY", "a", "b", "foo"}), Err("ERR syntax error"));
  // Options are checked in order, and before the same-key check.
  EXPECT_EQ(run({"COPY", "a", "a", "DB", "99", "foo"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(run({"COPY", "a", "a", "foo", "DB", "99"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"EXISTS", "b"}), Int(0));
}

TEST_F(KeyspaceCommands, DbsizeAndFlush) {
  EXPECT_EQ(run({"DBSIZE"}), Int(0));
  EXPECT_EQ(run({"MSET", "a", "1", "b", "2"}), Ok());
  EXPECT_EQ(run({"DBSIZE"}), Int(2));
  EXPECT_EQ(run({"FLUSHDB", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"FLUSHALL", "ASYNC", "SYNC"}), Err("ERR syntax error"));
  EXPECT_EQ(run({"DBSIZE"}), Int(2));
  EXPECT_EQ(run({"FLUSHDB", "sync"}), Ok());
  EXPECT_EQ(run({"DBSIZE"}), Int(0));
  EXPECT_EQ(run({"SET", "a", "1"}), Ok());
  EXPECT_EQ(run({"FLUSHALL", "ASYNC"}), Ok());
  EXPECT_EQ(run({"SET", "a", "1"}), Ok());
  EXPECT_EQ(run({"FLUSHALL"}), Ok());
  EXPECT_EQ(run({"KEYS", "*"}), Arr({}));
}

TEST_F(KeyspaceCommands, DbsizeCountsExpiredKeysUntilPurged) {
  // As in Redis, DBSIZE counts keys that have expired but were not yet removed.
  EXPECT_EQ(run({"SET", "a", "1", "PX", "10"}), Ok());
  advance_ms(11);
  EXPECT_EQ(run({"EXISTS", "a"}), Int(0));
  EXPECT_EQ(run({"DBSIZE"}), Int(1));
  EXPECT_TRUE(ks.purge_if_expired("a"));
  EXPECT_EQ(run({"DBSIZE"}), Int(0));
}

TEST_F(KeyspaceCommands, ExpiredKeysAreInvisibleToEveryRead) {
  EXPECT_EQ(run({"SET", "gone", "v", "PX", "100"}), Ok());
  EXPECT_EQ(run({"SET", "kept", "v"}), Ok());
  advance_ms(101);
  EXPECT_EQ(run({"GET", "gone"}), Nil());
  EXPECT_EQ(run({"EXISTS", "gone"}), Int(0));
  EXPECT_EQ(run({"TYPE", "gone"}), Status("none"));
  EXPECT_EQ(run({"KEYS", "*"}), Arr({Bulk("kept")}));
  EXPECT_EQ(run({"SCAN", "0"}), Arr({Bulk("0"), Arr({Bulk("kept")})}));
  EXPECT_EQ(run({"RENAME", "gone", "x"}), Err("ERR no such key"));
  EXPECT_EQ(run({"COPY", "gone", "x"}), Int(0));
  EXPECT_EQ(run({"STRLEN", "gone"}), Int(0));
  EXPECT_EQ(run({"MGET", "gone", "kept"}), Arr({Nil(), Bulk("v")}));
  EXPECT_EQ(run({"DEL", "gone"}), Int(0));
  EXPECT_EQ(run({"SETNX", "kept", "x"}), Int(0));
  EXPECT_EQ(run({"SET", "gone2", "v", "PX", "1"}), Ok());
  advance_ms(2);
  EXPECT_EQ(run({"SETNX", "gone2", "new"}), Int(1));  // an expired key does not block NX
  EXPECT_EQ(run({"GET", "gone2"}), Bulk("new"));
  EXPECT_EQ(run({"TTL", "gone2"}), Int(-1));
}

}  // namespace
}  // namespace seshat::kv::testing
