// Pins the whole COMMAND INFO and COMMAND DOCS replies, byte for byte, in RESP3 (where sets
// and maps keep their types) and RESP2. Client libraries route by these key specs and redis-cli
// builds its hints from the docs; moving the command metadata around must not change a byte.
// After a deliberate change (a new command, a corrected summary), regenerate with
//   SESHAT_UPDATE_GOLDEN=1 build/admin_test --gtest_filter='CommandGolden.*'
// and review the diff of tests/unit/admin/golden/ like any other change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "admin/command_docs.h"
#include "protocol/resp_writer.h"

namespace seshat::admin {
namespace {

std::string golden_path(const std::string& name) {
  return std::string(SESHAT_SOURCE_DIR) + "/tests/unit/admin/golden/" + name;
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = golden_path(name);
  const char* update = std::getenv("SESHAT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing (SESHAT_UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  // Not EXPECT_EQ on the whole text: a one-byte change would print two 100 kB strings.
  const std::string want = expected.str();
  size_t at = 0;
  while (at < want.size() && at < actual.size() && want[at] == actual[at]) ++at;
  EXPECT_TRUE(at == want.size() && at == actual.size())
      << name << " differs from " << path << " at byte " << at
      << ":\n  golden: " << want.substr(at >= 60 ? at - 60 : 0, 160)
      << "\n  now:    " << actual.substr(at >= 60 ? at - 60 : 0, 160);
}

std::string both_protocols(const protocol::Reply& reply) {
  return protocol::encode_reply(reply, protocol::ProtocolVersion::kResp3) + "\n----\n" +
         protocol::encode_reply(reply, protocol::ProtocolVersion::kResp2);
}

TEST(CommandGolden, CommandInfoOfEveryCommand) {
  expect_golden("command_info.resp", both_protocols(command_command({"command"})));
}

TEST(CommandGolden, CommandDocsOfEveryCommand) {
  expect_golden("command_docs.resp", both_protocols(command_command({"command", "docs"})));
}

}  // namespace
}  // namespace seshat::admin
