#include "kv/subcommands.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "kv/ascii.h"
#include "kv/errors.h"

namespace seshat::kv {

namespace {

// Metadata as Redis 7.0.15 reports it in COMMAND INFO and COMMAND DOCS (generated from a live
// redis-server), except SETINFO and NO-TOUCH which arrived in Redis 7.2 and that current client
// libraries send on connect.
std::vector<CommandSpec> client_subcommands() {
  return {
      {.name = "client|id",
       .arity = 2,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Returns the client ID for the current connection",
       .since = "5.0.0",
       .complexity = "O(1)"},
      {.name = "client|info",
       .arity = 2,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Returns information about the current client connection.",
       .since = "6.2.0",
       .tips = {"nondeterministic_output"},
       .complexity = "O(1)"},
      {.name = "client|setname",
       .arity = 3,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Set the current connection name",
       .since = "2.6.9",
       .complexity = "O(1)",
       .arguments = {{.name = "connection-name", .type = "string"}}},
      {.name = "client|getname",
       .arity = 2,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Get the current connection name",
       .since = "2.6.9",
       .complexity = "O(1)"},
      {.name = "client|kill",
       .arity = -3,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Kill the connection of a client",
       .since = "2.4.0",
       .complexity = "O(N) where N is the number of client connections",
       .arguments =
           {{.name = "filter",
             .type = "oneof",
             .arguments =
                 {{.name = "ip:port", .type = "string"},
                  {.name = "new-format",
                   .type = "oneof",
                   .flags = kArgMultiple,
                   .arguments =
                       {{.name = "client-id",
                         .type = "integer",
                         .token = "ID",
                         .since = "2.8.12",
                         .flags = kArgOptional},
                        {.name = "normal_master_slave_pubsub",
                         .type = "oneof",
                         .token = "TYPE",
                         .since = "2.8.12",
                         .flags = kArgOptional,
                         .arguments =
                             {{.name = "normal", .type = "pure-token", .token = "NORMAL"},
                              {.name = "master", .type = "pure-token", .token = "MASTER"},
                              {.name = "slave", .type = "pure-token", .token = "SLAVE"},
                              {.name = "replica", .type = "pure-token", .token = "REPLICA"},
                              {.name = "pubsub", .type = "pure-token", .token = "PUBSUB"}}},
                        {.name = "username",
                         .type = "string",
                         .token = "USER",
                         .flags = kArgOptional},
                        {.name = "ip:port",
                         .type = "string",
                         .token = "ADDR",
                         .flags = kArgOptional},
                        {.name = "ip:port",
                         .type = "string",
                         .token = "LADDR",
                         .since = "6.2.0",
                         .flags = kArgOptional},
                        {.name = "yes/no",
                         .type = "string",
                         .token = "SKIPME",
                         .flags = kArgOptional}}}}}}},
      {.name = "client|list",
       .arity = -2,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Get the list of client connections",
       .since = "2.4.0",
       .tips = {"nondeterministic_output"},
       .complexity = "O(N) where N is the number of client connections",
       .arguments =
           {{.name = "normal_master_replica_pubsub",
             .type = "oneof",
             .token = "TYPE",
             .since = "5.0.0",
             .flags = kArgOptional,
             .arguments = {{.name = "normal", .type = "pure-token", .token = "NORMAL"},
                           {.name = "master", .type = "pure-token", .token = "MASTER"},
                           {.name = "replica", .type = "pure-token", .token = "REPLICA"},
                           {.name = "pubsub", .type = "pure-token", .token = "PUBSUB"}}},
            {.name = "id",
             .type = "block",
             .token = "ID",
             .since = "6.2.0",
             .flags = kArgOptional,
             .arguments = {{.name = "client-id", .type = "integer", .flags = kArgMultiple}}}}},
      {.name = "client|no-evict",
       .arity = 3,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Set client eviction mode for the current connection",
       .since = "7.0.0",
       .complexity = "O(1)",
       .arguments = {{.name = "enabled",
                      .type = "oneof",
                      .arguments = {{.name = "on", .type = "pure-token", .token = "ON"},
                                    {.name = "off", .type = "pure-token", .token = "OFF"}}}}},
      {.name = "client|reply",
       .arity = 3,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Instruct the server whether to reply to commands",
       .since = "3.2.0",
       .complexity = "O(1)",
       .arguments = {{.name = "on_off_skip",
                      .type = "oneof",
                      .arguments = {{.name = "on", .type = "pure-token", .token = "ON"},
                                    {.name = "off", .type = "pure-token", .token = "OFF"},
                                    {.name = "skip", .type = "pure-token", .token = "SKIP"}}}}},
      {.name = "client|unblock",
       .arity = -3,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Unblock a client blocked in a blocking command from a different connection",
       .since = "5.0.0",
       .complexity = "O(log N) where N is the number of client connections",
       .arguments = {{.name = "client-id", .type = "integer"},
                     {.name = "timeout_error",
                      .type = "oneof",
                      .flags = kArgOptional,
                      .arguments = {{.name = "timeout", .type = "pure-token", .token = "TIMEOUT"},
                                    {.name = "error", .type = "pure-token", .token = "ERROR"}}}}},
      {.name = "client|help",
       .arity = 2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Show helpful text about the different subcommands",
       .since = "5.0.0",
       .complexity = "O(1)"},
      {.name = "client|setinfo",
       .arity = 4,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Set client or connection specific info",
       .since = "7.2.0",
       .complexity = "O(1)",
       .arguments = {{.name = "attr",
                      .type = "oneof",
                      .arguments = {{.name = "libname", .type = "string", .token = "LIB-NAME"},
                                    {.name = "libver", .type = "string", .token = "LIB-VER"}}}}},
      {.name = "client|no-touch",
       .arity = 3,
       .flags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "connection",
       .summary = "Controls whether commands sent by the client will alter the LRU/LFU of the keys "
                  "they access.",
       .since = "7.2.0",
       .complexity = "O(1)",
       .arguments = {{.name = "enabled",
                      .type = "oneof",
                      .arguments = {{.name = "on", .type = "pure-token", .token = "ON"},
                                    {.name = "off", .type = "pure-token", .token = "OFF"}}}}},
  };
}

std::vector<CommandSpec> command_subcommands() {
  return {
      {.name = "command|count",
       .arity = 2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Get total number of Redis commands",
       .since = "2.8.13",
       .acl_extra = {"@connection"},
       .complexity = "O(1)"},
      {.name = "command|docs",
       .arity = -2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Get array of specific Redis command documentation",
       .since = "7.0.0",
       .acl_extra = {"@connection"},
       .tips = {"nondeterministic_output_order"},
       .complexity = "O(N) where N is the number of commands to look up",
       .arguments = {{.name = "command-name",
                      .type = "string",
                      .flags = kArgOptional | kArgMultiple}}},
      {.name = "command|getkeys",
       .arity = -4,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Extract keys given a full Redis command",
       .since = "2.8.13",
       .acl_extra = {"@connection"},
       .complexity = "O(N) where N is the number of arguments to the command"},
      {.name = "command|getkeysandflags",
       .arity = -4,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Extract keys and access flags given a full Redis command",
       .since = "7.0.0",
       .acl_extra = {"@connection"},
       .complexity = "O(N) where N is the number of arguments to the command"},
      {.name = "command|help",
       .arity = 2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Show helpful text about the different subcommands",
       .since = "5.0.0",
       .acl_extra = {"@connection"},
       .complexity = "O(1)"},
      {.name = "command|info",
       .arity = -2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Get array of specific Redis command details, or all when no argument is given.",
       .since = "2.8.13",
       .acl_extra = {"@connection"},
       .tips = {"nondeterministic_output_order"},
       .complexity = "O(N) where N is the number of commands to look up",
       .arguments = {{.name = "command-name",
                      .type = "string",
                      .flags = kArgOptional | kArgMultiple}}},
      {.name = "command|list",
       .arity = -2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Get an array of Redis command names",
       .since = "7.0.0",
       .acl_extra = {"@connection"},
       .tips = {"nondeterministic_output_order"},
       .complexity = "O(N) where N is the total number of Redis commands",
       .arguments = {{.name = "filterby",
                      .type = "oneof",
                      .token = "FILTERBY",
                      .flags = kArgOptional,
                      .arguments = {{.name = "module-name", .type = "string", .token = "MODULE"},
                                    {.name = "category", .type = "string", .token = "ACLCAT"},
                                    {.name = "pattern", .type = "pattern", .token = "PATTERN"}}}}},
  };
}

// ACL: users and their permissions (the admin room answers them; users are replicated through
// the log). LOAD and SAVE exist so that their errors are Redis's: there is no ACL file.
std::vector<CommandSpec> acl_subcommands() {
  constexpr uint32_t kAdminFlags =
      kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer;
  constexpr uint32_t kPlainFlags = kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer;
  return {
      {.name = "acl|cat",
       .arity = -2,
       .flags = kPlainFlags,
       .group = "server",
       .summary = "List the ACL categories or the commands inside a category",
       .since = "6.0.0",
       .complexity = "O(1) since the categories and commands are a fixed set.",
       .arguments = {{.name = "categoryname", .type = "string", .flags = kArgOptional}}},
      {.name = "acl|deluser",
       .arity = -3,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "Remove the specified ACL users and the associated rules",
       .since = "6.0.0",
       .complexity = "O(1) amortized time considering the typical user.",
       .arguments = {{.name = "username", .type = "string", .flags = kArgMultiple}}},
      {.name = "acl|dryrun",
       .arity = -4,
       .flags = kAdminFlags,
       .group = "server",
       .summary =
           "Returns whether the user can execute the given command without executing the command.",
       .since = "7.0.0",
       .complexity = "O(1).",
       .arguments = {{.name = "username", .type = "string"},
                     {.name = "command", .type = "string"},
                     {.name = "arg", .type = "string", .flags = kArgOptional | kArgMultiple}}},
      {.name = "acl|genpass",
       .arity = -2,
       .flags = kPlainFlags,
       .group = "server",
       .summary = "Generate a pseudorandom secure password to use for ACL users",
       .since = "6.0.0",
       .complexity = "O(1)",
       .arguments = {{.name = "bits", .type = "integer", .flags = kArgOptional}}},
      {.name = "acl|getuser",
       .arity = 3,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "Get the rules for a specific ACL user",
       .since = "6.0.0",
       .complexity = "O(N). Where N is the number of password, command and pattern rules that "
                     "the user has.",
       .arguments = {{.name = "username", .type = "string"}}},
      {.name = "acl|help",
       .arity = 2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Show helpful text about the different subcommands",
       .since = "6.0.0",
       .complexity = "O(1)"},
      {.name = "acl|list",
       .arity = 2,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "List the current ACL rules in ACL config file format",
       .since = "6.0.0",
       .complexity = "O(N). Where N is the number of configured users."},
      {.name = "acl|load",
       .arity = 2,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "Reload the ACLs from the configured ACL file",
       .since = "6.0.0",
       .complexity = "O(N). Where N is the number of configured users."},
      {.name = "acl|save",
       .arity = 2,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "Save the current ACL rules in the configured ACL file",
       .since = "6.0.0",
       .complexity = "O(N). Where N is the number of configured users."},
      {.name = "acl|setuser",
       .arity = -3,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "Modify or create the rules for a specific ACL user",
       .since = "6.0.0",
       .complexity = "O(N). Where N is the number of rules provided.",
       .arguments = {{.name = "username", .type = "string"},
                     {.name = "rule", .type = "string", .flags = kArgOptional | kArgMultiple}}},
      {.name = "acl|users",
       .arity = 2,
       .flags = kAdminFlags,
       .group = "server",
       .summary = "List the username of all the configured ACL rules",
       .since = "6.0.0",
       .complexity = "O(N). Where N is the number of configured users."},
      {.name = "acl|whoami",
       .arity = 2,
       .flags = kPlainFlags,
       .group = "server",
       .summary = "Return the name of the user associated to the current connection",
       .since = "6.0.0",
       .complexity = "O(1)"},
  };
}

std::vector<CommandSpec> config_subcommands() {
  return {
      {.name = "config|get",
       .arity = -3,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Get the values of configuration parameters",
       .since = "2.0.0",
       .complexity = "O(N) when N is the number of configuration parameters provided",
       .arguments = {{.name = "parameter",
                      .type = "block",
                      .flags = kArgMultiple,
                      .arguments = {{.name = "parameter", .type = "string"}}}}},
      {.name = "config|set",
       .arity = -4,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Set configuration parameters to the given values",
       .since = "2.0.0",
       .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"},
       .complexity = "O(N) when N is the number of configuration parameters provided",
       .arguments = {{.name = "parameter_value",
                      .type = "block",
                      .flags = kArgMultiple,
                      .arguments = {{.name = "parameter", .type = "string"},
                                    {.name = "value", .type = "string"}}}}},
      {.name = "config|resetstat",
       .arity = 2,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Reset the stats returned by INFO",
       .since = "2.0.0",
       .complexity = "O(1)"},
      {.name = "config|rewrite",
       .arity = 2,
       .flags = kFlagAdmin | kFlagNoScript | kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Rewrite the configuration file with the in memory configuration",
       .since = "2.8.0",
       .complexity = "O(1)"},
      {.name = "config|help",
       .arity = 2,
       .flags = kFlagLoading | kFlagStale | kFlagServer,
       .group = "server",
       .summary = "Show helpful text about the different subcommands",
       .since = "5.0.0",
       .complexity = "O(1)"},
  };
}

// OBJECT runs in the state machine (kv/commands_keyspace.cc, cmd::object); these are its
// subcommands' metadata, in the order Redis 7.0 lists them. IDLETIME is left out: Seshat keeps
// no access times.
std::vector<CommandSpec> object_subcommands() {
  return {
      {.name = "object|refcount",
       .arity = 3,
       .flags = kFlagReadonly,
       .group = "generic",
       .summary = "Get the number of references to the value of the key",
       .since = "2.2.3",
       .tips = {"nondeterministic_output"},
       .key_specs = {{.flags = {"RO"}, .begin_index = 2}},
       .complexity = "O(1)",
       .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}},
      {.name = "object|encoding",
       .arity = 3,
       .flags = kFlagReadonly,
       .group = "generic",
       .summary = "Inspect the internal encoding of a Redis object",
       .since = "2.2.3",
       .tips = {"nondeterministic_output"},
       .key_specs = {{.flags = {"RO"}, .begin_index = 2}},
       .complexity = "O(1)",
       .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}},
      {.name = "object|freq",
       .arity = 3,
       .flags = kFlagReadonly,
       .group = "generic",
       .summary = "Get the logarithmic access frequency counter of a Redis object",
       .since = "4.0.0",
       .tips = {"nondeterministic_output"},
       .key_specs = {{.flags = {"RO"}, .begin_index = 2}},
       .complexity = "O(1)",
       .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}},
      {.name = "object|help",
       .arity = 2,
       .flags = kFlagLoading | kFlagStale,
       .group = "generic",
       .summary = "Show helpful text about the different subcommands",
       .since = "6.2.0",
       .complexity = "O(1)"},
  };
}

