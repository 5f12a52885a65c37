// The command table: one entry per command with its name, arity, flags, key positions and
// handler, as in Redis's server.c. The server looks a command up here for arity checks, MULTI
// queueing, COMMAND INFO/DOCS, redirects (key positions) and dispatch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply.h"
#include "storage/keyspace.h"

namespace seshat::kv {

using Argv = std::vector<std::string>;

enum CommandFlag : uint32_t {
  kFlagWrite = 1u << 0,     // changes the keyspace: goes through the log
  kFlagReadonly = 1u << 1,  // reads the keyspace: served from a read view
  kFlagFast = 1u << 2,
  kFlagAdmin = 1u << 3,
  kFlagServer = 1u << 4,   // handled by the server layer (connection state, INFO, CONFIG, ...)
  kFlagNoMulti = 1u << 5,  // executed immediately even inside MULTI (EXEC, DISCARD, WATCH, ...)
  kFlagLoading = 1u << 6,
  kFlagStale = 1u << 7,
  kFlagNoAuth = 1u << 8,  // allowed before AUTH (AUTH, HELLO, QUIT, RESET)
  // 1u << 9 is free (it marked commands only the node proposed; active expiry is an Operation
  // kind instead).
  kFlagDenyOom = 1u << 10,
  kFlagNoScript = 1u << 11,
  kFlagAllowBusy = 1u << 12,
  kFlagSkipSlowlog = 1u << 13,
  // May block the client (BLPOP ...): the state machine runs one non-blocking try, the server
  // layer waits and tries again (server/blocking_keys.h). Inside MULTI it never blocks.
  kFlagBlocking = 1u << 14,
};

// The Redis names of the flags that Redis reports in COMMAND INFO, in Redis's order ("write",
// "readonly", "denyoom", "admin", "noscript", "loading", "stale", "skip_slowlog", "fast",
// "no_auth", "allow_busy"). Seshat-only flags (server, nomulti, internal) are not reported.
std::vector<std::string_view> redis_flag_names(uint32_t flags);

// COMMAND DOCS argument tree, as Redis 7.0 reports it (redis-cli builds its hints from it).
enum ArgFlag : uint32_t {
  kArgOptional = 1u << 0,
  kArgMultiple = 1u << 1,
  kArgMultipleToken = 1u << 2,
};

struct ArgDoc {
  std::string_view name;
  std::string_view type;  // "key", "string", "integer", "double", "pattern", "unix-time",
                          // "pure-token", "oneof", "block"
  std::string_view token = {};
  std::string_view since = {};
  uint32_t flags = 0;                  // ArgFlag bits
  int key_spec_index = -1;             // for type "key"
  std::vector<ArgDoc> arguments = {};  // for "oneof" and "block"
};

// COMMAND INFO key specification (Redis 7 element 9): where the keys begin (an argument index)
// and how they continue (a range). Every command of ours has this simple shape.
// The defaults are the most common shape: one key, at argument 1.
struct KeySpecDoc {
  std::vector<std::string_view> flags = {};  // e.g. "RW", "access", "update"
  int begin_index = 1;
  int last_key = 0;  // relative to the begin index; -1 for the last argument
  int key_step = 1;
  int limit = 0;
  std::string_view notes = {};
};

// Limits that apply-time handlers enforce. Every node of a cluster must use the same values.
struct Limits {
  uint64_t max_key_size_bytes = 512ull * 1024 * 1024;
  uint64_t max_value_size_bytes = 512ull * 1024 * 1024;
};

// Key lookups that Redis counts in INFO's keyspace_hits and keyspace_misses: one per key a
// command reads (GET, MGET per key, EXISTS, TTL, GETSET, SET ... GET, COPY's source, ...), a
// hit if the key is live. Plain writes (SET, DEL, INCR, ...) look keys up without counting.
struct KeyLookups {
  uint64_t hits = 0;
  uint64_t misses = 0;
};

struct CommandContext {
  storage::Keyspace& keyspace;
  const Limits& limits;
  // Where a command's counted lookups go; nullptr when nobody reports them (a replica applying
  // another node's write).
  KeyLookups* lookups = nullptr;
};

using Handler = protocol::Reply (*)(CommandContext& ctx, const Argv& argv);

// One command as declared in command_specs_*.cc (or a subcommand in subcommands.cc): what is
// particular to it, with defaults for the rest. The table completes each declaration once at
// start-up (complete_spec below), as Redis derives part of its table from the JSON files.
struct CommandSpec {
  std::string_view name;  // lower case, e.g. "getex"
  int arity;              // Redis convention: N exact, -N at least N (name included)
  uint32_t flags;
  // The legacy key range (COMMAND INFO elements 4-6, redirects, WATCH): derived from key_specs
  // by the table; declared only by a command that has no key specs.
  int first_key = 0;  // 0 when the command takes no key
  int last_key = 0;   // -1 for the last argument
  int key_step = 0;
  Handler handler = nullptr;      // nullptr for kFlagServer commands
  std::string_view group = {};    // COMMAND DOCS group: "string", "generic", "connection", ...
  std::string_view summary = {};  // COMMAND DOCS summary
  std::string_view since = {};    // COMMAND DOCS since
  // ACL categories beyond those the flags and the group imply (complete_spec), e.g. "@dangerous".
  std::vector<std::string_view> acl_extra = {};
  // Further COMMAND INFO / COMMAND DOCS metadata, with the values Redis 7.0 reports.
  std::vector<std::string_view> tips = {};  // e.g. "request_policy:multi_shard"
  std::vector<KeySpecDoc> key_specs = {};
  std::string_view complexity = {};
  std::vector<std::string_view> doc_flags = {};  // e.g. "deprecated"
  std::string_view deprecated_since = {};
  std::string_view replaced_by = {};
  std::vector<ArgDoc> arguments = {};
  // A container whose subcommands take one key at this argument (OBJECT ENCODING <key>: 2),
  // for redirects and WATCH; COMMAND INFO reports the container itself as keyless, as Redis.
  int container_key = 0;

  // Filled in by complete_spec, never declared: every ACL category in Redis's order (COMMAND
  // INFO element 7), e.g. "@read", "@string", "@fast".
  std::vector<std::string_view> acl_categories = {};
};

// Completes a declaration, as Redis does for its own table: the legacy key range from the key
// specs, and the ACL categories: @write, @read, @admin + @dangerous, @fast, @blocking from the
// flags, @slow for a command that is not @fast, the group's category (@string, @keyspace, ...)
// except for a container (CLIENT, OBJECT: its subcommands carry it), and `acl_extra`. Returns
// false for a declaration that contradicts itself (a key range declared beside key specs, an
// unknown category).
bool complete_spec(CommandSpec& spec, bool container);

// Case-insensitive lookup; nullptr for an unknown command.
const CommandSpec* find_command(std::string_view name);
const std::vector<CommandSpec>& all_commands();

bool arity_ok(const CommandSpec& spec, size_t argc);

// The key arguments of a command according to its spec (for redirects and WATCH).
std::vector<std::string_view> command_keys(const CommandSpec& spec, const Argv& argv);

}  // namespace seshat::kv
