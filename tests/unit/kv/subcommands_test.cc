// The subcommand tables of the container commands: Redis checks a subcommand's name, then its
// arity, before running anything, and names it "container|sub" in errors.
#include "kv/subcommands.h"

#include <gtest/gtest.h>

namespace seshat::kv {
namespace {

TEST(Subcommands, ChecksNameThenArity) {
  EXPECT_EQ(subcommand_error({"CLIENT", "FOO"}), "ERR unknown subcommand 'FOO'. Try CLIENT HELP.");
  EXPECT_EQ(subcommand_error({"client", "SETNAME"}),
            "ERR wrong number of arguments for 'client|setname' command");
  EXPECT_EQ(subcommand_error({"client", "id", "x"}),
            "ERR wrong number of arguments for 'client|id' command");
  EXPECT_EQ(subcommand_error({"COMMAND", "COUNT", "x"}),
            "ERR wrong number of arguments for 'command|count' command");
  EXPECT_EQ(subcommand_error({"config", "get"}),
            "ERR wrong number of arguments for 'config|get' command");
  EXPECT_EQ(subcommand_error({"cluster", "FOO"}),
            "ERR unknown subcommand 'FOO'. Try CLUSTER HELP.");
  EXPECT_EQ(subcommand_error({"cluster", "slots", "x"}),
            "ERR wrong number of arguments for 'cluster|slots' command");
  EXPECT_EQ(subcommand_error({"client", "setname", "x"}), "");
  EXPECT_EQ(subcommand_error({"get", "x"}), "");
  EXPECT_EQ(subcommand_error({"command"}), "");
}

}  // namespace
}  // namespace seshat::kv
