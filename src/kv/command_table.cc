// The command table: lookup, arity and key positions. The entries themselves live in
// command_specs_*.cc, one file per family.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <utility>

#include "kv/command.h"
#include "kv/commands.h"
#include "kv/subcommands.h"

namespace seshat::kv {

namespace {

// Redis's ACL categories in the order COMMAND INFO lists them (its category table's order).
constexpr std::string_view kAclCategories[] = {
    "@keyspace",   "@read",        "@write",    "@set",         "@sortedset", "@list",
    "@hash",       "@string",      "@bitmap",   "@hyperloglog", "@geo",       "@stream",
    "@pubsub",     "@admin",       "@fast",     "@slow",        "@blocking",  "@dangerous",
    "@connection", "@transaction", "@scripting"};

// The category every command of a COMMAND DOCS group carries; empty for groups without one
// (server, cluster).
std::string_view group_category(std::string_view group) {
  static constexpr std::pair<std::string_view, std::string_view> kGroups[] = {
      {"generic", "@keyspace"},
      {"string", "@string"},
      {"hash", "@hash"},
      {"list", "@list"},
      {"set", "@set"},
      {"sorted-set", "@sortedset"},
      {"connection", "@connection"},
      {"transactions", "@transaction"}};
  for (const auto& [name, category] : kGroups) {
    if (name == group) return category;
  }
  return {};
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

struct Table {
  std::vector<CommandSpec> specs;
  std::unordered_map<std::string_view, const CommandSpec*> by_name;
  size_t longest_name = 0;
};

const Table& table() {
  static const Table t = [] {
    Table out;
    for (auto family :
         {string_command_specs, keyspace_command_specs, expiry_command_specs, hash_command_specs,
          list_command_specs, set_command_specs, zset_command_specs, server_command_specs}) {
      for (auto& spec : family()) out.specs.push_back(std::move(spec));
    }
    for (CommandSpec& spec : out.specs) {
      // A duplicate, a data command without a handler or a declaration that contradicts
      // itself is a bug in the table itself.
      bool fresh = out.by_name.emplace(spec.name, &spec).second;
      bool consistent = (spec.handler == nullptr) == ((spec.flags & kFlagServer) != 0) &&
                        complete_spec(spec, is_container(spec.name));
      if (!fresh || !consistent) {
        std::fprintf(stderr, "seshat: command table broken at '%.*s'\n",
                     static_cast<int>(spec.name.size()), spec.name.data());
        std::abort();
      }
      out.longest_name = std::max(out.longest_name, spec.name.size());
    }
    return out;
  }();
  return t;
}

}  // namespace

bool complete_spec(CommandSpec& spec, bool container) {
  if (!spec.key_specs.empty()) {
    if (spec.first_key != 0 || spec.last_key != 0 || spec.key_step != 0) return false;
    // The keys of all specs as one range: from the first spec's start to the furthest end
    // (an end counted from the last argument reaches furthest), with their common step.
    const KeySpecDoc& first = spec.key_specs.front();
    spec.first_key = first.begin_index;
    spec.key_step = first.key_step;
    spec.last_key = first.last_key < 0 ? first.last_key : first.begin_index + first.last_key;
    for (const KeySpecDoc& ks : spec.key_specs) {
      if (ks.key_step != spec.key_step) return false;
      const int last = ks.last_key < 0 ? ks.last_key : ks.begin_index + ks.last_key;
      if (spec.last_key >= 0 && (last < 0 || last > spec.last_key)) spec.last_key = last;
    }
  }
  std::vector<std::string_view> wanted = spec.acl_extra;
  auto implies = [&](uint32_t flag, std::string_view category) {
    if (spec.flags & flag) wanted.push_back(category);
  };
  implies(kFlagWrite, "@write");
  implies(kFlagReadonly, "@read");
  implies(kFlagAdmin, "@admin");
  implies(kFlagAdmin, "@dangerous");
  implies(kFlagFast, "@fast");
  implies(kFlagBlocking, "@blocking");
  if (std::find(wanted.begin(), wanted.end(), "@fast") == wanted.end()) wanted.push_back("@slow");
  if (!container && !group_category(spec.group).empty()) {
    wanted.push_back(group_category(spec.group));
  }
  spec.acl_categories.clear();
  for (std::string_view category : kAclCategories) {
    if (std::find(wanted.begin(), wanted.end(), category) != wanted.end()) {
      spec.acl_categories.push_back(category);
    }
  }
  for (std::string_view category : spec.acl_extra) {
    if (std::find(std::begin(kAclCategories), std::end(kAclCategories), category) ==
        std::end(kAclCategories)) {
      return false;
    }
  }
  return true;
}

const CommandSpec* find_command(std::string_view name) {
  const Table& t = table();
  if (name.empty() || name.size() > t.longest_name) return nullptr;
  std::array<char, 64> buf{};
  if (name.size() > buf.size()) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) buf[i] = ascii_lower(name[i]);
  auto it = t.by_name.find(std::string_view(buf.data(), name.size()));
  return it == t.by_name.end() ? nullptr : it->second;
}

const std::vector<CommandSpec>& all_commands() { return table().specs; }

bool arity_ok(const CommandSpec& spec, size_t argc) {
  if (spec.arity >= 0) return argc == static_cast<size_t>(spec.arity);
  return argc >= static_cast<size_t>(-spec.arity);
}

std::vector<std::string_view> command_keys(const CommandSpec& spec, const Argv& argv) {
  std::vector<std::string_view> keys;
  if (spec.container_key > 0 && argv.size() > static_cast<size_t>(spec.container_key)) {
    keys.emplace_back(argv[static_cast<size_t>(spec.container_key)]);
    return keys;
  }
  if (spec.first_key <= 0 || spec.key_step <= 0) return keys;
  const auto argc = static_cast<int64_t>(argv.size());
  int64_t last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  last = std::min(last, argc - 1);
  for (int64_t i = spec.first_key; i <= last; i += spec.key_step) {
    keys.emplace_back(argv[static_cast<size_t>(i)]);
  }
  return keys;
}

std::vector<std::string_view> redis_flag_names(uint32_t flags) {
  static constexpr std::pair<CommandFlag, std::string_view> kOrder[] = {
      {kFlagWrite, "write"},     {kFlagReadonly, "readonly"}, {kFlagDenyOom, "denyoom"},
      {kFlagAdmin, "admin"},     {kFlagNoScript, "noscript"}, {kFlagBlocking, "blocking"},
      {kFlagLoading, "loading"}, {kFlagStale, "stale"},       {kFlagSkipSlowlog, "skip_slowlog"},
      {kFlagFast, "fast"},       {kFlagNoAuth, "no_auth"},    {kFlagAllowBusy, "allow_busy"},
  };
  std::vector<std::string_view> names;
  for (const auto& [flag, name] : kOrder) {
    if (flags & flag) names.push_back(name);
  }
  return names;
}

}  // namespace seshat::kv