// CLUSTER subcommands of Redis 7.0 with their arities: checked for Redis's error precedence
// only, since a standalone node refuses all of them.
constexpr std::pair<std::string_view, int> kClusterSubcommands[] = {
    {"addslots", -3},
    {"addslotsrange", -4},
    {"bumpepoch", 2},
    {"count-failure-reports", 3},
    {"countkeysinslot", 3},
    {"delslots", -3},
    {"delslotsrange", -4},
    {"failover", -2},
    {"flushslots", 2},
    {"forget", 3},
    {"getkeysinslot", 4},
    {"help", 2},
    {"info", 2},
    {"keyslot", 3},
    {"links", 2},
    {"meet", -4},
    {"myid", 2},
    {"myshardid", 2},
    {"nodes", 2},
    {"replicas", 3},
    {"replicate", 3},
    {"reset", -2},
    {"saveconfig", 2},
    {"set-config-epoch", 3},
    {"setslot", -4},
    {"shards", 2},
    {"slaves", 3},
    {"slots", 2},
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A family of subcommands, each completed as the command table completes its commands.
std::vector<CommandSpec> completed(std::vector<CommandSpec> specs) {
  for (CommandSpec& spec : specs) {
    if (!complete_spec(spec, /*container=*/false)) {
      std::fprintf(stderr, "seshat: subcommand table broken at '%.*s'\n",
                   static_cast<int>(spec.name.size()), spec.name.data());
      std::abort();
    }
  }
  return specs;
}

}  // namespace

