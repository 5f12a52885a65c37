// COMMAND and its subcommands: the introspection that client libraries (key positions for
// cluster routing) and redis-cli (hints from COMMAND DOCS) read at connect time. Replies have
// the shapes of Redis 7.0, including which parts are sets in RESP3.
#include "admin/command_docs.h"

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kv/ascii.h"
#include "kv/errors.h"
#include "kv/glob_match.h"
#include "kv/help_reply.h"
#include "kv/subcommands.h"

namespace seshat::admin {

using kv::lower;
using kv::upper;

namespace {

using protocol::Reply;

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// A command by name as COMMAND INFO/DOCS accept it: "get", or "client|id" for a subcommand.
const kv::CommandSpec* lookup(std::string_view name) {
  size_t bar = name.find('|');
  if (bar != std::string_view::npos) {
    return kv::find_subcommand(lower(name.substr(0, bar)), name.substr(bar + 1));
  }
  return kv::find_command(name);
}

Reply simple_set(const std::vector<std::string_view>& names) {
  std::vector<Reply> items;
  for (auto n : names) items.push_back(Reply::Simple(std::string(n)));
  return Reply::Set(std::move(items));
}

Reply bulk(std::string_view s) { return Reply::Bulk(std::string(s)); }

// The key specs of a command. Every table entry with keys should list them; one derived from
// the legacy first/last/step triple stands in when it does not, so routing still works.
std::vector<kv::KeySpecDoc> key_specs(const kv::CommandSpec& spec) {
  if (!spec.key_specs.empty() || spec.first_key <= 0) return spec.key_specs;
  kv::KeySpecDoc doc{
      .flags = (spec.flags & kv::kFlagWrite) ? std::vector<std::string_view>{"RW", "update"}
                                             : std::vector<std::string_view>{"RO", "access"},
      .begin_index = spec.first_key,
      .last_key = spec.last_key < 0 ? spec.last_key : spec.last_key - spec.first_key,
      .key_step = spec.key_step,
  };
  return {doc};
}

Reply key_spec_reply(const kv::KeySpecDoc& ks) {
  std::vector<Reply> m;
  if (!ks.notes.empty()) {
    m.push_back(bulk("notes"));
    m.push_back(bulk(ks.notes));
  }
  m.push_back(bulk("flags"));
  m.push_back(simple_set(ks.flags));
  m.push_back(bulk("begin_search"));
  m.push_back(Reply::Map({bulk("type"), bulk("index"), bulk("spec"),
                          Reply::Map({bulk("index"), Reply::Integer(ks.begin_index)})}));
  m.push_back(bulk("find_keys"));
  m.push_back(Reply::Map(
      {bulk("type"), bulk("range"), bulk("spec"),
       Reply::Map({bulk("lastkey"), Reply::Integer(ks.last_key), bulk("keystep"),
                   Reply::Integer(ks.key_step), bulk("limit"), Reply::Integer(ks.limit)})}));
  return Reply::Map(std::move(m));
}

// One element of COMMAND / COMMAND INFO: [name, arity, flags, first key, last key, step,
// ACL categories, tips, key specs, subcommands].
Reply info_entry(const kv::CommandSpec& spec) {
  std::vector<Reply> tips;
  for (auto t : spec.tips) tips.push_back(bulk(t));
  std::vector<Reply> specs;
  for (const auto& ks : key_specs(spec)) specs.push_back(key_spec_reply(ks));
  std::vector<Reply> subs;
  for (const auto& sub : kv::subcommands_of(spec.name)) subs.push_back(info_entry(sub));
  return Reply::Array({
      bulk(spec.name),
      Reply::Integer(spec.arity),
      simple_set(kv::redis_flag_names(spec.flags)),
      Reply::Integer(spec.first_key),
      Reply::Integer(spec.last_key),
      Reply::Integer(spec.key_step),
      simple_set(spec.acl_categories),
      Reply::Set(std::move(tips)),
      Reply::Set(std::move(specs)),
      Reply::Set(std::move(subs)),
  });
}

Reply args_reply(const std::vector<kv::ArgDoc>& args) {
  std::vector<Reply> out;
  for (const kv::ArgDoc& arg : args) {
    std::vector<Reply> m{bulk("name"), bulk(arg.name), bulk("type"), bulk(arg.type)};
    if (arg.key_spec_index >= 0) {
      m.push_back(bulk("key_spec_index"));
      m.push_back(Reply::Integer(arg.key_spec_index));
    }
    if (!arg.token.empty()) {
      m.push_back(bulk("token"));
      m.push_back(bulk(arg.token));
    }
    if (!arg.since.empty()) {
      m.push_back(bulk("since"));
      m.push_back(bulk(arg.since));
    }
    if (arg.flags != 0) {
      std::vector<std::string_view> flags;
      if (arg.flags & kv::kArgOptional) flags.push_back("optional");
      if (arg.flags & kv::kArgMultiple) flags.push_back("multiple");
      if (arg.flags & kv::kArgMultipleToken) flags.push_back("multiple_token");
      m.push_back(bulk("flags"));
      m.push_back(simple_set(flags));
    }
    if (arg.type == "oneof" || arg.type == "block") {
      m.push_back(bulk("arguments"));
      m.push_back(args_reply(arg.arguments));
    }
    out.push_back(Reply::Map(std::move(m)));
  }
  return Reply::Array(std::move(out));
}

// One value of COMMAND DOCS: a map with summary, since, group and what else the table knows.
Reply docs_entry(const kv::CommandSpec& spec) {
  std::vector<Reply> m{bulk("summary"),  bulk(spec.summary), bulk("since"),
                       bulk(spec.since), bulk("group"),      bulk(spec.group)};
  auto add = [&m](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    m.push_back(bulk(key));
    m.push_back(bulk(value));
  };
  add("complexity", spec.complexity);
  if (!spec.doc_flags.empty()) {
    m.push_back(bulk("doc_flags"));
    m.push_back(simple_set(spec.doc_flags));
  }
  add("deprecated_since", spec.deprecated_since);
  add("replaced_by", spec.replaced_by);
  if (!spec.arguments.empty()) {
    m.push_back(bulk("arguments"));
    m.push_back(args_reply(spec.arguments));
  }
  const auto& subs = kv::subcommands_of(spec.name);
  if (!subs.empty()) {
    std::vector<Reply> sm;
    for (const auto& sub : subs) {
      sm.push_back(bulk(sub.name));
      sm.push_back(docs_entry(sub));
    }
    m.push_back(bulk("subcommands"));
    m.push_back(Reply::Map(std::move(sm)));
  }
  return Reply::Map(std::move(m));
}

// The keys of a full command line (argv[0] is the command) with the flags of the key spec that
// found each one, in key spec order as Redis reports them.
std::vector<std::pair<std::string, std::vector<std::string_view>>> keys_with_flags(
    const kv::CommandSpec& spec, const kv::Argv& argv) {
  std::vector<std::pair<std::string, std::vector<std::string_view>>> out;
  const auto argc = static_cast<int64_t>(argv.size());
  for (const kv::KeySpecDoc& ks : key_specs(spec)) {
    const int64_t begin = ks.begin_index;
    if (begin <= 0 || begin >= argc || ks.key_step <= 0) continue;
    int64_t last = ks.last_key >= 0 ? begin + ks.last_key : argc + ks.last_key;
    if (last >= argc) last = argc - 1;
    for (int64_t i = begin; i <= last; i += ks.key_step) {
      out.emplace_back(argv[static_cast<size_t>(i)], ks.flags);
    }
  }
  return out;
}

Reply getkeys(const kv::Argv& argv, bool with_flags) {
  kv::Argv target(argv.begin() + 2, argv.end());
  const kv::CommandSpec* spec = lookup(target[0]);
  if (spec != nullptr && kv::is_container(target[0]) && target.size() >= 2) {
    spec = kv::find_subcommand(lower(target[0]), target[1]);
  }
  if (spec == nullptr || target[0].find('|') != std::string::npos) {
    return Reply::Error("ERR Invalid command specified");
  }
  if (key_specs(*spec).empty()) return Reply::Error("ERR The command has no key arguments");
  const auto argc = static_cast<int64_t>(target.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    return Reply::Error("ERR Invalid number of arguments specified for command");
  }
  auto keys = keys_with_flags(*spec, target);
  if (keys.empty()) return Reply::Error("ERR Invalid arguments specified for command");
  std::vector<Reply> out;
  for (auto& [key, flags] : keys) {
    if (with_flags) {
      out.push_back(Reply::Array({Reply::Bulk(std::move(key)), simple_set(flags)}));
    } else {
      out.push_back(Reply::Bulk(std::move(key)));
    }
  }
  return Reply::Array(std::move(out));
}

bool has_category(const kv::CommandSpec& spec, std::string_view category) {
  for (auto c : spec.acl_categories) {
    if (c.size() == category.size() + 1 && iequals(c.substr(1), category)) return true;
  }
  return false;
}

Reply list(const kv::Argv& argv) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string arg;
  for (size_t i = 2; i < argv.size(); i += 3) {
    if (!iequals(argv[i], "filterby") || argv.size() - 1 - i != 2) {
      return Reply::Error("ERR syntax error");
    }
    const std::string type = lower(argv[i + 1]);
    if (type == "module") {
      filter = Filter::kModule;
    } else if (type == "aclcat") {
      filter = Filter::kAclCat;
    } else if (type == "pattern") {
      filter = Filter::kPattern;
    } else {
      return Reply::Error("ERR syntax error");
    }
    arg = argv[i + 2];
  }
  auto keep = [&](const kv::CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone: return true;
      case Filter::kModule: return false;  // no command of ours comes from a module
      case Filter::kAclCat: return has_category(spec, arg);
      case Filter::kPattern: return kv::glob_match_nocase(arg, spec.name);
    }
    return false;
  };
  std::vector<Reply> names;
  for (const auto& spec : kv::all_commands()) {
    if (keep(spec)) names.push_back(bulk(spec.name));
    for (const auto& sub : kv::subcommands_of(spec.name)) {
      if (keep(sub)) names.push_back(bulk(sub.name));
    }
  }
  return Reply::Array(std::move(names));
}

