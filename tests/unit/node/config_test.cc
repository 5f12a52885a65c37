// Tests for the node configuration: TOML file, flags, --help and every error path. A bad config
// must never start a node, and its message must name the key a person has to fix.
#include "node/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace seshat::node {
namespace {

using ::testing::HasSubstr;

// A scratch directory removed when the test ends, so runs do not leak files into /tmp.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "seshat_config_test_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Config has no operator== (it is a plain bag of settings); tests compare a full rendering, so a
// key forgotten here shows up as a difference in the failure output rather than silently.
std::string render(const Config& c) {
  std::string out = std::to_string(c.node_id) + "|" + c.client_addr + "|" + c.internal_addr + "|" +
                    c.data_dir + "|" + (c.bootstrap ? "boot" : "noboot") + "|";
  for (const Member& m : c.initial_members) {
    out += std::to_string(m.id) + "=" + m.addr + "@" + m.client_addr + ",";
  }
  out += "|" + c.join_addr + "|" + (c.follower_proxy ? "proxy" : "noproxy") + "|" + c.read_mode;
  for (uint64_t n :
       {c.heartbeat_interval_ms, c.election_timeout_min_ms, c.election_timeout_max_ms,
        c.snapshot_interval_entries, c.snapshot_interval_bytes, c.max_key_size_bytes,
        c.max_value_size_bytes, c.max_concurrent_client_connections, c.request_timeout_secs,
        c.idle_timeout_secs, c.disk_reserve_mb, c.client_output_buffer_limit_mb, c.io_threads,
        c.tombstone_ttl_secs, c.active_expire_interval_ms}) {
    out += "|" + std::to_string(n);
  }
  return out + "|" + c.requirepass + "|" + c.log_level + "|" + c.metrics_addr + "|" +
         c.restore_from + "|" + c.backup_dir + "|" + std::to_string(c.tls_port) + "|" +
         c.tls_cert_file + "|" + c.tls_key_file + "|" + c.tls_ca_cert_file + "|" +
         c.tls_auth_clients + "|" + (c.tls_cluster ? "tls" : "notls");
}

ParseOutcome parse(std::vector<std::string> args) {
  args.insert(args.begin(), "seshat");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return parse_config(static_cast<int>(argv.size()), argv.data());
}

// Parses a TOML document (plus optional extra flags) and expects it to be accepted.
Config parse_toml_ok(const std::string& toml, std::vector<std::string> flags = {}) {
  TempDir dir;
  const std::string file = dir.write("node.toml", toml);
  flags.insert(flags.begin(), {"--config", file});
  ParseOutcome outcome = parse(flags);
  EXPECT_TRUE(outcome.config.has_value()) << outcome.message;
  EXPECT_EQ(outcome.exit_code, 0);
  return outcome.config.value_or(Config{});
}

// Parses a TOML document and expects a refusal; returns the message.
std::string parse_toml_error(const std::string& toml) {
  TempDir dir;
  const std::string file = dir.write("node.toml", toml);
  ParseOutcome outcome = parse({"--config", file});
  EXPECT_FALSE(outcome.config.has_value()) << "accepted:\n" << toml;
  EXPECT_EQ(outcome.exit_code, 2);
  return outcome.message;
}

std::string parse_flags_error(std::vector<std::string> flags) {
  ParseOutcome outcome = parse(std::move(flags));
  EXPECT_FALSE(outcome.config.has_value());
  EXPECT_EQ(outcome.exit_code, 2);
  return outcome.message;
}

constexpr const char* kFullToml = R"(
[node]
id = 2
client_addr = "127.0.0.1:6380"
internal_addr = "127.0.0.1:7380"
data_dir = "/var/lib/seshat/node2"

[cluster]
bootstrap = true
initial_members = [
  { id = 1, addr = "127.0.0.1:7379", client_addr = "127.0.0.1:6379" },
  { id = 2, addr = "127.0.0.1:7380", client_addr = "127.0.0.1:6380" },
  { id = 3, addr = "127.0.0.1:7381" },
]
join_addr = ""
follower_proxy = true
read_mode = "stale"

[raft]
heartbeat_interval_ms = 50
election_timeout_min_ms = 300
election_timeout_max_ms = 600
snapshot_interval_entries = 1234
snapshot_interval_bytes = 4096

[limits]
max_key_size_bytes = 1024
max_value_size_bytes = 2048
max_concurrent_client_connections = 77
request_timeout_secs = 9

[server]
requirepass = "s3cret"
io_threads = 4
tombstone_ttl_secs = 60
active_expire_interval_ms = 250
log_level = "debug"
metrics_addr = "127.0.0.1:9121"

[tls]
tls_port = 6390
tls_cert_file = "/etc/seshat/node.crt"
tls_key_file = "/etc/seshat/node.key"
tls_ca_cert_file = "/etc/seshat/ca.crt"
tls_auth_clients = "optional"
tls_cluster = true
)";

