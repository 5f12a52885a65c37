// Configuration: one table of keys drives the TOML reader, the command-line flags, the --help
// text and the range checks, so a key cannot be added to one of them and forgotten in another.
//
// Order of precedence: built-in defaults, then the TOML file named by --config, then flags.
// Type errors are reported where they happen (file line or flag); value rules (ranges, addresses,
// cross-field ordering) are checked once on the merged result by validate_config
// (config_keys.cc, beside the table), so a bad value is caught the same way whichever source it
// came from.
#include "node/config.h"

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <variant>

#include "node/config_keys.h"

namespace seshat::node {
namespace {

#ifndef SESHAT_VERSION
#define SESHAT_VERSION "0.1.0"
#endif

// Exit code for a configuration the node refuses, as with CLI usage errors elsewhere.
constexpr int kConfigErrorExit = 2;
// ---- the TOML file ------------------------------------------------------------------------

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

class TomlReader {
 public:
  explicit TomlReader(std::string path) : path_(std::move(path)) {}

  // Fills `config` from the file; returns an error message, or "".
  std::string read(Config* config) {
    std::string text;
    if (std::string error = slurp(&text); !error.empty()) return error;
    toml::table root;
    try {
      root = toml::parse(text, path_);
    } catch (const toml::parse_error& e) {
      const auto& begin = e.source().begin;
      return "config: " + path_ + ":" + std::to_string(begin.line) + ":" +
             std::to_string(begin.column) + ": TOML syntax error: " + std::string(e.description());
    }
    for (const auto& [section_key, section_node] : root) {
      const std::string section(section_key.str());
      if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
        return where(section_node) + "unknown " +
               (section_node.is_table() ? "section [" + section + "]"
                                        : "top-level key " + in_quotes(section)) +
               " (sections are [node], [cluster], [raft], [limits], [server])";
      }
      const toml::table* table = section_node.as_table();
      if (table == nullptr) {
        return where(section_node) + "[" + section + "] must be a table, got " +
               type_name(section_node);
      }
      for (const auto& [name, node] : *table) {
        const Key* key = find_key(section, name.str());
        if (key == nullptr) {
          return where(node) + "unknown key " + in_quotes(name.str()) + " in [" + section + "]";
        }
        if (std::string error = assign(*key, node, config); !error.empty()) return error;
      }
    }
    return "";
  }

 private:
  std::string slurp(std::string* text) const {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path_.c_str(), "rb"), &std::fclose);
    if (!file) return "config: cannot read " + path_ + ": " + std::strerror(errno);
    char buffer[8192];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text->append(buffer, n);
    if (std::ferror(file.get()))
      return "config: cannot read " + path_ + ": " + std::strerror(errno);
    return "";
  }

  std::string where(const toml::node& node) const {
    return "config: " + path_ + ":" + std::to_string(node.source().begin.line) + ": ";
  }

  std::string wrong_type(const Key& key, const toml::node& node, std::string_view expected) const {
    return where(node) + key_label(key) + " must be " + std::string(expected) + ", got " +
           type_name(node);
  }

  std::string assign(const Key& key, const toml::node& node, Config* config) const {
    return std::visit(
        [&](auto field) -> std::string {
          auto& target = config->*field;
          using T = std::decay_t<decltype(target)>;
          if constexpr (std::is_same_v<T, uint64_t>) {
            const auto* value = node.as_integer();
            if (value == nullptr) return wrong_type(key, node, "an integer");
            if (value->get() < 0) {
              return where(node) + key_label(key) + " must not be negative, got " +
                     std::to_string(value->get());
            }
            target = static_cast<uint64_t>(value->get());
          } else if constexpr (std::is_same_v<T, bool>) {
            const auto* value = node.as_boolean();
            if (value == nullptr) return wrong_type(key, node, "true or false");
            target = value->get();
          } else if constexpr (std::is_same_v<T, std::string>) {
            const auto* value = node.as_string();
            if (value == nullptr) return wrong_type(key, node, "a string");
            target = value->get();
          } else {
            return assign_members(key, node, &target);
          }
          return "";
        },
        key.field);
  }

  // initial_members = [{id = 1, addr = "h:7379", client_addr = "h:6379"}, ...]; the same array
  // may be written as [[cluster.initial_members]] tables, which toml++ parses identically.
  std::string assign_members(const Key& key, const toml::node& node,
                             std::vector<Member>* out) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) return wrong_type(key, node, "an array of {id, addr, client_addr}");
    out->clear();
    size_t position = 0;
    for (const toml::node& entry : *array) {
      const std::string label = key_label(key) + "[" + std::to_string(position++) + "]";
      const toml::table* table = entry.as_table();
      if (table == nullptr) {
        return where(entry) + label + " must be a table {id, addr, client_addr}, got " +
               type_name(entry);
      }
      Member member;
      bool has_id = false;
      bool has_addr = false;
      for (const auto& [name, field] : *table) {
        const std::string_view field_name = name.str();
        if (field_name == "id") {
          const auto* id = field.as_integer();
          if (id == nullptr || id->get() < 0) {
            return where(field) + label + ".id must be a non-negative integer";
          }
          member.id = static_cast<uint64_t>(id->get());
          has_id = true;
        } else if (field_name == "addr" || field_name == "client_addr") {
          const auto* addr = field.as_string();
          if (addr == nullptr) {
            return where(field) + label + "." + std::string(field_name) +
                   " must be a string, got " + type_name(field);
          }
          (field_name == "addr" ? member.addr : member.client_addr) = addr->get();
          has_addr = has_addr || field_name == "addr";
        } else {
          return where(field) + "unknown key " + in_quotes(field_name) + " in " + label +
                 " (members have id, addr, client_addr)";
        }
      }
      if (!has_id || !has_addr) {
        return where(entry) + label + " needs both id and addr";
      }
      out->push_back(std::move(member));
    }
    return "";
  }

  std::string path_;
};

