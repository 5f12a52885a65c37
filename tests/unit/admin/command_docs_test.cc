// COMMAND INFO, DOCS, LIST and GETKEYS. Every expected text was read from a live redis-server
// 7.0.15: client libraries read these replies at connect time.
#include "admin/command_docs.h"

#include <gtest/gtest.h>

#include <string>

#include "kv/command.h"
#include "kv/subcommands.h"

namespace seshat::admin {
namespace {

using protocol::Reply;

// As the front end runs COMMAND: the subcommand is checked first.
Reply run(const kv::Argv& argv) {
  if (std::string err = kv::subcommand_error(argv); !err.empty()) return Reply::Error(err);
  return command_command(argv);
}

TEST(Command, CommandCountInfoAndKeys) {
  Reply count = run({"COMMAND", "COUNT"});
  ASSERT_EQ(count.type(), Reply::Type::kInteger);
  EXPECT_GT(count.integer(), 50);

  Reply info = run({"COMMAND", "INFO", "get", "nope"});
  ASSERT_EQ(info.items().size(), 2u);
  const Reply& get = info.items()[0];
  ASSERT_EQ(get.items().size(), 10u);
  EXPECT_EQ(get.items()[0], Reply::Bulk("get"));
  EXPECT_EQ(get.items()[1], Reply::Integer(2));
  EXPECT_EQ(get.items()[2], Reply::Set({Reply::Simple("readonly"), Reply::Simple("fast")}));
  EXPECT_EQ(get.items()[3], Reply::Integer(1));
  EXPECT_EQ(get.items()[8].items().size(), 1u);  // one key spec
  EXPECT_EQ(info.items()[1], Reply::Null());

  Reply client = run({"COMMAND", "INFO", "client"}).items()[0];
  EXPECT_FALSE(client.items()[9].items().empty());  // subcommands listed
  EXPECT_EQ(run({"COMMAND", "INFO", "client|setname"}).items()[0].items()[1], Reply::Integer(3));

  EXPECT_EQ(run({"COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"}),
            Reply::Array({Reply::Bulk("a"), Reply::Bulk("b")}));
  EXPECT_EQ(run({"COMMAND", "GETKEYS", "ping", "x"}),
            Reply::Error("ERR The command has no key arguments"));
  EXPECT_EQ(run({"COMMAND", "GETKEYS", "foo", "a"}), Reply::Error("ERR Invalid command specified"));
  EXPECT_EQ(run({"COMMAND", "GETKEYS", "get", "a", "b"}),
            Reply::Error("ERR Invalid number of arguments specified for command"));
  EXPECT_EQ(run({"COMMAND", "FOO"}),
            Reply::Error("ERR unknown subcommand 'FOO'. Try COMMAND HELP."));
  EXPECT_EQ(run({"COMMAND", "LIST", "x"}), Reply::Error("ERR syntax error"));
  EXPECT_EQ(run({"COMMAND", "LIST", "FILTERBY", "module", "x"}), Reply::Array());
}

TEST(Command, CommandDocs) {
  Reply docs = run({"COMMAND", "DOCS", "get", "nope"});
  ASSERT_EQ(docs.type(), Reply::Type::kMap);
  ASSERT_EQ(docs.items().size(), 2u);  // unknown names are left out
  EXPECT_EQ(docs.items()[0], Reply::Bulk("get"));
  const auto& fields = docs.items()[1].items();
  ASSERT_GE(fields.size(), 6u);
  EXPECT_EQ(fields[0], Reply::Bulk("summary"));
  EXPECT_EQ(fields[1], Reply::Bulk("Get the value of a key"));
  EXPECT_EQ(fields[2], Reply::Bulk("since"));
  EXPECT_EQ(fields[4], Reply::Bulk("group"));
  EXPECT_EQ(fields[5], Reply::Bulk("string"));
}

}  // namespace
}  // namespace seshat::admin