TEST(ConfigDefaults, NoArgumentsIsASingleNodeOnTheDefaultPort) {
  ParseOutcome outcome = parse({});
  ASSERT_TRUE(outcome.config.has_value()) << outcome.message;
  const Config& config = *outcome.config;
  EXPECT_EQ(render(config), render(Config{}));
  EXPECT_EQ(config.node_id, 1u);
  EXPECT_EQ(config.client_addr, "127.0.0.1:6379");
  EXPECT_EQ(config.internal_addr, "127.0.0.1:7379");
  EXPECT_EQ(config.data_dir, "./data");
  EXPECT_TRUE(config.bootstrap);
  EXPECT_TRUE(config.initial_members.empty());
  EXPECT_EQ(config.read_mode, "lease");
  EXPECT_EQ(validate_config(config), "");
}

TEST(ConfigFile, ReadsEveryKey) {
  const Config config = parse_toml_ok(kFullToml);
  EXPECT_EQ(config.node_id, 2u);
  EXPECT_EQ(config.client_addr, "127.0.0.1:6380");
  EXPECT_EQ(config.internal_addr, "127.0.0.1:7380");
  EXPECT_EQ(config.data_dir, "/var/lib/seshat/node2");
  EXPECT_TRUE(config.bootstrap);
  const std::vector<Member> members = {{1, "127.0.0.1:7379", "127.0.0.1:6379"},
                                       {2, "127.0.0.1:7380", "127.0.0.1:6380"},
                                       {3, "127.0.0.1:7381", ""}};
  EXPECT_EQ(config.initial_members, members);
  EXPECT_EQ(config.join_addr, "");
  EXPECT_TRUE(config.follower_proxy);
  EXPECT_EQ(config.read_mode, "stale");
  EXPECT_EQ(config.heartbeat_interval_ms, 50u);
  EXPECT_EQ(config.election_timeout_min_ms, 300u);
  EXPECT_EQ(config.election_timeout_max_ms, 600u);
  EXPECT_EQ(config.snapshot_interval_entries, 1234u);
  EXPECT_EQ(config.snapshot_interval_bytes, 4096u);
  EXPECT_EQ(config.max_key_size_bytes, 1024u);
  EXPECT_EQ(config.max_value_size_bytes, 2048u);
  EXPECT_EQ(config.max_concurrent_client_connections, 77u);
  EXPECT_EQ(config.request_timeout_secs, 9u);
  EXPECT_EQ(config.requirepass, "s3cret");
  EXPECT_EQ(config.io_threads, 4u);
  EXPECT_EQ(config.tombstone_ttl_secs, 60u);
  EXPECT_EQ(config.active_expire_interval_ms, 250u);
  EXPECT_EQ(config.log_level, "debug");
  EXPECT_EQ(config.metrics_addr, "127.0.0.1:9121");
  EXPECT_EQ(config.tls_port, 6390u);
  EXPECT_EQ(config.tls_cert_file, "/etc/seshat/node.crt");
  EXPECT_EQ(config.tls_key_file, "/etc/seshat/node.key");
  EXPECT_EQ(config.tls_ca_cert_file, "/etc/seshat/ca.crt");
  EXPECT_EQ(config.tls_auth_clients, "optional");
  EXPECT_TRUE(config.tls_cluster);
}

TEST(ConfigFile, MissingKeysKeepTheirDefaults) {
  const Config config = parse_toml_ok("[node]\nid = 5\n");
  Config expected;
  expected.node_id = 5;
  EXPECT_EQ(render(config), render(expected));
  EXPECT_EQ(render(parse_toml_ok("")), render(Config{}));
}