// ---- flags --------------------------------------------------------------------------------

std::string flag_error(const Key& key, std::string_view problem, std::string_view value) {
  return "config: " + std::string(key.flag) + " " + std::string(problem) + ", got " +
         in_quotes(value);
}

std::string apply_flag(const Key& key, const std::string& text, Config* config) {
  return std::visit(
      [&](auto field) -> std::string {
        auto& target = config->*field;
        using T = std::decay_t<decltype(target)>;
        if constexpr (std::is_same_v<T, uint64_t>) {
          const std::optional<uint64_t> value = parse_uint(text);
          if (!value) return flag_error(key, "must be a non-negative integer", text);
          target = *value;
        } else if constexpr (std::is_same_v<T, bool>) {
          const std::optional<bool> value = parse_bool(text);
          if (!value) return flag_error(key, "must be true or false", text);
          target = *value;
        } else if constexpr (std::is_same_v<T, std::string>) {
          target = text;
        } else {
          if (std::string problem = parse_members(text, &target); !problem.empty()) {
            return "config: " + std::string(key.flag) + ": " + problem +
                   " (format: id=addr[@client_addr],...)";
          }
        }
        return "";
      },
      key.field);
}

std::string_view flag_type(const Key& key) {
  return std::visit(
      [](auto field) -> std::string_view {
        using T = std::decay_t<decltype(Config{}.*field)>;
        if constexpr (std::is_same_v<T, uint64_t>) return "UINT";
        if constexpr (std::is_same_v<T, bool>) return "[BOOL]";
        if constexpr (std::is_same_v<T, std::string>) return "TEXT";
        return "MEMBERS";
      },
      key.field);
}

constexpr std::string_view kHelpFooter =
    "Every option is also a key of the TOML file given with --config, under the section named in\n"
    "its description; flags override the file. With no arguments the node is a single-node\n"
    "cluster on 127.0.0.1:6379 keeping its data in ./data.\n"
    "--initial-members takes id=addr[@client_addr] entries separated by commas, where addr is the\n"
    "member's internal (Raft) address and client_addr, optional, its Redis address; in TOML:\n"
    "  initial_members = [{id = 1, addr = \"127.0.0.1:7379\", client_addr = \"127.0.0.1:6379\"}]\n"
    "Boolean flags accept true/false (or 1/0, yes/no, on/off); alone they mean true.\n"
    "See docs/configuration.md for a sample three-node cluster.";

ParseOutcome failure(std::string message) {
  ParseOutcome outcome;
  outcome.exit_code = kConfigErrorExit;
  outcome.message = std::move(message);
  return outcome;
}

ParseOutcome parse_config_or_throw(int argc, const char* const* argv) {
  CLI::App app{"Seshat: a strongly consistent, Raft-replicated key-value store for Redis clients",
               "seshat"};
  app.set_version_flag("--version", "seshat " SESHAT_VERSION);
  app.footer(std::string(kHelpFooter));

  std::string config_path;
  app.add_option("--config", config_path, "TOML file read before the flags below are applied")
      ->type_name("FILE");

  // Flags are taken as text and converted by us, so that a bad value gets the same wording as
  // a bad value in the file rather than CLI11's.
  std::array<std::string, kKeys.size()> flag_values;
  std::array<CLI::Option*, kKeys.size()> flag_options{};
  for (size_t i = 0; i < kKeys.size(); ++i) {
    const Key& key = kKeys[i];
    const std::string description =
        key_label(key) + ", default " + default_text(key) + ": " + std::string(key.help);
    CLI::Option* option = app.add_option(std::string(key.flag), flag_values[i], description)
                              ->type_name(std::string(flag_type(key)))
                              ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    if (std::holds_alternative<bool Config::*>(key.field)) option->expected(0, 1);
    flag_options[i] = option;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return ParseOutcome{std::nullopt, 0, app.help()};
  } catch (const CLI::CallForVersion& e) {
    return ParseOutcome{std::nullopt, 0, e.what()};
  } catch (const CLI::ParseError& e) {
    return failure("config: " + std::string(e.what()) + " (see --help)");
  }

  Config config;
  if (!config_path.empty()) {
    if (std::string error = TomlReader(config_path).read(&config); !error.empty()) {
      return failure(std::move(error));
    }
  }
  for (size_t i = 0; i < kKeys.size(); ++i) {
    if (flag_options[i]->count() == 0) continue;
    if (std::string error = apply_flag(kKeys[i], flag_values[i], &config); !error.empty()) {
      return failure(std::move(error));
    }
  }
  if (std::string error = validate_config(config); !error.empty()) return failure(std::move(error));
  return ParseOutcome{std::move(config), 0, ""};
}

}  // namespace

ParseOutcome parse_config(int argc, const char* const* argv) {
  // Nothing may escape to main: a library throwing on odd input (or std::bad_alloc) becomes an
  // error outcome like any other bad input.
  try {
    return parse_config_or_throw(argc, argv);
  } catch (const std::exception& e) {
    return failure(std::string("config: ") + e.what());
  }
}

}  // namespace seshat::node