const std::vector<CommandSpec>& subcommands_of(std::string_view container) {
  static const std::vector<CommandSpec> kAcl = completed(acl_subcommands());
  static const std::vector<CommandSpec> kClient = completed(client_subcommands());
  static const std::vector<CommandSpec> kCommand = completed(command_subcommands());
  static const std::vector<CommandSpec> kConfig = completed(config_subcommands());
  static const std::vector<CommandSpec> kObject = completed(object_subcommands());
  static const std::vector<CommandSpec> kNone;
  if (container == "acl") return kAcl;
  if (container == "client") return kClient;
  if (container == "command") return kCommand;
  if (container == "config") return kConfig;
  if (container == "object") return kObject;
  return kNone;
}

const CommandSpec* find_subcommand(std::string_view container, std::string_view sub) {
  for (const CommandSpec& spec : subcommands_of(container)) {
    std::string_view name = spec.name.substr(spec.name.find('|') + 1);
    if (iequals(name, sub)) return &spec;
  }
  return nullptr;
}

bool is_container(std::string_view name) {
  return iequals(name, "acl") || iequals(name, "client") || iequals(name, "command") ||
         iequals(name, "config") || iequals(name, "cluster") || iequals(name, "object");
}

std::string subcommand_full_name(const Argv& argv) {
  if (argv.size() < 2 || !is_container(argv[0])) return "";
  const std::string container = lower(argv[0]);
  if (container == "cluster") {
    for (const auto& [name, arity] : kClusterSubcommands) {
      if (iequals(name, argv[1])) return container + "|" + std::string(name);
    }
    return "";
  }
  const CommandSpec* spec = find_subcommand(container, argv[1]);
  return spec != nullptr ? std::string(spec->name) : "";
}

std::string subcommand_error(const Argv& argv) {
  if (argv.size() < 2 || !is_container(argv[0])) return "";
  const std::string container = lower(argv[0]);
  if (container == "cluster") {
    for (const auto& [name, arity] : kClusterSubcommands) {
      if (!iequals(name, argv[1])) continue;
      const size_t argc = argv.size();
      bool ok =
          arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
      if (ok) return "";
      return err::wrong_arity(container + "|" + std::string(name));
    }
    return err::unknown_subcommand(argv[1], argv[0]);
  }
  const CommandSpec* spec = find_subcommand(container, argv[1]);
  if (spec == nullptr) return err::unknown_subcommand(argv[1], argv[0]);
  if (!arity_ok(*spec, argv.size())) return err::wrong_arity(spec->name);
  return "";
}

}  // namespace seshat::kv