TEST(ConfigFile, ArrayOfTablesFormForMembers) {
  const Config config = parse_toml_ok(R"(
[[cluster.initial_members]]
id = 1
addr = "10.0.0.1:7379"
client_addr = "10.0.0.1:6379"
[[cluster.initial_members]]
id = 2
addr = "10.0.0.2:7379"
)");
  const std::vector<Member> members = {{1, "10.0.0.1:7379", "10.0.0.1:6379"},
                                       {2, "10.0.0.2:7379", ""}};
  EXPECT_EQ(config.initial_members, members);
}

TEST(ConfigFile, TheSampleClusterFilesParse) {
  // The files under config/ are what `make cluster` and the docs point people at.
  for (int n = 1; n <= 3; ++n) {
    const std::string path =
        std::string(SESHAT_SOURCE_DIR) + "/config/node" + std::to_string(n) + ".toml";
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    ParseOutcome outcome = parse({"--config", path});
    ASSERT_TRUE(outcome.config.has_value()) << path << ": " << outcome.message;
    const Config& config = *outcome.config;
    EXPECT_EQ(config.node_id, static_cast<uint64_t>(n));
    EXPECT_EQ(config.client_addr, "127.0.0.1:" + std::to_string(6378 + n));
    EXPECT_EQ(config.internal_addr, "127.0.0.1:" + std::to_string(7378 + n));
    EXPECT_EQ(config.data_dir, "./data/node" + std::to_string(n));
    ASSERT_EQ(config.initial_members.size(), 3u);
    for (int m = 1; m <= 3; ++m) {
      const Member& member = config.initial_members[m - 1];
      EXPECT_EQ(member.id, static_cast<uint64_t>(m));
      EXPECT_EQ(member.addr, "127.0.0.1:" + std::to_string(7378 + m));
      EXPECT_EQ(member.client_addr, "127.0.0.1:" + std::to_string(6378 + m));
    }
  }
}

TEST(ConfigFile, TheThreeHostSampleParses) {
  // docs/deploy/seshat-host1.toml: what docs/operations.md tells operators to start from.
  const std::string path = std::string(SESHAT_SOURCE_DIR) + "/docs/deploy/seshat-host1.toml";
  ParseOutcome outcome = parse({"--config", path});
  ASSERT_TRUE(outcome.config.has_value()) << path << ": " << outcome.message;
  const Config& config = *outcome.config;
  EXPECT_EQ(config.initial_members.size(), 3u);
  EXPECT_TRUE(config.follower_proxy);
  EXPECT_TRUE(config.tls_cluster);
  EXPECT_EQ(config.tls_port, 6380u);
  EXPECT_EQ(config.metrics_addr, "10.0.0.11:9121");
  EXPECT_EQ(config.backup_dir, "/var/lib/seshat/backups");
}

TEST(ConfigFlags, EveryKeyHasAFlag) {
  ParseOutcome outcome = parse({"--node-id",
                                "3",
                                "--client-addr",
                                "0.0.0.0:6390",
                                "--internal-addr",
                                "0.0.0.0:7390",
                                "--data-dir",
                                "/tmp/x",
                                "--bootstrap",
                                "true",
                                "--initial-members",
                                "1=h1:7379@h1:6379,2=h2:7379,3=[::1]:7379@[::1]:6379",
                                "--join-addr",
                                "",
                                "--follower-proxy",
                                "--read-mode",
                                "stale",
                                "--heartbeat-interval-ms",
                                "20",
                                "--election-timeout-min-ms",
                                "200",
                                "--election-timeout-max-ms",
                                "400",
                                "--snapshot-interval-entries",
                                "5",
                                "--snapshot-interval-bytes",
                                "6",
                                "--max-key-size-bytes",
                                "7",
                                "--max-value-size-bytes",
                                "8",
                                "--max-concurrent-client-connections",
                                "9",
                                "--request-timeout-secs",
                                "10",
                                "--requirepass",
                                "pw",
                                "--io-threads",
                                "11",
                                "--tombstone-ttl-secs",
                                "12",
                                "--active-expire-interval-ms",
                                "13",
                                "--log-level",
                                "warn"});
  ASSERT_TRUE(outcome.config.has_value()) << outcome.message;
  const Config& config = *outcome.config;
  EXPECT_EQ(config.node_id, 3u);
  EXPECT_EQ(config.client_addr, "0.0.0.0:6390");
  EXPECT_EQ(config.internal_addr, "0.0.0.0:7390");
  EXPECT_EQ(config.data_dir, "/tmp/x");
  EXPECT_TRUE(config.bootstrap);
  const std::vector<Member> members = {
      {1, "h1:7379", "h1:6379"}, {2, "h2:7379", ""}, {3, "[::1]:7379", "[::1]:6379"}};
  EXPECT_EQ(config.initial_members, members);
  EXPECT_EQ(config.join_addr, "");
  EXPECT_TRUE(config.follower_proxy);
  EXPECT_EQ(config.read_mode, "stale");
  EXPECT_EQ(config.heartbeat_interval_ms, 20u);
  EXPECT_EQ(config.election_timeout_min_ms, 200u);
  EXPECT_EQ(config.election_timeout_max_ms, 400u);
  EXPECT_EQ(config.snapshot_interval_entries, 5u);
  EXPECT_EQ(config.snapshot_interval_bytes, 6u);
  EXPECT_EQ(config.max_key_size_bytes, 7u);
  EXPECT_EQ(config.max_value_size_bytes, 8u);
  EXPECT_EQ(config.max_concurrent_client_connections, 9u);
  EXPECT_EQ(config.request_timeout_secs, 10u);
  EXPECT_EQ(config.requirepass, "pw");
  EXPECT_EQ(config.io_threads, 11u);
  EXPECT_EQ(config.tombstone_ttl_secs, 12u);
  EXPECT_EQ(config.active_expire_interval_ms, 13u);
  EXPECT_EQ(config.log_level, "warn");
}

