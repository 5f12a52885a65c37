// kv::Service: what it refuses before anything runs, and what it hands to the log.
#include "kv/service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace seshat::kv {
namespace {

using protocol::Reply;

// Records every operation and how it was handed over; answers as a node with one voter would.
class FakeLog : public OperationLog {
 public:
  void propose(Operation op, Done done) override {
    proposed.push_back(std::move(op));
    done(Reply::Ok());
  }
  void read(Operation op, Done done) override {
    read_in_order.push_back(std::move(op));
    done(Reply::Bulk("in order"));
  }
  std::optional<Reply> read_locally(const Operation& op) override {
    if (!serves_locally) return std::nullopt;
    read_at_once.push_back(op);
    return Reply::Bulk("at once");
  }
  int64_t proposal_time_ms() override { return ++clock; }
  uint64_t watch_version(std::string_view key, int64_t now_ms) override {
    watched_at = now_ms;
    return key == "k" ? 42 : 0;
  }
  std::shared_ptr<const storage::AclTable> acl_table() override { return acl; }
  uint64_t acl_generation() override { return 7; }
  std::vector<uint64_t> space_alarms() override { return alarms; }

  bool serves_locally = false;
  std::vector<uint64_t> alarms;
  std::shared_ptr<const storage::AclTable> acl =
      std::make_shared<const storage::AclTable>(storage::AclTable{3, "user default on"});
  int64_t clock = 1000;
  int64_t watched_at = 0;
  std::vector<Operation> proposed, read_in_order, read_at_once;
};

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : service_(log_, Limits{.max_key_size_bytes = 4, .max_value_size_bytes = 8}) {}
  FakeLog log_;
  Service service_;
};

TEST_F(ServiceTest, RefusesWhatRedisRefusesBeforeRunning) {
  EXPECT_EQ(service_.find({"nope"}), nullptr);
  EXPECT_EQ(service_.refusal(service_.find({"nope", "a"}), {"nope", "a"}),
            "ERR unknown command 'nope', with args beginning with: 'a' ");
  const Argv get = {"GET"};
  EXPECT_EQ(service_.refusal(service_.find(get), get),
            "ERR wrong number of arguments for 'get' command");
  const Argv sub = {"CONFIG", "NOPE"};
  EXPECT_EQ(service_.refusal(service_.find(sub), sub),
            "ERR unknown subcommand 'NOPE'. Try CONFIG HELP.");
  const Argv ok = {"get", "k"};
  EXPECT_EQ(service_.refusal(service_.find(ok), ok), "");
}

TEST_F(ServiceTest, SizeLimitsApplyToWritesOnly) {
  const CommandSpec& set = *service_.find({"set"});
  EXPECT_EQ(service_.over_limits(set, {"set", "k", "v"}), std::nullopt);
  EXPECT_EQ(service_.over_limits(set, {"set", "kkkkk", "v"}),
            "ERR key is larger than max_key_size_bytes (4 bytes)");
  EXPECT_EQ(service_.over_limits(set, {"set", "k", "vvvvvvvvv"}),
            "ERR value is larger than max_value_size_bytes (8 bytes)");
  const CommandSpec& get = *service_.find({"get"});
  EXPECT_EQ(service_.over_limits(get, {"get", "kkkkkkkkkk"}), std::nullopt);
}

TEST_F(ServiceTest, WritesAreProposedWithTheLogsClock) {
  std::vector<Reply> replies;
  service_.write({"set", "k", "v"}, [&](absl::StatusOr<Reply> r) { replies.push_back(*r); });
  ASSERT_EQ(log_.proposed.size(), 1u);
  EXPECT_EQ(log_.proposed[0].kind, Operation::Kind::kCommand);
  EXPECT_EQ(log_.proposed[0].now_ms, 1001);
  EXPECT_EQ(log_.proposed[0].commands, (std::vector<Argv>{{"set", "k", "v"}}));
  EXPECT_EQ(replies, std::vector<Reply>{Reply::Ok()});
}

