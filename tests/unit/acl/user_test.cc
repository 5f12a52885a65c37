// ACL users: rules in, ACL LIST's text out, and the permission check. Expected texts and
// digests were taken from Debian's redis-server 7.0 where both describe a user the same way.
#include "acl/user.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "kv/command.h"

namespace seshat::acl {
namespace {

// The digest Redis shows for the password "pw".
constexpr std::string_view kPwHash =
    "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4";

User make(std::string name, std::initializer_list<std::string_view> rules) {
  User user(std::move(name));
  for (std::string_view rule : rules) {
    EXPECT_EQ(user.apply(rule), "") << rule;
  }
  return user;
}

// "" when the user may run the command; "command:<name>" or "key:<key>" otherwise.
std::string verdict(const User& user, kv::Argv argv) {
  const kv::CommandSpec* spec = kv::find_command(argv[0]);
  EXPECT_NE(spec, nullptr) << argv[0];
  if (spec == nullptr) return "unknown";
  auto denial = user.check(*spec, argv);
  if (!denial) return "";
  return (denial->kind == Denial::Kind::kCommand ? "command:" : "key:") + denial->what;
}

TEST(AclUser, TheDefaultUserMayDoEverythingWithoutAPassword) {
  const User user = User::default_user();
  EXPECT_EQ(user.describe(), "user default on nopass ~* &* +@all");
  EXPECT_TRUE(user.password_matches("anything"));
  EXPECT_EQ(verdict(user, {"flushall"}), "");
  EXPECT_EQ(verdict(user, {"config", "set", "x", "y"}), "");
  EXPECT_EQ(user.key_rules(), "~*");
  EXPECT_EQ(user.channel_rules(), "&*");
  EXPECT_EQ(user.flags(), (std::vector<std::string>{"on", "nopass"}));
}

TEST(AclUser, ANewUserIsOffAndMayDoNothing) {
  const User user("bob");
  EXPECT_EQ(user.describe(), "user bob off resetchannels -@all");
  EXPECT_FALSE(user.enabled());
  EXPECT_FALSE(user.password_matches(""));
  EXPECT_EQ(verdict(user, {"get", "k"}), "command:get");
  // AUTH, HELLO, QUIT and RESET need no permission: a client must be able to log in.
  EXPECT_EQ(verdict(user, {"auth", "bob", "pw"}), "");
  EXPECT_EQ(user.key_rules(), "");
  EXPECT_EQ(user.channel_rules(), "");
}

TEST(AclUser, PasswordsAreKeptAsSha256) {
  User user = make("alice", {"on", ">pw"});
  EXPECT_EQ(password_hash("pw"), kPwHash);
  EXPECT_EQ(user.password_hashes(), std::vector<std::string>{std::string(kPwHash)});
  EXPECT_TRUE(user.password_matches("pw"));
  EXPECT_FALSE(user.password_matches("PW"));
  EXPECT_EQ(user.apply(">pw"), "");  // not added twice
  EXPECT_EQ(user.password_hashes().size(), 1u);
  EXPECT_EQ(user.apply("#" + std::string(64, 'a')), "");
  EXPECT_EQ(user.password_hashes().size(), 2u);
  EXPECT_EQ(user.apply("<pw"), "");
  EXPECT_EQ(user.apply("!" + std::string(64, 'a')), "");
  EXPECT_TRUE(user.password_hashes().empty());
  EXPECT_FALSE(user.password_matches("pw"));
  EXPECT_EQ(user.apply("<pw"),
            "The password you are trying to remove from the user does not exist");
  EXPECT_EQ(user.apply("#abc"),
            "The password hash must be exactly 64 characters and contain only lowercase "
            "hexadecimal characters");
  EXPECT_EQ(user.apply("#" + std::string(64, 'A')), user.apply("#abc"));
  EXPECT_EQ(user.apply("nopass"), "");
  EXPECT_TRUE(user.password_matches("whatever"));
  EXPECT_EQ(user.apply(">x"), "");  // a password ends nopass
  EXPECT_FALSE(user.password_matches("whatever"));
  EXPECT_EQ(user.apply("resetpass"), "");
  EXPECT_FALSE(user.password_matches("x"));
}

TEST(AclUser, KeyPatternsLimitWhatCommandsTouch) {
  const User user = make("alice", {"on", ">pw", "~cache:*", "+get", "+@hash", "-hdel"});
  EXPECT_EQ(user.describe(), "user alice on #" + std::string(kPwHash) +
                                 " ~cache:* resetchannels -@all +get +@hash -hdel");
  EXPECT_EQ(verdict(user, {"get", "cache:1"}), "");
  EXPECT_EQ(verdict(user, {"get", "other"}), "key:other");
  EXPECT_EQ(verdict(user, {"set", "cache:1", "v"}), "command:set");
  EXPECT_EQ(verdict(user, {"hset", "cache:h", "f", "v"}), "");
  EXPECT_EQ(verdict(user, {"hdel", "cache:h", "f"}), "command:hdel");
  EXPECT_EQ(verdict(user, {"hmget", "cache:h", "f", "g"}), "");
}

TEST(AclUser, ReadAndWritePatterns) {
  const User user = make("u", {"+@all", "%R~log:*", "%W~out:*", "~both:*", "%R~x", "%W~x"});
  EXPECT_EQ(user.key_rules(), "%R~log:* %W~out:* ~both:* ~x");
  EXPECT_EQ(verdict(user, {"get", "log:1"}), "");
  EXPECT_EQ(verdict(user, {"set", "log:1", "v"}), "key:log:1");  // SET reads and writes
  EXPECT_EQ(verdict(user, {"get", "out:1"}), "key:out:1");
  EXPECT_EQ(verdict(user, {"del", "out:1"}), "");  // DEL only deletes
  // EXISTS neither reads the value nor writes: any pattern that matches will do.
  EXPECT_EQ(verdict(user, {"exists", "out:1"}), "");
  EXPECT_EQ(verdict(user, {"set", "x", "v"}), "");
  // Every key of a multi-key command is checked, counted keys included.
  EXPECT_EQ(verdict(user, {"mget", "log:1", "both:2", "nope"}), "key:nope");
  EXPECT_EQ(verdict(user, {"zunionstore", "out:d", "2", "log:a", "both:b"}), "");
  EXPECT_EQ(verdict(user, {"zunionstore", "out:d", "2", "log:a", "secret"}), "key:secret");
  EXPECT_EQ(verdict(user, {"zunionstore", "log:d", "1", "log:a"}), "key:log:d");
}

TEST(AclUser, KeyAndChannelRuleErrors) {
  User user = make("u", {"allkeys", "allchannels"});
  EXPECT_EQ(user.apply("~x"),
            "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does "
            "not have any effect. Try 'resetkeys' to start with an empty list of patterns");
  EXPECT_EQ(user.apply("&x"),
            "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
            "does not have any effect. Try 'resetchannels' to start with an empty list of "
            "channels");
  EXPECT_EQ(user.apply("resetkeys"), "");
  EXPECT_EQ(user.apply("%X~a"), "Syntax error");
  EXPECT_EQ(user.apply("%RR~a"), "Syntax error");
  EXPECT_EQ(user.apply("~a b"), "Syntax error");
  EXPECT_EQ(user.apply("~"), "");  // an empty pattern is allowed, as in Redis
  EXPECT_EQ(user.key_rules(), "~");
  EXPECT_EQ(user.apply("~*"), "");
  EXPECT_EQ(user.key_rules(), "~*");
  EXPECT_EQ(user.apply("resetchannels"), "");
  EXPECT_EQ(user.apply("&news:*"), "");
  EXPECT_EQ(user.channel_rules(), "&news:*");
}

TEST(AclUser, CommandRules) {
  User all = make("a", {"~*", "+@all", "-flushall"});
  EXPECT_EQ(all.command_rules(), "+@all -flushall");
  EXPECT_EQ(verdict(all, {"flushall"}), "command:flushall");
  EXPECT_EQ(verdict(all, {"get", "k"}), "");
  EXPECT_EQ(all.apply("allcommands"), "");
  EXPECT_EQ(all.command_rules(), "+@all");
  EXPECT_EQ(all.apply("-@dangerous"), "");
  EXPECT_EQ(all.command_rules(), "+@all -@dangerous");
  EXPECT_EQ(verdict(all, {"flushdb"}), "command:flushdb");
  EXPECT_EQ(all.apply("nocommands"), "");
  EXPECT_EQ(all.command_rules(), "-@all");

  // Subcommands: allowed one by one, or with their container.
  User config = make("c", {"+config|get", "+CLIENT"});
  EXPECT_EQ(config.command_rules(), "-@all +config|get +client");
  EXPECT_EQ(verdict(config, {"config", "get", "maxmemory"}), "");
  EXPECT_EQ(verdict(config, {"config", "set", "maxmemory", "0"}), "command:config|set");
  EXPECT_EQ(verdict(config, {"client", "setname", "x"}), "");
  EXPECT_EQ(config.apply("+config"), "");  // replaces the subcommand's rule
  EXPECT_EQ(config.command_rules(), "-@all +client +config");
  EXPECT_EQ(verdict(config, {"config", "set", "maxmemory", "0"}), "");
  EXPECT_EQ(config.apply("-config|set"), "");
  EXPECT_EQ(verdict(config, {"config", "set", "maxmemory", "0"}), "command:config|set");

  // A first argument of an otherwise denied command.
  User first = make("f", {"~*", "+get|x"});
  EXPECT_EQ(first.command_rules(), "-@all +get|x");
  EXPECT_EQ(verdict(first, {"get", "X"}), "");
  EXPECT_EQ(verdict(first, {"get", "y"}), "command:get");

  // A later rule for the same command replaces the earlier one.
  User again = make("g", {"+get", "+set", "-get"});
  EXPECT_EQ(again.command_rules(), "-@all +set -get");
}

TEST(AclUser, CommandRuleErrors) {
  User user("u");
  const std::string unknown = "Unknown command or category name in ACL";
  EXPECT_EQ(user.apply("+nosuchcmd"), unknown);
  EXPECT_EQ(user.apply("+@nosuch"), unknown);
  EXPECT_EQ(user.apply("-get|x"), unknown);
  EXPECT_EQ(user.apply("-config|get|x"), unknown);
  EXPECT_EQ(user.apply("+config|nosuch"), unknown);
  EXPECT_EQ(user.apply("+config|get|x"), "Allowing first-arg of a subcommand is not supported");
  EXPECT_EQ(user.apply("+get|"), "Syntax error");
  EXPECT_EQ(user.apply("badrule"), "Syntax error");
  EXPECT_EQ(user.describe(), "user u off resetchannels -@all");  // nothing half-applied
}

TEST(AclUser, FlagsAndReset) {
  User user = make("u", {"ON", "+@all", "~*", ">pw", "skip-sanitize-payload"});
  EXPECT_EQ(user.flags(), (std::vector<std::string>{"on", "skip-sanitize-payload"}));
  EXPECT_EQ(user.apply("reset"), "");
  EXPECT_EQ(user.describe(), "user u off sanitize-payload resetchannels -@all");
  EXPECT_EQ(user.apply(""), "");  // an empty rule changes nothing
  EXPECT_EQ(user.apply("clearselectors"), "");
}

TEST(AclUser, CategoriesAreRedisOnes) {
  EXPECT_EQ(category_names().size(), 21u);
  EXPECT_EQ(category_names().front(), "keyspace");
  EXPECT_EQ(category_names().back(), "scripting");
  EXPECT_TRUE(is_category("READ"));
  EXPECT_FALSE(is_category("all"));
}

}  // namespace
}  // namespace seshat::acl