TEST(ConfigFlags, FlagsOverrideTheFile) {
  const Config config =
      parse_toml_ok(kFullToml, {"--node-id", "1", "--read-mode=readindex", "--follower-proxy=false",
                                "--io-threads", "1", "--initial-members", "1=127.0.0.1:7379"});
  EXPECT_EQ(config.node_id, 1u);
  EXPECT_EQ(config.read_mode, "readindex");
  EXPECT_FALSE(config.follower_proxy);
  EXPECT_EQ(config.io_threads, 1u);
  EXPECT_EQ(config.initial_members, (std::vector<Member>{{1, "127.0.0.1:7379", ""}}));
  // Keys without a flag keep the file's value.
  EXPECT_EQ(config.requirepass, "s3cret");
  EXPECT_EQ(config.heartbeat_interval_ms, 50u);
}

TEST(ConfigFlags, BooleanSpellings) {
  for (const char* yes :
       {"--bootstrap", "--bootstrap=true", "--bootstrap=1", "--bootstrap=yes", "--bootstrap=on"}) {
    ParseOutcome outcome = parse({yes});
    ASSERT_TRUE(outcome.config.has_value()) << yes << ": " << outcome.message;
    EXPECT_TRUE(outcome.config->bootstrap) << yes;
  }
  for (const char* no : {"--follower-proxy=false", "--follower-proxy=0", "--follower-proxy=no",
                         "--follower-proxy=off"}) {
    ParseOutcome outcome = parse({no});
    ASSERT_TRUE(outcome.config.has_value()) << no << ": " << outcome.message;
    EXPECT_FALSE(outcome.config->follower_proxy) << no;
  }
  ParseOutcome spaced = parse({"--bootstrap", "false", "--join-addr", "127.0.0.1:7379",
                               "--internal-addr", "127.0.0.1:7390"});
  ASSERT_TRUE(spaced.config.has_value()) << spaced.message;
  EXPECT_FALSE(spaced.config->bootstrap);
}

TEST(ConfigFlags, TheLastOfARepeatedFlagWins) {
  ParseOutcome outcome = parse({"--node-id", "2", "--node-id", "4"});
  ASSERT_TRUE(outcome.config.has_value()) << outcome.message;
  EXPECT_EQ(outcome.config->node_id, 4u);
}