TEST_F(ServiceTest, ReadsRunAtOnceOnlyWithNothingInFlight) {
  log_.serves_locally = true;
  int slots = 0;
  const Service::Later later = [&slots]() -> Service::Done {
    ++slots;
    return [](absl::StatusOr<Reply>) {};
  };
  EXPECT_EQ(service_.read({"get", "k"}, /*nothing_in_flight=*/true, later), Reply::Bulk("at once"));
  EXPECT_EQ(slots, 0);  // no reply slot taken for an answer given at once
  EXPECT_EQ(service_.read({"get", "k"}, /*nothing_in_flight=*/false, later), std::nullopt);
  EXPECT_EQ(slots, 1);
  EXPECT_EQ(log_.read_at_once.size(), 1u);
  EXPECT_EQ(log_.read_in_order.size(), 1u);
}

TEST_F(ServiceTest, TransactionsThatWriteNothingAreReads) {
  const auto ignore = [](absl::StatusOr<Reply>) {};
  service_.transaction({{"get", "a"}, {"exists", "b"}}, {{"k", 42}}, ignore);
  ASSERT_EQ(log_.read_in_order.size(), 1u);
  EXPECT_EQ(log_.read_in_order[0].kind, Operation::Kind::kTransaction);
  EXPECT_EQ(log_.read_in_order[0].watches,
            (std::vector<std::pair<std::string, uint64_t>>{{"k", 42}}));
  service_.transaction({{"get", "a"}, {"incr", "b"}}, {}, ignore);
  ASSERT_EQ(log_.proposed.size(), 1u);
  EXPECT_EQ(log_.proposed[0].commands.size(), 2u);
}

TEST_F(ServiceTest, ANoSpaceAlarmRefusesWhatMayAddDataOnly) {
  const CommandSpec& set = *find_command("set");
  const CommandSpec& del = *find_command("del");
  const CommandSpec& get = *find_command("get");
  EXPECT_EQ(service_.over_limits(set, {"set", "k", "v"}), std::nullopt);
  log_.alarms = {2};
  EXPECT_EQ(service_.over_limits(set, {"set", "k", "v"}),
            "NOSPACE free disk space is below the reserve on node 2: commands that may add data "
            "are refused until space is freed (reads and deletes still work)");
  log_.alarms = {1, 3};
  auto refused = service_.over_limits(*find_command("rpush"), {"rpush", "l", "x"});
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("on nodes 1, 3:"), std::string::npos) << *refused;
  // Deletes, pops and reads are what frees space or needs none.
  EXPECT_EQ(service_.over_limits(del, {"del", "k"}), std::nullopt);
  EXPECT_EQ(service_.over_limits(*find_command("lpop"), {"lpop", "l"}), std::nullopt);
  EXPECT_EQ(service_.over_limits(get, {"get", "k"}), std::nullopt);
}

TEST_F(ServiceTest, WatchReadsTheVersionNow) {
  EXPECT_EQ(service_.watch_version("k"), 42u);
  EXPECT_GT(log_.watched_at, 1600000000000);  // wall-clock milliseconds
}

TEST_F(ServiceTest, AnAclChangeIsProposedAgainstTheVersionItWasComputedFrom) {
  EXPECT_EQ(service_.acl_table()->text, "user default on");
  EXPECT_EQ(service_.acl_generation(), 7u);
  Reply reply = Reply::Error("not called");
  service_.set_acl(3, "user default off", [&](absl::StatusOr<Reply> r) { reply = *r; });
  EXPECT_EQ(reply, Reply::Ok());
  ASSERT_EQ(log_.proposed.size(), 1u);
  const Operation& op = log_.proposed[0];
  EXPECT_EQ(op.kind, Operation::Kind::kSetAcl);
  EXPECT_EQ(op.now_ms, 1001);
  EXPECT_EQ(op.commands, std::vector<Argv>{Argv{"user default off"}});
  EXPECT_EQ(op.watches, (std::vector<std::pair<std::string, uint64_t>>{{"", 3}}));
  EXPECT_EQ(decode_operation(encode_operation(op)), op);
}

}  // namespace
}  // namespace seshat::kv
