// The Operation encoding: exact round trips, and decode of arbitrary, truncated or mutated bytes
// never crashing, never over-allocating, and rejecting malformed input.
#include "kv/operation.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace seshat::kv {
namespace {

Operation sample_transaction() {
  Operation op;
  op.kind = Operation::Kind::kTransaction;
  op.now_ms = 1'700'000'000'123;
  op.commands = {
      {"SET", "k", std::string("v\0\r\n", 4)}, {"INCR", "n"}, {"GET", std::string(300, 'x')}};
  op.watches = {{"k", 17}, {std::string("\0w", 2), UINT64_MAX}, {"", 0}};
  return op;
}

TEST(Operation, RoundTripsEveryKind) {
  Operation cmd;
  cmd.kind = Operation::Kind::kCommand;
  cmd.now_ms = -5;  // negative clocks survive too
  cmd.commands = {{"SET", "", ""}};
  Operation purge;
  purge.kind = Operation::Kind::kPurgeExpired;
  purge.now_ms = INT64_MAX;
  purge.commands = {{"a", "b", std::string(1 << 16, 'z')}};
  Operation empty_purge;
  empty_purge.kind = Operation::Kind::kPurgeExpired;
  empty_purge.commands = {{}};
  Operation empty_tx;
  empty_tx.kind = Operation::Kind::kTransaction;
  Operation acl;
  acl.kind = Operation::Kind::kSetAcl;
  acl.commands = {{"user alice on ~* +@all\nuser bob off"}};
  acl.watches = {{"", 17}};
  Operation alarm;
  alarm.kind = Operation::Kind::kSetSpaceAlarm;
  alarm.now_ms = 5;
  alarm.commands = {{"2", "raise"}};
  for (const Operation& op :
       {cmd, purge, empty_purge, empty_tx, sample_transaction(), acl, alarm}) {
    std::string bytes = encode_operation(op);
    auto back = decode_operation(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, op);
    EXPECT_EQ(encode_operation(*back), bytes);
  }
}

TEST(Operation, FormatIsStable) {
  // The log keeps these bytes forever: a change here must be a new format version.
  Operation op;
  op.kind = Operation::Kind::kCommand;
  op.now_ms = 0x0102030405060708;
  op.commands = {{"GET", "k"}};
  const std::string expected(
      "\x01\x01\x08\x07\x06\x05\x04\x03\x02\x01"
      "\x01\x02\x03GET\x01k\x00",
      19);
  EXPECT_EQ(encode_operation(op), expected);
}

TEST(Operation, RejectsMalformedInput) {
  EXPECT_FALSE(decode_operation(""));
  EXPECT_FALSE(decode_operation(std::string("\x02", 1)));  // unknown format
  std::string good = encode_operation(sample_transaction());
  std::string bad_kind = good;
  bad_kind[1] = 9;
  EXPECT_FALSE(decode_operation(bad_kind));
  EXPECT_FALSE(decode_operation(good + "x"));  // trailing bytes
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(decode_operation(good.substr(0, n))) << "prefix of " << n << " bytes";
  }
}