TEST(ConfigHelp, DocumentsEveryKeyItsFlagAndDefault) {
  ParseOutcome outcome = parse({"--help"});
  EXPECT_FALSE(outcome.config.has_value());
  EXPECT_EQ(outcome.exit_code, 0);
  const std::string& help = outcome.message;
  struct Expected {
    const char* label;
    const char* flag;
  };
  const Expected keys[] = {
      {"[node] id", "--node-id"},
      {"[node] client_addr", "--client-addr"},
      {"[node] internal_addr", "--internal-addr"},
      {"[node] data_dir", "--data-dir"},
      {"[cluster] bootstrap", "--bootstrap"},
      {"[cluster] initial_members", "--initial-members"},
      {"[cluster] join_addr", "--join-addr"},
      {"[cluster] follower_proxy", "--follower-proxy"},
      {"[cluster] read_mode", "--read-mode"},
      {"[raft] heartbeat_interval_ms", "--heartbeat-interval-ms"},
      {"[raft] election_timeout_min_ms", "--election-timeout-min-ms"},
      {"[raft] election_timeout_max_ms", "--election-timeout-max-ms"},
      {"[raft] snapshot_interval_entries", "--snapshot-interval-entries"},
      {"[raft] snapshot_interval_bytes", "--snapshot-interval-bytes"},
      {"[limits] max_key_size_bytes", "--max-key-size-bytes"},
      {"[limits] max_value_size_bytes", "--max-value-size-bytes"},
      {"[limits] max_concurrent_client_connections", "--max-concurrent-client-connections"},
      {"[limits] request_timeout_secs", "--request-timeout-secs"},
      {"[server] requirepass", "--requirepass"},
      {"[server] io_threads", "--io-threads"},
      {"[server] tombstone_ttl_secs", "--tombstone-ttl-secs"},
      {"[server] active_expire_interval_ms", "--active-expire-interval-ms"},
      {"[server] log_level", "--log-level"},
  };
  for (const Expected& key : keys) {
    EXPECT_THAT(help, HasSubstr(std::string(key.label) + ", default ")) << key.label;
    EXPECT_THAT(help, HasSubstr(std::string(key.flag) + " ")) << key.flag;
  }
  for (const char* other : {"--config", "--help", "--version", "id=addr[@client_addr]",
                            "[node] client_addr, default \"127.0.0.1:6379\"",
                            "[raft] election_timeout_min_ms, default 500"}) {
    EXPECT_THAT(help, HasSubstr(other));
  }
  EXPECT_EQ(parse({"-h"}).message, help);
}

TEST(ConfigHelp, Version) {
  ParseOutcome outcome = parse({"--version"});
  EXPECT_FALSE(outcome.config.has_value());
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_THAT(outcome.message, HasSubstr("seshat "));
}

// ---- errors in the file -------------------------------------------------------------------

TEST(ConfigFileErrors, UnreadableFile) {
  TempDir dir;
  const std::string missing = dir.path() + "/nope.toml";
  const std::string message = parse_flags_error({"--config", missing});
  EXPECT_THAT(message, HasSubstr("cannot read " + missing));
  EXPECT_THAT(message, HasSubstr("No such file"));
  EXPECT_THAT(parse_flags_error({"--config", dir.path()}), HasSubstr("cannot read"));
}

TEST(ConfigFileErrors, SyntaxErrorGivesTheLine) {
  const std::string message = parse_toml_error("[node]\nid = 1\nclient_addr = \"oops\n");
  EXPECT_THAT(message, HasSubstr("node.toml:3:"));
  EXPECT_THAT(message, HasSubstr("TOML syntax error"));
  EXPECT_THAT(parse_toml_error("[node]\nid = 1\nid = 2\n"), HasSubstr("node.toml:3:"));
}

TEST(ConfigFileErrors, UnknownSectionOrKey) {
  EXPECT_THAT(parse_toml_error("[nodes]\nid = 1\n"), HasSubstr("unknown section [nodes]"));
  EXPECT_THAT(parse_toml_error("[raft]\nheartbeat_ms = 10\n"),
              HasSubstr("node.toml:2: unknown key \"heartbeat_ms\" in [raft]"));
  EXPECT_THAT(parse_toml_error("id = 1\n"), HasSubstr("unknown top-level key \"id\""));
  // A key that exists, but in another section, is still unknown where it was written.
  EXPECT_THAT(parse_toml_error("[server]\ndata_dir = \"x\"\n"),
              HasSubstr("unknown key \"data_dir\" in [server]"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 1, addr = \"a:1\", port = 2}]"),
              HasSubstr("unknown key \"port\" in [cluster] initial_members[0]"));
}

