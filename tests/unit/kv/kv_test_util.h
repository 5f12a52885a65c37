// Shared helpers for the kv unit tests: a fixture that runs commands against a MemKeyspace the
// way the server does (table lookup, arity check, handler), and terse reply constructors.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>

#include "kv/apply.h"
#include "kv/command.h"
#include "kv/errors.h"
#include "kv/operation.h"
#include "protocol/reply.h"
#include "storage/mem_keyspace.h"

namespace seshat::protocol {

// Readable replies in gtest failure messages.
inline void PrintTo(const Reply& r, std::ostream* os) {
  using T = Reply::Type;
  switch (r.type()) {
    case T::kSimple: *os << "+" << r.str(); return;
    case T::kError: *os << "-" << r.str(); return;
    case T::kInteger: *os << ":" << r.integer(); return;
    case T::kBulk: *os << "$" << ::testing::PrintToString(r.str()); return;
    case T::kNull: *os << "(nil)"; return;
    case T::kNullArray: *os << "(nil array)"; return;
    case T::kDouble: *os << "," << r.str(); return;
    case T::kBool: *os << "#" << r.integer(); return;
    case T::kVerbatim: *os << "=" << r.str(); return;
    default: break;
  }
  *os << "[";
  for (size_t i = 0; i < r.items().size(); ++i) {
    if (i) *os << ", ";
    PrintTo(r.items()[i], os);
  }
  *os << "]";
}

}  // namespace seshat::protocol

namespace seshat::kv::testing {

using protocol::Reply;

inline constexpr int64_t kNow = 1'700'000'000'000;  // a realistic Unix time in ms

// One client command as the log carries it.
inline Operation command_op(Argv argv, int64_t now = kNow) {
  Operation op;
  op.kind = Operation::Kind::kCommand;
  op.now_ms = now;
  op.commands = {std::move(argv)};
  return op;
}

inline Reply Ok() { return Reply::Ok(); }
inline Reply Nil() { return Reply::Null(); }
inline Reply Int(int64_t v) { return Reply::Integer(v); }
inline Reply Bulk(std::string s) { return Reply::Bulk(std::move(s)); }
inline Reply Err(std::string_view s) { return Reply::Error(std::string(s)); }
inline Reply Arr(std::vector<Reply> items) { return Reply::Array(std::move(items)); }
inline Reply Status(std::string s) { return Reply::Simple(std::move(s)); }

// Runs a command the way the server's dispatcher does: unknown command and arity errors first,
// then the handler (through execute(), as apply does).
inline Reply run_command(storage::Keyspace& ks, const Limits& limits, const Argv& argv) {
  const CommandSpec* spec = find_command(argv[0]);
  if (spec == nullptr) return Reply::Error(err::unknown_command(argv));
  CommandContext ctx{ks, limits};
  return execute(*spec, ctx, argv);
}

class KvTest : public ::testing::Test {
 protected:
  Reply run(std::initializer_list<std::string> args) { return run_command(ks, limits, Argv(args)); }
  Reply run(const Argv& argv) { return run_command(ks, limits, argv); }

  // Moves the clock as the next log entry would, keeping the write version increasing.
  void advance_ms(int64_t ms) {
    ks.set_now_ms(ks.now_ms() + ms);
    ks.set_index(ks.index() + 1);
  }

  storage::MemKeyspace ks{kNow, 1};
  Limits limits;
};

}  // namespace seshat::kv::testing