TEST(Operation, RejectsOperationsThatBreakTheirKindsShape) {
  Operation no_command;
  no_command.kind = Operation::Kind::kCommand;
  EXPECT_FALSE(decode_operation(encode_operation(no_command)));
  Operation empty_argv;
  empty_argv.kind = Operation::Kind::kCommand;
  empty_argv.commands = {{}};
  EXPECT_FALSE(decode_operation(encode_operation(empty_argv)));
  Operation two;
  two.kind = Operation::Kind::kCommand;
  two.commands = {{"GET", "a"}, {"GET", "b"}};
  EXPECT_FALSE(decode_operation(encode_operation(two)));
  Operation watched;
  watched.kind = Operation::Kind::kCommand;
  watched.commands = {{"GET", "a"}};
  watched.watches = {{"a", 1}};
  EXPECT_FALSE(decode_operation(encode_operation(watched)));
  Operation tx_empty_argv = sample_transaction();
  tx_empty_argv.commands.push_back({});
  EXPECT_FALSE(decode_operation(encode_operation(tx_empty_argv)));
  // kSetAcl: one argv of one argument (the table) and one watch with an empty key (the
  // version it was computed from).
  Operation acl;
  acl.kind = Operation::Kind::kSetAcl;
  acl.commands = {{"table"}};
  acl.watches = {{"", 1}};
  ASSERT_TRUE(decode_operation(encode_operation(acl)));
  using Break = void (*)(Operation&);
  for (Break broken :
       std::initializer_list<Break>{[](Operation& op) { op.watches.clear(); },
                                    [](Operation& op) { op.watches[0].first = "k"; },
                                    [](Operation& op) {
                                      op.watches.push_back({"", 2});
                                    },
                                    [](Operation& op) { op.commands[0].push_back("more"); },
                                    [](Operation& op) { op.commands.push_back({"x"}); }}) {
    Operation bad = acl;
    broken(bad);
    EXPECT_FALSE(decode_operation(encode_operation(bad)));
  }
  // kSetSpaceAlarm: one argv of two arguments (node, raise|clear), no watches.
  Operation alarm;
  alarm.kind = Operation::Kind::kSetSpaceAlarm;
  alarm.commands = {{"2", "clear"}};
  ASSERT_TRUE(decode_operation(encode_operation(alarm)));
  for (Break broken :
       std::initializer_list<Break>{[](Operation& op) {
                                      op.watches.push_back({"", 2});
                                    },
                                    [](Operation& op) { op.commands[0].pop_back(); },
                                    [](Operation& op) { op.commands[0].push_back("more"); },
                                    [](Operation& op) {
                                      op.commands.push_back({"3", "raise"});
                                    }}) {
    Operation bad = alarm;
    broken(bad);
    EXPECT_FALSE(decode_operation(encode_operation(bad)));
  }
}

TEST(Operation, HugeCountsAreRejectedBeforeAllocating) {
  // Header, then a command count of 2^63 and nothing behind it.
  std::string bytes("\x01\x02\0\0\0\0\0\0\0\0", 10);
  bytes += std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9);
  EXPECT_FALSE(decode_operation(bytes));
  // One command with an argument claiming 2^40 bytes.
  std::string arg("\x01\x01\0\0\0\0\0\0\0\0\x01\x01", 12);
  arg += std::string("\x80\x80\x80\x80\x80\x20", 6);
  EXPECT_FALSE(decode_operation(arg));
  // A varint longer than ten bytes, and one overflowing 64 bits.
  std::string long_varint("\x01\x02\0\0\0\0\0\0\0\0", 10);
  long_varint += std::string(11, '\x80');
  EXPECT_FALSE(decode_operation(long_varint));
  std::string overflow("\x01\x02\0\0\0\0\0\0\0\0", 10);
  overflow += std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10);
  EXPECT_FALSE(decode_operation(overflow));
  // A non-minimal varint (0 spelled in two bytes) is a second encoding: rejected.
  Operation op;
  op.kind = Operation::Kind::kTransaction;
  std::string canonical = encode_operation(op);
  ASSERT_TRUE(decode_operation(canonical));
  std::string padded = canonical.substr(0, 10) + std::string("\x80\x00", 2) + canonical.substr(11);
  EXPECT_FALSE(decode_operation(padded));
}

TEST(Operation, RandomBytesNeverCrash) {
  std::mt19937_64 rng(1234);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    // Give half of them a valid header so the decoder gets past the first checks.
    if (i % 2 == 0 && bytes.size() >= 2) {
      bytes[0] = 1;
      bytes[1] = static_cast<char>(1 + rng() % 3);
    }
    auto op = decode_operation(bytes);
    if (op) {
      ++decoded;
      EXPECT_EQ(encode_operation(*op), bytes);  // whatever decodes is canonical
    }
  }
  SUCCEED() << decoded << " random inputs decoded";
}

TEST(Operation, MutatedEncodingsNeverCrash) {
  std::mt19937_64 rng(99);
  const std::string good = encode_operation(sample_transaction());
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % bytes.size();
      switch (rng() % 3) {
        case 0: bytes[pos] = static_cast<char>(rng()); break;
        case 1: bytes.erase(pos, 1 + rng() % 4); break;
        default: bytes.insert(pos, 1, static_cast<char>(rng())); break;
      }
      if (bytes.empty()) bytes = "x";
    }
    auto op = decode_operation(bytes);
    if (op) {
      EXPECT_EQ(encode_operation(*op), bytes);
    }
  }
}

}  // namespace
}  // namespace seshat::kv