TEST(ConfigFileErrors, WrongTypes) {
  EXPECT_THAT(parse_toml_error("[node]\nid = \"one\"\n"),
              HasSubstr("node.toml:2: [node] id must be an integer, got a string"));
  EXPECT_THAT(parse_toml_error("[node]\nclient_addr = 6379\n"),
              HasSubstr("[node] client_addr must be a string, got an integer"));
  EXPECT_THAT(parse_toml_error("[cluster]\nbootstrap = \"yes\"\n"),
              HasSubstr("[cluster] bootstrap must be true or false, got a string"));
  EXPECT_THAT(parse_toml_error("[raft]\nheartbeat_interval_ms = 1.5\n"),
              HasSubstr("[raft] heartbeat_interval_ms must be an integer, got a float"));
  EXPECT_THAT(parse_toml_error("[limits]\nrequest_timeout_secs = -1\n"),
              HasSubstr("[limits] request_timeout_secs must not be negative, got -1"));
  EXPECT_THAT(parse_toml_error("node = 1\n"), HasSubstr("[node] must be a table"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = \"1=a:1\"\n"),
              HasSubstr("[cluster] initial_members must be an array"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [1]\n"),
              HasSubstr("[cluster] initial_members[0] must be a table"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 1}]\n"),
              HasSubstr("[cluster] initial_members[0] needs both id and addr"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = \"1\", addr = \"a:1\"}]\n"),
              HasSubstr("[cluster] initial_members[0].id must be a non-negative integer"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 1, addr = 7379}]\n"),
              HasSubstr("[cluster] initial_members[0].addr must be a string, got an integer"));
}

TEST(ConfigFileErrors, OutOfRangeValuesNameTheKey) {
  EXPECT_THAT(
      parse_toml_error("[raft]\nelection_timeout_min_ms = 1000\nelection_timeout_max_ms = 1000\n"),
      HasSubstr(
          "config: [raft] election_timeout_min_ms must be less than election_timeout_max_ms"));
  EXPECT_THAT(parse_toml_error("[raft]\nheartbeat_interval_ms = 500\n"),
              HasSubstr("config: [raft] heartbeat_interval_ms must be less than "
                        "election_timeout_min_ms"));
  EXPECT_THAT(parse_toml_error("[node]\nid = 0\n"),
              HasSubstr("config: [node] id must be at least 1, got 0 (flag --node-id)"));
  EXPECT_THAT(parse_toml_error("[server]\nio_threads = 0\n"),
              HasSubstr("[server] io_threads must be at least 1"));
  EXPECT_THAT(parse_toml_error("[server]\nio_threads = 5000\n"),
              HasSubstr("[server] io_threads must be at most 1024"));
  for (const char* key :
       {"[raft]\nsnapshot_interval_entries", "[raft]\nsnapshot_interval_bytes",
        "[limits]\nmax_key_size_bytes", "[limits]\nmax_value_size_bytes",
        "[limits]\nmax_concurrent_client_connections", "[limits]\nrequest_timeout_secs",
        "[server]\nactive_expire_interval_ms"}) {
    EXPECT_THAT(parse_toml_error(std::string(key) + " = 0\n"), HasSubstr("must be at least 1"))
        << key;
  }
  EXPECT_EQ(parse_toml_ok("[server]\ntombstone_ttl_secs = 0\n").tombstone_ttl_secs, 0u);
}

TEST(ConfigFileErrors, Addresses) {
  EXPECT_THAT(parse_toml_error("[node]\nclient_addr = \"127.0.0.1:abc\"\n"),
              HasSubstr("config: [node] client_addr must be host:port with a numeric port, got "
                        "\"127.0.0.1:abc\" (flag --client-addr)"));
  EXPECT_THAT(parse_toml_error("[node]\ninternal_addr = \"localhost\"\n"),
              HasSubstr("[node] internal_addr must be host:port"));
  EXPECT_THAT(parse_toml_error("[node]\nclient_addr = \"h:70000\"\n"),
              HasSubstr("[node] client_addr must have a port from 1 to 65535"));
  EXPECT_THAT(parse_toml_error("[node]\nclient_addr = \":6379\"\n"),
              HasSubstr("[node] client_addr must be host:port with a host"));
  EXPECT_THAT(parse_toml_error("[node]\nclient_addr = \"::1:6379\"\n"),
              HasSubstr("[node] client_addr must put an IPv6 host in brackets"));
  EXPECT_THAT(parse_toml_error("[node]\nclient_addr = \"127.0.0.1:7379\"\n"),
              HasSubstr("[node] internal_addr must differ from [node] client_addr"));
  EXPECT_THAT(parse_toml_error("[cluster]\nbootstrap = false\njoin_addr = \"x\"\n"),
              HasSubstr("[cluster] join_addr must be host:port"));
  EXPECT_EQ(parse_toml_ok("[node]\nclient_addr = \"[::1]:6379\"\n").client_addr, "[::1]:6379");
}