Reply all_infos() {
  std::vector<Reply> out;
  for (const auto& spec : kv::all_commands()) {
    out.push_back(info_entry(spec));
  }
  return Reply::Array(std::move(out));
}

}  // namespace

Reply command_command(const kv::Argv& argv) {
  if (argv.size() == 1) return all_infos();
  const std::string sub = lower(argv[1]);
  if (sub == "count") {
    return Reply::Integer(static_cast<int64_t>(kv::all_commands().size()));
  }
  if (sub == "info") {
    if (argv.size() == 2) return all_infos();
    std::vector<Reply> out;
    for (size_t i = 2; i < argv.size(); ++i) {
      const kv::CommandSpec* spec = lookup(argv[i]);
      out.push_back(spec != nullptr ? info_entry(*spec) : Reply::Null());
    }
    return Reply::Array(std::move(out));
  }
  if (sub == "docs") {
    std::vector<Reply> m;
    auto add = [&m](const kv::CommandSpec& spec) {
      m.push_back(bulk(spec.name));
      m.push_back(docs_entry(spec));
    };
    if (argv.size() == 2) {
      for (const auto& spec : kv::all_commands()) add(spec);
    }
    for (size_t i = 2; i < argv.size(); ++i) {
      // Names Redis does not know are left out of the map rather than answered with null.
      if (const kv::CommandSpec* spec = lookup(argv[i])) add(*spec);
    }
    return Reply::Map(std::move(m));
  }
  if (sub == "list") return list(argv);
  if (sub == "getkeys") return getkeys(argv, false);
  if (sub == "getkeysandflags") return getkeys(argv, true);
  if (sub == "help") {
    return kv::help_reply(
        "COMMAND",
        {"(no subcommand)", "    Return details about all commands of this server.", "COUNT",
         "    Return the number of commands of this server.", "LIST",
         "    Return the names of all commands of this server.", "INFO [<command-name> ...]",
         "    Return details about the given commands, or about all of them.",
         "DOCS [<command-name> ...]",
         "    Return documentation for the given commands, or for all of them.",
         "GETKEYS <full-command>", "    Return the keys of a full command line.",
         "GETKEYSANDFLAGS <full-command>",
         "    Return the keys of a full command line with their access flags."});
  }
  return Reply::Error(kv::err::unknown_subcommand(argv[1], argv[0]));
}

}  // namespace seshat::admin