TEST(ConfigFileErrors, ClusterRules) {
  EXPECT_THAT(
      parse_toml_error("[cluster]\nread_mode = \"fast\"\n"),
      HasSubstr("config: [cluster] read_mode must be \"lease\", \"readindex\" or \"stale\", got "
                "\"fast\""));
  EXPECT_THAT(parse_toml_error("[node]\nrestore_from = \"b\"\n[cluster]\nbootstrap = false\n"
                               "join_addr = \"127.0.0.1:7380\"\n"),
              HasSubstr("[node] restore_from starts a new cluster, so [cluster] join_addr must "
                        "be empty"));
  EXPECT_THAT(parse_toml_error("[cluster]\njoin_addr = \"127.0.0.1:7380\"\n"),
              HasSubstr("[cluster] join_addr is set, so [cluster] bootstrap must be false"));
  EXPECT_EQ(
      parse_toml_ok("[cluster]\nbootstrap = false\njoin_addr = \"127.0.0.1:7380\"\n").join_addr,
      "127.0.0.1:7380");
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 2, addr = \"h:7379\"}]\n"),
              HasSubstr("[cluster] initial_members must include this node's id 1"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 1, addr = \"h:1\"}, "
                               "{id = 1, addr = \"h:2\"}]\n"),
              HasSubstr("[cluster] initial_members lists id 1 twice"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 1, addr = \"h:1\"}, "
                               "{id = 2, addr = \"h:1\"}]\n"),
              HasSubstr("[cluster] initial_members lists addr \"h:1\" twice"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 0, addr = \"h:1\"}]\n"),
              HasSubstr("[cluster] initial_members has a member with id 0"));
  EXPECT_THAT(parse_toml_error("[cluster]\ninitial_members = [{id = 1, addr = \"h\"}]\n"),
              HasSubstr("[cluster] initial_members member 1 addr must be host:port"));
  EXPECT_THAT(
      parse_toml_error(
          "[cluster]\ninitial_members = [{id = 1, addr = \"h:1\", client_addr = \"h:x\"}]\n"),
      HasSubstr("[cluster] initial_members member 1 client_addr must be host:port"));
  EXPECT_THAT(parse_toml_error("[server]\nlog_level = \"loud\"\n"),
              HasSubstr("[server] log_level must be one of"));
  EXPECT_THAT(parse_toml_error("[node]\ndata_dir = \"\"\n"),
              HasSubstr("[node] data_dir must not be empty"));
  // Not a member yet, so it is fine not to be listed.
  EXPECT_TRUE(parse_toml_ok("[cluster]\nbootstrap = false\ninitial_members = [{id = 2, addr = "
                            "\"h:7379\"}]\n")
                  .initial_members.size() == 1);
}

TEST(ConfigFileErrors, TlsRules) {
  const std::string files =
      "tls_cert_file = \"n.crt\"\ntls_key_file = \"n.key\"\ntls_ca_cert_file = \"ca.crt\"\n";
  const Config tls = parse_toml_ok("[tls]\ntls_port = 6380\ntls_cluster = true\n" + files);
  EXPECT_EQ(tls.tls_port, 6380u);
  EXPECT_TRUE(tls.tls_cluster);
  EXPECT_EQ(tls.tls_ca_cert_file, "ca.crt");
  EXPECT_EQ(tls.tls_auth_clients, "yes");  // Redis's default
  EXPECT_THAT(parse_toml_error("[tls]\ntls_port = 6380\n"),
              HasSubstr("config: [tls] tls_cert_file must be set when tls_port is (flag "
                        "--tls-cert-file)"));
  EXPECT_THAT(parse_toml_error("[tls]\ntls_cluster = true\ntls_cert_file = \"c\"\n"),
              HasSubstr("[tls] tls_key_file must be set when tls_cluster is"));
  EXPECT_THAT(
      parse_toml_error("[tls]\ntls_port = 6380\ntls_cert_file = \"c\"\ntls_key_file = \"k\"\n"),
      HasSubstr("[tls] tls_ca_cert_file must be set when tls_auth_clients is not \"no\""));
  EXPECT_EQ(parse_toml_ok("[tls]\ntls_port = 6380\ntls_auth_clients = \"no\"\n"
                          "tls_cert_file = \"c\"\ntls_key_file = \"k\"\n")
                .tls_ca_cert_file,
            "");
  EXPECT_THAT(parse_toml_error("[tls]\ntls_auth_clients = \"maybe\"\n"),
              HasSubstr("[tls] tls_auth_clients must be \"yes\", \"no\" or \"optional\""));
  EXPECT_THAT(parse_toml_error("[tls]\ntls_port = 6379\n" + files),
              HasSubstr("[tls] tls_port must differ from [node] client_addr's port"));
  EXPECT_THAT(parse_toml_error("[tls]\ntls_port = 70000\n" + files),
              HasSubstr("[tls] tls_port must be at most 65535"));
}

// ---- errors in flags ----------------------------------------------------------------------

TEST(ConfigFlagErrors, BadValuesNameTheFlag) {
  EXPECT_THAT(parse_flags_error({"--node-id", "abc"}),
              HasSubstr("config: --node-id must be a non-negative integer, got \"abc\""));
  EXPECT_THAT(parse_flags_error({"--heartbeat-interval-ms", "-5"}),
              HasSubstr("--heartbeat-interval-ms must be a non-negative integer"));
  EXPECT_THAT(parse_flags_error({"--io-threads", "99999999999999999999999"}),
              HasSubstr("--io-threads must be a non-negative integer"));
  EXPECT_THAT(parse_flags_error({"--bootstrap=maybe"}),
              HasSubstr("--bootstrap must be true or false, got \"maybe\""));
  EXPECT_THAT(
      parse_flags_error({"--read-mode", "fast"}),
      HasSubstr("read_mode must be \"lease\", \"readindex\" or \"stale\", got \"fast\" (flag "
                "--read-mode)"));
  EXPECT_THAT(parse_flags_error({"--client-addr", "127.0.0.1:x"}),
              HasSubstr("(flag --client-addr)"));
  EXPECT_THAT(parse_flags_error({"--election-timeout-min-ms", "2000"}),
              HasSubstr("--election-timeout-min-ms"));
  EXPECT_THAT(parse_flags_error({"--io-threads", "0"}), HasSubstr("(flag --io-threads)"));
}

TEST(ConfigFlagErrors, InitialMembersFormat) {
  EXPECT_THAT(parse_flags_error({"--initial-members", "127.0.0.1:7379"}),
              HasSubstr("--initial-members: entry \"127.0.0.1:7379\" must be id=addr"));
  EXPECT_THAT(parse_flags_error({"--initial-members", "x=h:1"}),
              HasSubstr("--initial-members: entry \"x=h:1\" must start with a numeric id"));
  EXPECT_THAT(parse_flags_error({"--initial-members", "1=h:1,"}),
              HasSubstr("--initial-members: entry \"\" must be id=addr"));
  EXPECT_THAT(parse_flags_error({"--initial-members", "1=h:1@h:y"}),
              HasSubstr("member 1 client_addr must be host:port with a numeric port"));
  ParseOutcome empty = parse({"--initial-members", ""});
  ASSERT_TRUE(empty.config.has_value()) << empty.message;
  EXPECT_TRUE(empty.config->initial_members.empty());
}

TEST(ConfigFlagErrors, UnknownOrIncompleteFlags) {
  EXPECT_THAT(parse_flags_error({"--nodeid", "1"}), HasSubstr("--nodeid"));
  EXPECT_THAT(parse_flags_error({"--node-id"}), HasSubstr("--node-id"));
  EXPECT_THAT(parse_flags_error({"stray"}), HasSubstr("stray"));
  EXPECT_THAT(parse_flags_error({"--config"}), HasSubstr("--config"));
}

TEST(ConfigValidate, AcceptsTheDefaultsAndNamesTheKey) {
  EXPECT_EQ(validate_config(Config{}), "");
  Config config;
  config.election_timeout_max_ms = config.election_timeout_min_ms;
  EXPECT_THAT(validate_config(config),
              HasSubstr("config: [raft] election_timeout_min_ms must be less than "
                        "election_timeout_max_ms"));
}

}  // namespace
}  // namespace seshat::node
